package main

import (
	"fmt"

	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/configfile"
	"github.com/docker/cli/cli/config/credentials"
	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/registry"
)

// dockerHubAuthKey is where docker's config file keeps Docker Hub's login.
const dockerHubAuthKey = "https://index.docker.io/v1/"

// dockerConfig is docker's config file (--config, $DOCKER_CONFIG,
// ~/.docker), read once per process. A broken file is reported as docker
// reports it, and what loaded is used; hardrun never falls back to another
// directory, which would send ~/.docker's credentials when --config names
// a broken file.
func (a *app) dockerConfig() *configfile.ConfigFile {
	a.cfgOnce.Do(func() {
		cfg, err := config.Load(a.g.configDir(a.getenv))
		if err != nil {
			fmt.Fprintln(a.stderr, "WARNING: Error", err)
		}
		a.cfg = cfg
	})
	return a.cfg
}

// proxies are the proxy settings docker's config file holds for host; the
// translation turns them into environment variables, as docker does.
func (a *app) proxies(host string) map[string]string {
	cfg := a.dockerConfig()
	if len(cfg.Proxies) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range cfg.ParseProxyConfig(host, nil) {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

// registryAuth returns the encoded credentials docker would send for a
// registry host: from the config file or its credential helpers.
func (a *app) registryAuth(host string) string {
	cfg := a.dockerConfig()
	if !cfg.ContainsAuth() && cfg.CredentialsStore == "" {
		// As docker: look for the platform's credential helper, only when
		// credentials are needed (it searches PATH for several helpers).
		cfg.CredentialsStore = credentials.DetectDefaultStore(cfg.CredentialsStore)
	}
	if host == "docker.io" {
		host = dockerHubAuthKey
	}
	ac, err := cfg.GetAuthConfig(host)
	if err != nil || (ac.Username == "" && ac.IdentityToken == "" && ac.RegistryToken == "") {
		return ""
	}
	enc, err := authconfig.Encode(registry.AuthConfig{
		Username:      ac.Username,
		Password:      ac.Password,
		ServerAddress: ac.ServerAddress,
		IdentityToken: ac.IdentityToken,
		RegistryToken: ac.RegistryToken,
	})
	if err != nil {
		return ""
	}
	return enc
}
