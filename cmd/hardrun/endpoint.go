package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hardrun/hardrun/launcher"
)

// globals are docker's global flags, in front of the command.
type globals struct {
	Hosts     []string
	Context   string
	ConfigDir string
	Debug     bool
	LogLevel  string
	TLS       bool
	TLSVerify bool
	TLSCACert string
	TLSCert   string
	TLSKey    string

	Profile     string   // hardrun's --profile given in front of the command
	ProfileDirs []string // hardrun's --profile-dir given in front of the command

	set map[string]bool
}

const defaultDockerHost = "unix:///var/run/docker.sock"

// configDir is docker's: --config, else $DOCKER_CONFIG, else ~/.docker.
func (g *globals) configDir(getenv func(string) string) string {
	if g.ConfigDir != "" {
		return g.ConfigDir
	}
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".docker")
}

// contextName follows docker's precedence: --context, then -H or
// DOCKER_HOST (the default context), then DOCKER_CONTEXT, then the
// config file's currentContext.
func (g *globals) contextName(getenv func(string) string) (string, error) {
	if g.Context != "" && len(g.Hosts) > 0 {
		return "", errors.New("conflicting options: cannot specify both --host and --context")
	}
	switch {
	case g.Context != "":
		return g.Context, nil
	case len(g.Hosts) > 0, getenv("DOCKER_HOST") != "":
		return "default", nil
	case getenv("DOCKER_CONTEXT") != "":
		return getenv("DOCKER_CONTEXT"), nil
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if b, err := os.ReadFile(filepath.Join(g.configDir(getenv), "config.json")); err == nil {
		_ = json.Unmarshal(b, &cfg)
	}
	if cfg.CurrentContext != "" {
		return cfg.CurrentContext, nil
	}
	return "default", nil
}

// endpoint resolves where the engine is, as docker would.
func (g *globals) endpoint(getenv func(string) string) (launcher.Endpoint, error) {
	name, err := g.contextName(getenv)
	if err != nil {
		return launcher.Endpoint{}, err
	}
	if name != "default" {
		return contextEndpoint(g.configDir(getenv), name)
	}
	ep := launcher.Endpoint{Host: defaultDockerHost, APIVersion: getenv("DOCKER_API_VERSION")}
	if h := getenv("DOCKER_HOST"); h != "" {
		ep.Host = h
	}
	if len(g.Hosts) > 0 {
		ep.Host = g.Hosts[len(g.Hosts)-1]
	}
	g.applyTLS(&ep, getenv)
	return ep, nil
}

// applyTLS sets TLS from the flags and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH.
func (g *globals) applyTLS(ep *launcher.Endpoint, getenv func(string) string) {
	certPath := getenv("DOCKER_CERT_PATH")
	if certPath == "" {
		certPath = g.configDir(getenv)
	}
	ep.TLSVerify = g.TLSVerify || (!g.set["tlsverify"] && getenv("DOCKER_TLS_VERIFY") != "")
	ep.TLS = g.TLS || ep.TLSVerify
	if !ep.TLS {
		return
	}
	ep.CAFile = pick(g.TLSCACert, filepath.Join(certPath, "ca.pem"))
	ep.CertFile = pick(g.TLSCert, filepath.Join(certPath, "cert.pem"))
	ep.KeyFile = pick(g.TLSKey, filepath.Join(certPath, "key.pem"))
	for _, f := range []*string{&ep.CAFile, &ep.CertFile, &ep.KeyFile} {
		if _, err := os.Stat(*f); err != nil {
			*f = ""
		}
	}
}

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// contextEndpoint reads a context from docker's context store: metadata
// under contexts/meta/<sha256(name)>/meta.json, TLS material under
// contexts/tls/<sha256(name)>/docker/.
func contextEndpoint(configDir, name string) (launcher.Endpoint, error) {
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	b, err := os.ReadFile(filepath.Join(configDir, "contexts", "meta", id, "meta.json"))
	if err != nil {
		return launcher.Endpoint{}, fmt.Errorf("context %q does not exist", name)
	}
	var meta struct {
		Endpoints map[string]struct {
			Host          string
			SkipTLSVerify bool
		}
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return launcher.Endpoint{}, fmt.Errorf("read context %q: %w", name, err)
	}
	d, ok := meta.Endpoints["docker"]
	if !ok || d.Host == "" {
		return launcher.Endpoint{}, fmt.Errorf("context %q has no docker endpoint", name)
	}
	ep := launcher.Endpoint{Host: d.Host}
	tlsDir := filepath.Join(configDir, "contexts", "tls", id, "docker")
	if _, err := os.Stat(tlsDir); err == nil {
		ep.TLS, ep.TLSVerify = true, !d.SkipTLSVerify
		ep.CAFile = existing(filepath.Join(tlsDir, "ca.pem"))
		ep.CertFile = existing(filepath.Join(tlsDir, "cert.pem"))
		ep.KeyFile = existing(filepath.Join(tlsDir, "key.pem"))
	}
	return ep, nil
}

func existing(p string) string {
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
