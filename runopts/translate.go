package runopts

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/policy"
)

// TranslateEnv is everything outside the flags that docker's client reads
// while it builds a create request. Passing it in keeps Request a pure
// function of its inputs.
type TranslateEnv struct {
	// Cwd resolves relative paths: -v ./data:/d, --mount src=./x, and the
	// --env-file, --label-file and seccomp=FILE paths.
	Cwd string
	// Getenv reads the caller's environment (-e FOO takes FOO's value;
	// DOCKER_DEFAULT_PLATFORM is --platform's default). LookupEnv, when
	// set, is used instead and tells an unset variable from an empty one,
	// as docker does; with Getenv alone an empty value counts as unset.
	Getenv    func(string) string
	LookupEnv func(string) (string, bool)
	// ReadFile reads --env-file, --label-file and seccomp=FILE.
	ReadFile func(string) ([]byte, error)
	// APIVersion is the negotiated Engine API version, e.g. "1.41". Flags
	// the version lacks are refused as docker refuses them, and fields are
	// adjusted as docker's client adjusts them. "" means the newest: no
	// version-dependent refusal or adjustment.
	APIVersion string

	// Host is the daemon endpoint docker talks to ("unix:///run/x.sock");
	// --use-api-socket bind-mounts it. "" means $DOCKER_HOST, else
	// unix:///var/run/docker.sock.
	Host string
	// APISocketCredentials tells that the client holds registry
	// credentials: --use-api-socket then sets DOCKER_CONFIG in the
	// container (unless -e gave one), and the caller copies the
	// credentials to /run/secrets/docker/config.json after create, as
	// docker does.
	APISocketCredentials bool
	// ConsoleSize is the height and width of the terminal on hardrun's
	// standard output, zero when it is not a terminal. docker sends it
	// with every create.
	ConsoleSize [2]uint
	// Proxy holds the proxy settings of docker's config.json for this
	// daemon (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, FTP_PROXY, ALL_PROXY);
	// each becomes an environment variable, upper and lower case, unless
	// -e sets it.
	Proxy map[string]string
}

// lookupEnv reads one variable of the caller's environment.
func (env TranslateEnv) lookupEnv(key string) (string, bool) {
	if env.LookupEnv != nil {
		return env.LookupEnv(key)
	}
	if env.Getenv == nil {
		return "", false
	}
	v := env.Getenv(key)
	return v, v != ""
}

// readFile reads a file named on the command line, relative to Cwd.
func (env TranslateEnv) readFile(name string) ([]byte, error) {
	if env.ReadFile == nil {
		return nil, fmt.Errorf("open %s: %w", name, os.ErrNotExist)
	}
	return env.ReadFile(env.abs(name))
}

// abs makes a path given on the command line absolute against Cwd.
func (env TranslateEnv) abs(p string) string {
	if filepath.IsAbs(p) || env.Cwd == "" {
		return p
	}
	return filepath.Join(env.Cwd, p)
}

// apiBefore reports whether the negotiated API is older than v.
func (env TranslateEnv) apiBefore(v string) bool {
	return env.APIVersion != "" && apiVersionCompare(env.APIVersion, v) < 0
}

// Request translates the options to the Engine API create request docker
// 28's CLI sends for them, with docker's client-side checks and error
// messages (one line each, without docker's "docker: " prefix). It is
// pure: everything it reads besides o is in env, and the request shares
// no memory with o.
//
// Not in the request: the run behaviour (Detach, SigProxy, DetachKeys,
// Pull, Quiet, CIDFile's file) and --kernel-memory, which docker 28 sends
// to API 1.40-1.41 daemons but the API types here lack. Where docker
// would do what hardrun cannot, Request refuses: --disable-content-trust
// =false (image signature verification).
func (o *RunOptions) Request(env TranslateEnv) (policy.Request, error) {
	if err := o.checkFlagsSupported(env); err != nil {
		return policy.Request{}, err
	}
	if err := validatePullPolicy(o.Pull); err != nil {
		return policy.Request{}, err
	}
	if !o.DisableContentTrust {
		// Fail closed: docker would verify the image's signature.
		return policy.Request{}, errContentTrust
	}
	b := &requestBuilder{
		o:   o,
		env: env,
		cfg: &container.Config{Image: o.Image},
		hc:  &container.HostConfig{},
	}
	if err := b.build(); err != nil {
		return policy.Request{}, err
	}
	return b.request()
}

// requestBuilder accumulates one translation; each step fills the fields
// of one concern.
type requestBuilder struct {
	o   *RunOptions
	env TranslateEnv

	cfg       *container.Config
	hc        *container.HostConfig
	endpoints map[string]*network.EndpointSettings
}

// build runs the steps in the order docker checks them, so that a line
// with several mistakes reports the one docker reports.
func (b *requestBuilder) build() error {
	steps := []func() error{
		b.validateMAC,
		b.checkSwappiness,
		b.volumes,
		b.tmpfs,
		b.command,
		b.ports,
		b.devices,
		b.environment,
		b.labels,
		b.namespaces,
		b.restartPolicy,
		b.logging,
		b.securityOpts,
		b.storageOpts,
		b.healthcheck,
		b.resources,
		b.identity,
		b.hostFilesystem,
		b.hostNetwork,
		b.privileges,
		b.autoRemove,
		b.streams,
		b.networks,
		b.runMode,
		b.apiSocket,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// request finishes the translation with what docker decides around the
// create call: platform, console size, and the API client's adjustments.
func (b *requestBuilder) request() (policy.Request, error) {
	req := policy.Request{
		Name:             b.o.Name,
		Config:           b.cfg,
		HostConfig:       b.hc,
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: b.endpoints},
		Set:              maps.Clone(b.o.Set),
		RWMounts:         slices.Clone(b.o.RWMounts),
	}
	platform, err := b.platform()
	if err != nil {
		return policy.Request{}, err
	}
	req.Platform = platform
	b.hc.ConsoleSize = b.env.ConsoleSize
	// docker's API client: a Linux daemon before API 1.42 ignores the
	// console size, and the client clears it when a platform is given.
	if platform != nil && platform.OS == "linux" && b.env.apiBefore("1.42") {
		b.hc.ConsoleSize = [2]uint{}
	}
	if err := b.clientVersionChecks(); err != nil {
		return policy.Request{}, err
	}
	b.hc.CapAdd = policy.ClientCapabilities(b.hc.CapAdd)
	b.hc.CapDrop = policy.ClientCapabilities(b.hc.CapDrop)
	return req, nil
}

// clientVersionChecks refuses what docker's API client refuses for the
// negotiated version, with its wording.
func (b *requestBuilder) clientVersionChecks() error {
	if b.env.apiBefore("1.44") {
		for _, ep := range b.endpoints {
			if ep != nil && len(ep.MacAddress) > 0 {
				return apiVersionError("specify mac-address per network", "1.44", b.env.APIVersion)
			}
		}
		for _, m := range b.hc.Mounts {
			if m.BindOptions != nil && m.BindOptions.ReadOnlyForceRecursive {
				return errors.New("bind-recursive=readonly requires API v1.44 or later")
			}
		}
	}
	return nil
}

func apiVersionError(what, need, have string) error {
	return fmt.Errorf("%q requires API version %s, but the Docker daemon API version is %s", what, need, have)
}

// flagMinAPI is the API version each version-annotated docker flag needs.
var flagMinAPI = []struct{ flag, version string }{
	{"annotation", "1.43"},
	{"cgroupns", "1.41"},
	{"cpu-rt-period", "1.25"},
	{"cpu-rt-runtime", "1.25"},
	{"gpus", "1.40"},
	{"health-start-interval", "1.44"},
	{"health-start-period", "1.29"},
	{"init", "1.25"},
	{"platform", "1.32"},
	{"stop-timeout", "1.25"},
}

// windowsOnlyFlags are refused by docker against a Linux daemon.
var windowsOnlyFlags = []string{"cpu-count", "cpu-percent", "io-maxbandwidth", "io-maxiops"}

// checkFlagsSupported refuses, as docker does before it parses anything,
// flags the daemon's API version or OS lacks. Every refusal is reported.
func (o *RunOptions) checkFlagsSupported(env TranslateEnv) error {
	var errs []error
	for _, f := range flagMinAPI {
		if o.given(f.flag) && env.apiBefore(f.version) {
			errs = append(errs, fmt.Errorf(`"--%s" requires API version %s, but the Docker daemon API version is %s`, f.flag, f.version, env.APIVersion))
		}
	}
	for _, f := range windowsOnlyFlags {
		if o.given(f) {
			errs = append(errs, fmt.Errorf(`"--%s" is only supported on a Docker daemon running on windows, but the Docker daemon is running on linux`, f))
		}
	}
	return errors.Join(errs...)
}

var errContentTrust = errors.New("content trust (--disable-content-trust=false or DOCKER_CONTENT_TRUST) is not supported: hardrun cannot verify image signatures")

func validatePullPolicy(p string) error {
	switch p {
	case PullAlways, PullMissing, PullNever, "":
		return nil
	}
	return fmt.Errorf("invalid pull option: '%s': must be one of %q, %q or %q", p, PullAlways, PullMissing, PullNever)
}

// apiVersionCompare compares dotted API versions numerically ("1.9" <
// "1.41"); a missing or malformed part counts as 0.
func apiVersionCompare(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
