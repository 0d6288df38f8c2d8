package main

import (
	"fmt"

	"github.com/hardrun/hardrun/authz"
	"github.com/hardrun/hardrun/profiles"
)

// siteProfile loads the profile run, create, explain and verify use, as
// the site policy (/etc/hardrun/policy.yaml) permits: the site's default
// when neither --profile nor $HARDRUN_PROFILE names one, the user's
// directories, $HARDRUN_PROFILE_PATH and --profile FILE only when it lets
// them count, and only a profile it allows. `authz serve` enforces the
// same policy in the engine.
func (a *app) siteProfile(dirs []string, ref string) (*profiles.Profile, error) {
	site, err := authz.LoadSitePolicy(authz.SitePolicyPath)
	if err != nil {
		return nil, fmt.Errorf("load profile: %w", err)
	}
	getenv := a.getenv
	if site != nil {
		if ref == "" && a.getenv("HARDRUN_PROFILE") == "" {
			ref = site.DefaultName()
		}
		if ref != "" && profiles.IsFileRef(ref) && !site.ProfileFile() {
			return nil, fmt.Errorf("load profile: --profile %s: the site policy does not honour profile files (profiles.profile_file: false)", ref)
		}
		if !site.UserDirs() {
			dirs = nil // --profile-dir
		}
		getenv = siteGetenv(site, a.getenv)
	}
	p, err := profiles.NewLoader(profiles.SearchOptions{ProfileDirs: dirs, Getenv: getenv, SystemDir: a.systemProfileDir}).Load(ref)
	if err != nil {
		return nil, fmt.Errorf("load profile: %w", err)
	}
	if !site.Allows(p.Name) {
		return nil, fmt.Errorf("load profile: profile %q is not allowed by the site policy %s (profiles.allowed)", p.Name, authz.SitePolicyPath)
	}
	return p, nil
}

// siteGetenv hides the variables that lead the loader to directories the
// site policy does not count.
func siteGetenv(site *authz.SitePolicy, getenv func(string) string) func(string) string {
	return func(k string) string {
		switch {
		case k == "HARDRUN_PROFILE_PATH" && !site.ProfilePath(),
			(k == "XDG_CONFIG_HOME" || k == "HOME") && !site.UserDirs():
			return ""
		}
		return getenv(k)
	}
}
