package authz

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"syscall"

	"github.com/goccy/go-yaml"
)

// SitePolicyPath is where the site policy lives.
const SitePolicyPath = "/etc/hardrun/policy.yaml"

// SitePolicy is /etc/hardrun/policy.yaml: which profiles may be chosen,
// the site's default, and which of the user's ways to bring a profile
// count. The CLI applies it; `authz serve` enforces it.
//
//	profiles:
//	  allowed: [default, strict]   # names a request may choose; empty: any
//	  default: strict              # when --profile and $HARDRUN_PROFILE name none
//	  user_dirs: false             # ~/.config/hardrun/profiles and --profile-dir
//	  profile_path: false          # $HARDRUN_PROFILE_PATH
//	  profile_file: false          # --profile FILE
type SitePolicy struct {
	Profiles SiteProfiles `yaml:"profiles"`
}

// SiteProfiles is the profiles section. A missing boolean is true: a
// site policy that only lists profiles leaves the user's directories be.
type SiteProfiles struct {
	Allowed     []string `yaml:"allowed"`
	Default     string   `yaml:"default"`
	UserDirs    *bool    `yaml:"user_dirs"`
	ProfilePath *bool    `yaml:"profile_path"`
	ProfileFile *bool    `yaml:"profile_file"`
}

// ErrUntrustedSitePolicy is wrapped when the site policy file exists but
// is not owned by root or is writable by group or others.
var ErrUntrustedSitePolicy = errors.New("not honoured: it must be owned by root and writable by no one else")

const maxSitePolicy = 1 << 20

// LoadSitePolicy reads the site policy at path; nil, nil when there is
// none. Unknown keys are errors.
func LoadSitePolicy(path string) (*SitePolicy, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read site policy: %w", err)
	}
	defer f.Close()
	if err := trusted(f); err != nil {
		return nil, fmt.Errorf("site policy %s: %w", path, err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSitePolicy))
	if err != nil {
		return nil, fmt.Errorf("read site policy: %w", err)
	}
	sp, err := ParseSitePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("site policy %s: %w", path, err)
	}
	return sp, nil
}

// trusted checks the open file itself, so a swap after the check changes
// nothing.
func trusted(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid != 0 || fi.Mode().Perm()&0o022 != 0 || !fi.Mode().IsRegular() {
		return ErrUntrustedSitePolicy
	}
	return nil
}

// ParseSitePolicy decodes a site policy strictly.
func ParseSitePolicy(data []byte) (*SitePolicy, error) {
	var sp SitePolicy
	if err := yaml.UnmarshalWithOptions(data, &sp, yaml.Strict()); err != nil {
		return nil, err
	}
	if d := sp.Profiles.Default; d != "" && len(sp.Profiles.Allowed) > 0 && !slices.Contains(sp.Profiles.Allowed, d) {
		return nil, fmt.Errorf("profiles.default %q is not in profiles.allowed", d)
	}
	return &sp, nil
}

// allowsName reports whether a request may choose the profile name.
func (sp *SitePolicy) allowsName(name string) bool {
	return sp == nil || len(sp.Profiles.Allowed) == 0 || slices.Contains(sp.Profiles.Allowed, name)
}

// listsName reports whether the site policy names the profile itself.
func (sp *SitePolicy) listsName(name string) bool {
	return sp != nil && (slices.Contains(sp.Profiles.Allowed, name) || sp.Profiles.Default == name)
}

// Allows reports whether a profile of this name may be used.
func (sp *SitePolicy) Allows(name string) bool { return sp.allowsName(name) }

// DefaultName is the site's default profile, "" when it names none.
func (sp *SitePolicy) DefaultName() string {
	if sp == nil {
		return ""
	}
	return sp.Profiles.Default
}

// UserDirs, ProfilePath and ProfileFile say whether the user's profile
// directories, $HARDRUN_PROFILE_PATH and --profile FILE count.
func (sp *SitePolicy) UserDirs() bool    { return sp == nil || orTrue(sp.Profiles.UserDirs) }
func (sp *SitePolicy) ProfilePath() bool { return sp == nil || orTrue(sp.Profiles.ProfilePath) }
func (sp *SitePolicy) ProfileFile() bool { return sp == nil || orTrue(sp.Profiles.ProfileFile) }

func orTrue(b *bool) bool { return b == nil || *b }
