package main

import (
	"io"

	"github.com/docker/cli/cli/config"
	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/registry"
)

// dockerHubAuthKey is where docker's config file keeps Docker Hub's login.
const dockerHubAuthKey = "https://index.docker.io/v1/"

// registryAuth returns the encoded credentials docker would send for a
// registry host: from the config file or its credential helpers.
func (a *app) registryAuth(host string) string {
	cfg, err := config.Load(a.g.configDir(a.getenv))
	if err != nil {
		cfg = config.LoadDefaultConfigFile(io.Discard)
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
