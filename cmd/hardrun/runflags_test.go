package main

import (
	"io"
	"io/fs"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/spf13/pflag"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/runopts"
)

// dockerRunFlags is `docker run --help` of docker 28.2.2 against an API
// 1.41 Linux daemon: the long names, and the shorthands.
var dockerRunFlags = map[string]string{
	"add-host": "", "attach": "a", "blkio-weight": "", "blkio-weight-device": "", "cap-add": "",
	"cap-drop": "", "cgroup-parent": "", "cgroupns": "", "cidfile": "", "cpu-period": "",
	"cpu-quota": "", "cpu-rt-period": "", "cpu-rt-runtime": "", "cpu-shares": "c", "cpus": "",
	"cpuset-cpus": "", "cpuset-mems": "", "detach": "d", "detach-keys": "", "device": "",
	"device-cgroup-rule": "", "device-read-bps": "", "device-read-iops": "", "device-write-bps": "",
	"device-write-iops": "", "disable-content-trust": "", "dns": "", "dns-option": "", "dns-search": "",
	"domainname": "", "entrypoint": "", "env": "e", "env-file": "", "expose": "", "gpus": "",
	"group-add": "", "health-cmd": "", "health-interval": "", "health-retries": "",
	"health-start-period": "", "health-timeout": "", "help": "", "hostname": "h", "init": "",
	"interactive": "i", "ip": "", "ip6": "", "ipc": "", "isolation": "", "kernel-memory": "",
	"label": "l", "label-file": "", "link": "", "link-local-ip": "", "log-driver": "", "log-opt": "",
	"mac-address": "", "memory": "m", "memory-reservation": "", "memory-swap": "",
	"memory-swappiness": "", "mount": "", "name": "", "network": "", "network-alias": "",
	"no-healthcheck": "", "oom-kill-disable": "", "oom-score-adj": "", "pid": "", "pids-limit": "",
	"platform": "", "privileged": "", "publish": "p", "publish-all": "P", "pull": "", "quiet": "q",
	"read-only": "", "restart": "", "rm": "", "runtime": "", "security-opt": "", "shm-size": "",
	"sig-proxy": "", "stop-signal": "", "stop-timeout": "", "storage-opt": "", "sysctl": "",
	"tmpfs": "", "tty": "t", "ulimit": "", "use-api-socket": "", "user": "u", "userns": "",
	"uts": "", "volume": "v", "volume-driver": "", "volumes-from": "", "workdir": "w",
}

var runOnlyFlags = []string{"detach", "detach-keys", "sig-proxy"}

func visibleFlags(fs *pflag.FlagSet) map[string]string {
	out := map[string]string{}
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			out[f.Name] = f.Shorthand
		}
	})
	return out
}

func TestRunFlagsAreDockers(t *testing.T) {
	if len(dockerRunFlags) != 98 {
		t.Fatalf("the reference list has %d flags, docker run has 98", len(dockerRunFlags))
	}
	t.Run("run", func(t *testing.T) {
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		addRunFlags(fs, &runopts.RunOptions{})
		compareFlagSets(t, visibleFlags(fs), dockerRunFlags)
	})
	t.Run("create", func(t *testing.T) {
		fs := pflag.NewFlagSet("create", pflag.ContinueOnError)
		addCreateFlags(fs, &runopts.RunOptions{})
		want := map[string]string{}
		for k, v := range dockerRunFlags {
			if !slices.Contains(runOnlyFlags, k) {
				want[k] = v
			}
		}
		compareFlagSets(t, visibleFlags(fs), want)
	})
}

func compareFlagSets(t *testing.T, got, want map[string]string) {
	t.Helper()
	for name, short := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("--%s is missing", name)
		case g != short:
			t.Errorf("--%s has shorthand %q, docker's is %q", name, g, short)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("--%s is not a visible docker flag", name)
		}
	}
}

// testFiles are the files the tests' TranslateEnv can read.
var testFiles = map[string]string{
	"/home/u/app.env":      "# comment\nA=1\n  B=two words\nHOME\nUNSET_VAR\nA=3\n",
	"/home/u/labels":       "team=core\nbare\n",
	"/etc/seccomp.json":    "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": []\n}\n",
	"/home/u/badenv":       "A B=1\n",
	"/home/u/not-json.txt": "{nope",
}

func testEnv() runopts.TranslateEnv {
	vars := map[string]string{"HOME": "/home/u", "FOO": "from-env", "EMPTY": ""}
	return runopts.TranslateEnv{
		Cwd: "/home/u",
		LookupEnv: func(k string) (string, bool) {
			v, ok := vars[k]
			return v, ok
		},
		ReadFile: func(name string) ([]byte, error) {
			if s, ok := testFiles[name]; ok {
				return []byte(s), nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		},
		APIVersion: "1.41",
	}
}

// translate parses a `docker run` argument list and translates it.
func translate(t testing.TB, env runopts.TranslateEnv, args ...string) (policy.Request, *runopts.RunOptions, error) {
	t.Helper()
	fs := pflag.NewFlagSet("docker run", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := &runopts.RunOptions{}
	addRunFlags(fs, o)
	if err := parseRunArgs(fs, o, args); err != nil {
		return policy.Request{}, o, err
	}
	req, err := o.Request(env)
	return req, o, err
}

func TestParseRunArgsSyntax(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(t *testing.T, r policy.Request, o *runopts.RunOptions)
		wantErr string
	}{
		{
			name: "combined shorthands",
			args: []string{"-dit", "busybox"},
			check: func(t *testing.T, r policy.Request, o *runopts.RunOptions) {
				wantBools(t, map[string]bool{"detach": o.Detach, "interactive": o.Interactive, "tty": o.TTY}, true)
				if r.Config.AttachStdin || r.Config.AttachStdout || r.Config.StdinOnce || !r.Config.OpenStdin || !r.Config.Tty {
					t.Errorf("-dit: got %+v", r.Config)
				}
			},
		},
		{
			name: "attached value of a shorthand",
			args: []string{"-p8080:80", "-eA=1", "busybox"},
			check: func(t *testing.T, r policy.Request, _ *runopts.RunOptions) {
				wantStrings(t, "Env", r.Config.Env, []string{"A=1"})
				if b := r.HostConfig.PortBindings[network.MustParsePort("80/tcp")]; len(b) != 1 || b[0].HostPort != "8080" {
					t.Errorf("PortBindings = %v", r.HostConfig.PortBindings)
				}
			},
		},
		{
			name: "flag=value and bool=false",
			args: []string{"--user=10:10", "--rm=false", "--read-only=0", "--privileged=FALSE", "busybox"},
			check: func(t *testing.T, r policy.Request, _ *runopts.RunOptions) {
				if r.Config.User != "10:10" || r.HostConfig.AutoRemove || r.HostConfig.ReadonlyRootfs || r.HostConfig.Privileged {
					t.Errorf("got User %q AutoRemove %v ReadonlyRootfs %v Privileged %v", r.Config.User,
						r.HostConfig.AutoRemove, r.HostConfig.ReadonlyRootfs, r.HostConfig.Privileged)
				}
				wantSet(t, r, "user", "rm", "read-only", "privileged")
			},
		},
		{
			name: "last value wins",
			args: []string{"--privileged=false", "--privileged", "-u", "a", "-u", "b", "--restart", "always", "--restart", "no", "busybox"},
			check: func(t *testing.T, r policy.Request, _ *runopts.RunOptions) {
				if !r.HostConfig.Privileged || r.Config.User != "b" || r.HostConfig.RestartPolicy.Name != "no" {
					t.Errorf("got Privileged %v User %q Restart %q", r.HostConfig.Privileged, r.Config.User, r.HostConfig.RestartPolicy.Name)
				}
			},
		},
		{
			name: "flags stop at the image",
			args: []string{"-t", "busybox", "-v", "/x", "--rm"},
			check: func(t *testing.T, r policy.Request, o *runopts.RunOptions) {
				wantStrings(t, "Cmd", r.Config.Cmd, []string{"-v", "/x", "--rm"})
				if o.Image != "busybox" || r.Config.Image != "busybox" || r.HostConfig.AutoRemove {
					t.Errorf("image %q, AutoRemove %v", o.Image, r.HostConfig.AutoRemove)
				}
			},
		},
		{
			name: "double dash ends the flags",
			args: []string{"--rm", "--", "busybox", "--", "echo"},
			check: func(t *testing.T, r policy.Request, o *runopts.RunOptions) {
				wantStrings(t, "Cmd", r.Config.Cmd, []string{"--", "echo"})
				if o.Image != "busybox" {
					t.Errorf("image %q", o.Image)
				}
			},
		},
		{
			name: "no command leaves Cmd nil",
			args: []string{"busybox"},
			check: func(t *testing.T, r policy.Request, _ *runopts.RunOptions) {
				if r.Config.Cmd != nil || r.Config.Entrypoint != nil {
					t.Errorf("Cmd %q Entrypoint %q", r.Config.Cmd, r.Config.Entrypoint)
				}
			},
		},
		{
			name: "hidden aliases record the documented name",
			args: []string{"--net", "mynet", "--net-alias", "a", "--dns-opt", "ndots:1", "busybox"},
			check: func(t *testing.T, r policy.Request, _ *runopts.RunOptions) {
				wantSet(t, r, "network", "network-alias", "dns-option")
				if r.Given("net") || r.HostConfig.NetworkMode != "mynet" {
					t.Errorf("Set %v NetworkMode %q", r.Set, r.HostConfig.NetworkMode)
				}
				wantStrings(t, "DNSOptions", r.HostConfig.DNSOptions, []string{"ndots:1"})
			},
		},
		{name: "no image", args: []string{"--rm"}, wantErr: `"docker run" requires at least 1 argument`},
		{name: "unknown flag", args: []string{"--bogus", "busybox"}, wantErr: "unknown flag: --bogus"},
		{name: "unknown shorthand", args: []string{"-dix", "busybox"}, wantErr: "unknown shorthand flag: 'x' in -x"},
		{name: "missing value", args: []string{"busybox", "-h"}, check: func(t *testing.T, r policy.Request, _ *runopts.RunOptions) {
			wantStrings(t, "Cmd", r.Config.Cmd, []string{"-h"})
		}},
		{name: "-h is hostname", args: []string{"-h"}, wantErr: "flag needs an argument: 'h' in -h"},
		{name: "bad size", args: []string{"--memory", "12zb", "busybox"}, wantErr: `invalid argument "12zb" for "-m, --memory" flag: invalid suffix: 'zb'`},
		{name: "bad integer (pflag 1.0.6 wording)", args: []string{"-c", "x", "busybox"}, wantErr: `invalid argument "x" for "-c, --cpu-shares" flag: strconv.ParseInt: parsing "x": invalid syntax`},
		{name: "bad bool", args: []string{"--rm=maybe", "busybox"}, wantErr: `invalid argument "maybe" for "--rm" flag: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{name: "bad duration", args: []string{"--health-interval", "5", "busybox"}, wantErr: `invalid argument "5" for "--health-interval" flag: time: missing unit in duration "5"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, o, err := translate(t, testEnv(), tc.args...)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("translate %q: %v", tc.args, err)
			}
			tc.check(t, req, o)
		})
	}
}

func TestParseRunArgsHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"--rm", "--help", "img"}} {
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		o := &runopts.RunOptions{}
		addRunFlags(fs, o)
		if err := parseRunArgs(fs, o, args); err != nil || !o.Help {
			t.Errorf("%q: error %v, Help %v; want nil and true", args, err, o.Help)
		}
	}
}

func TestContentTrustFromEnvironment(t *testing.T) {
	for env, wantDisabled := range map[string]bool{"": true, "0": true, "false": true, "1": false, "yes-ish": false} {
		t.Setenv("DOCKER_CONTENT_TRUST", env)
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		o := &runopts.RunOptions{}
		addRunFlags(fs, o)
		if o.DisableContentTrust != wantDisabled {
			t.Errorf("DOCKER_CONTENT_TRUST=%q: DisableContentTrust %v, want %v", env, o.DisableContentTrust, wantDisabled)
		}
	}
}

func TestParseRunArgsRecordsOnlyDockerFlags(t *testing.T) {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	o := &runopts.RunOptions{}
	addRunFlags(fs, o)
	var profile string
	fs.StringVar(&profile, "profile", "", "hardrun's own flag")
	if err := parseRunArgs(fs, o, []string{"--profile", "web", "--rm", "img"}); err != nil {
		t.Fatal(err)
	}
	if o.Set["profile"] || !o.Set["rm"] || profile != "web" {
		t.Errorf("Set = %v, profile %q", o.Set, profile)
	}
}

func TestCreateFlagsRefuseRunOnlyFlags(t *testing.T) {
	for _, args := range [][]string{{"-d", "img"}, {"--sig-proxy=false", "img"}, {"--detach-keys", "ctrl-x", "img"}} {
		fs := pflag.NewFlagSet("create", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o := &runopts.RunOptions{}
		addCreateFlags(fs, o)
		if err := parseRunArgs(fs, o, args); err == nil {
			t.Errorf("create %q: no error, docker create refuses it", args)
		}
	}
}

func TestTranslateFlagLines(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     func(*runopts.TranslateEnv)
		check   func(t *testing.T, r policy.Request)
		wantErr string
	}{
		{
			name: "defaults",
			args: []string{"img"},
			check: func(t *testing.T, r policy.Request) {
				c, h := r.Config, r.HostConfig
				if !c.AttachStdout || !c.AttachStderr || c.AttachStdin || c.OpenStdin || c.Tty {
					t.Errorf("streams: %+v", c)
				}
				if h.NetworkMode != "default" || h.RestartPolicy.Name != "no" || h.LogConfig.Config == nil {
					t.Errorf("NetworkMode %q Restart %q LogConfig %+v", h.NetworkMode, h.RestartPolicy.Name, h.LogConfig)
				}
				if h.DNS == nil || h.DNSSearch == nil || h.DNSOptions == nil || h.Devices == nil || h.Ulimits == nil ||
					h.BlkioWeightDevice == nil || h.BlkioDeviceReadBps == nil || c.Volumes == nil || c.Labels == nil {
					t.Errorf("docker sends these empty, not null: %+v", h)
				}
				if *h.MemorySwappiness != -1 || *h.PidsLimit != 0 || *h.OomKillDisable || h.Init != nil || c.StopTimeout != nil {
					t.Errorf("pointers: swappiness %v pids %v oom %v init %v stop %v", *h.MemorySwappiness, *h.PidsLimit, *h.OomKillDisable, h.Init, c.StopTimeout)
				}
				ep, ok := r.NetworkingConfig.EndpointsConfig["default"]
				if !ok || ep == nil || len(r.NetworkingConfig.EndpointsConfig) != 1 {
					t.Errorf("EndpointsConfig = %v, want the empty default endpoint", r.NetworkingConfig.EndpointsConfig)
				}
				if r.Platform != nil || c.Env != nil || h.Binds != nil || h.Mounts != nil || h.CapAdd != nil || h.SecurityOpt != nil {
					t.Errorf("unexpected fields set")
				}
			},
		},
		{
			name: "environment from flags, files and the caller",
			args: []string{"--env-file", "app.env", "-e", "X=1", "-e", "FOO", "-e", "EMPTY", "-e", "NOPE", "-e", "X=2", "img"},
			check: func(t *testing.T, r policy.Request) {
				wantStrings(t, "Env", r.Config.Env, []string{"A=1", "B=two words", "HOME=/home/u", "A=3", "X=2", "FOO=from-env", "EMPTY=", "NOPE"})
			},
		},
		{
			name: "proxy settings of the config file",
			args: []string{"-e", "http_proxy=mine", "img"},
			env: func(e *runopts.TranslateEnv) {
				e.Proxy = map[string]string{"HTTP_PROXY": "http://p:3128", "NO_PROXY": "localhost"}
			},
			check: func(t *testing.T, r policy.Request) {
				wantStrings(t, "Env", r.Config.Env, []string{"http_proxy=mine", "HTTP_PROXY=http://p:3128", "NO_PROXY=localhost", "no_proxy=localhost"})
			},
		},
		{
			name: "labels from file and flags",
			args: []string{"--label-file", "/home/u/labels", "-l", "team=edge", "--label", "solo", "img"},
			check: func(t *testing.T, r policy.Request) {
				want := map[string]string{"team": "edge", "solo": ""}
				if len(r.Config.Labels) != len(want) || r.Config.Labels["team"] != "edge" || r.Config.Labels["solo"] != "" {
					t.Errorf("Labels = %v, want %v", r.Config.Labels, want)
				}
			},
		},
		{name: "env file missing", args: []string{"--env-file", "nope.env", "img"}, wantErr: "open nope.env: file does not exist"},
		{name: "env file with a spaced name", args: []string{"--env-file", "badenv", "img"}, wantErr: "invalid env file (badenv): variable 'A B' contains whitespaces"},
		{
			name: "volumes: binds, relative sources, named and anonymous",
			args: []string{"-v", "/srv:/srv:ro", "-v", "./data:/d", "-v", "../up:/u", "-v", "cache:/c", "-v", "/anon", "-v", "/anon", "-v", "/srv:/srv:ro", "img"},
			check: func(t *testing.T, r policy.Request) {
				wantStrings(t, "Binds", r.HostConfig.Binds, []string{"/srv:/srv:ro", "/home/u/data:/d", "/home/up:/u", "cache:/c"})
				if _, ok := r.Config.Volumes["/anon"]; !ok || len(r.Config.Volumes) != 1 {
					t.Errorf("Volumes = %v", r.Config.Volumes)
				}
			},
		},
		{name: "volume with empty section", args: []string{"-v", "/a::/b", "img"}, wantErr: "invalid spec: /a::/b: empty section between colons"},
		{
			name: "mounts: relative source made absolute",
			args: []string{"--mount", "type=bind,src=./x,dst=/x,ro", "--mount", "type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770", "--mount", "dst=/v,volume-nocopy", "img"},
			check: func(t *testing.T, r policy.Request) {
				m := r.HostConfig.Mounts
				if len(m) != 3 || m[0].Source != "/home/u/x" || !m[0].ReadOnly || m[0].Type != mount.TypeBind {
					t.Fatalf("Mounts = %+v", m)
				}
				if m[1].TmpfsOptions == nil || m[1].TmpfsOptions.SizeBytes != 1<<20 || m[1].TmpfsOptions.Mode != 0o1770 {
					t.Errorf("tmpfs mount = %+v", m[1])
				}
				if m[2].Type != mount.TypeVolume || m[2].VolumeOptions == nil || !m[2].VolumeOptions.NoCopy {
					t.Errorf("volume mount = %+v", m[2])
				}
			},
		},
		{name: "mount without target", args: []string{"--mount", "type=bind,src=/x", "img"}, wantErr: `invalid argument "type=bind,src=/x" for "--mount" flag: target is required`},
		{name: "bind-recursive=readonly needs API 1.44", args: []string{"--mount", "type=bind,src=/x,dst=/x,readonly,bind-recursive=readonly,bind-propagation=rprivate", "img"}, wantErr: "bind-recursive=readonly requires API v1.44 or later"},
		{
			name: "tmpfs",
			args: []string{"--tmpfs", "/run", "--tmpfs", "/tmp:rw,size=64m", "img"},
			check: func(t *testing.T, r policy.Request) {
				if r.HostConfig.Tmpfs["/run"] != "" || r.HostConfig.Tmpfs["/tmp"] != "rw,size=64m" || len(r.HostConfig.Tmpfs) != 2 {
					t.Errorf("Tmpfs = %v", r.HostConfig.Tmpfs)
				}
			},
		},
		{
			name: "ports",
			args: []string{"-p", "8080:80", "-p", "127.0.0.1::53/udp", "-p", "[::1]:9000-9001:90-91", "-p", "7000-7010:70", "--expose", "100-101", "--expose", "200/udp", "-P", "img"},
			check: func(t *testing.T, r policy.Request) {
				pb := r.HostConfig.PortBindings
				want := map[string]network.PortBinding{
					"80/tcp": {HostPort: "8080"},
					"53/udp": {HostIP: netip.MustParseAddr("127.0.0.1")},
					"90/tcp": {HostIP: netip.MustParseAddr("::1"), HostPort: "9000"},
					"91/tcp": {HostIP: netip.MustParseAddr("::1"), HostPort: "9001"},
					"70/tcp": {HostPort: "7000-7010"},
				}
				for p, b := range want {
					got := pb[network.MustParsePort(p)]
					if len(got) != 1 || got[0] != b {
						t.Errorf("PortBindings[%s] = %v, want %v", p, got, b)
					}
				}
				for _, p := range []string{"80/tcp", "53/udp", "90/tcp", "91/tcp", "70/tcp", "100/tcp", "101/tcp", "200/udp"} {
					if _, ok := r.Config.ExposedPorts[network.MustParsePort(p)]; !ok {
						t.Errorf("%s not exposed: %v", p, r.Config.ExposedPorts)
					}
				}
				if len(pb) != 5 || len(r.Config.ExposedPorts) != 8 || !r.HostConfig.PublishAllPorts {
					t.Errorf("PortBindings %v ExposedPorts %v", pb, r.Config.ExposedPorts)
				}
			},
		},
		{name: "publish long syntax", args: []string{"-p", "published=8443,target=443,protocol=udp", "img"}, check: func(t *testing.T, r policy.Request) {
			if b := r.HostConfig.PortBindings[network.MustParsePort("443/udp")]; len(b) != 1 || b[0].HostPort != "8443" {
				t.Errorf("PortBindings = %v", r.HostConfig.PortBindings)
			}
		}},
		{name: "bad protocol", args: []string{"-p", "80/icmp", "img"}, wantErr: "invalid proto: icmp"},
		{name: "expose with host part", args: []string{"--expose", "80:80", "img"}, wantErr: "invalid port format for --expose: 80:80"},
		{
			name: "user-defined network with aliases, links and addresses",
			args: []string{"--network", "backend", "--network-alias", "db", "--link", "cache:c", "--ip", "10.0.0.5", "--ip6", "fd00::5", "--link-local-ip", "169.254.0.5", "img"},
			check: func(t *testing.T, r policy.Request) {
				ep := r.NetworkingConfig.EndpointsConfig["backend"]
				if ep == nil || len(r.NetworkingConfig.EndpointsConfig) != 1 {
					t.Fatalf("EndpointsConfig = %v", r.NetworkingConfig.EndpointsConfig)
				}
				wantStrings(t, "Aliases", ep.Aliases, []string{"db"})
				wantStrings(t, "Links", ep.Links, []string{"cache:c"})
				wantStrings(t, "HostConfig.Links", r.HostConfig.Links, []string{"cache:c"})
				if ep.IPAMConfig == nil || ep.IPAMConfig.IPv4Address.String() != "10.0.0.5" || ep.IPAMConfig.IPv6Address.String() != "fd00::5" ||
					len(ep.IPAMConfig.LinkLocalIPs) != 1 {
					t.Errorf("IPAMConfig = %+v", ep.IPAMConfig)
				}
			},
		},
		{
			name: "one network without options sends no endpoint",
			args: []string{"--network", "none", "img"},
			check: func(t *testing.T, r policy.Request) {
				if r.HostConfig.NetworkMode != "none" || len(r.NetworkingConfig.EndpointsConfig) != 0 || r.NetworkingConfig.EndpointsConfig == nil {
					t.Errorf("NetworkMode %q EndpointsConfig %v", r.HostConfig.NetworkMode, r.NetworkingConfig.EndpointsConfig)
				}
			},
		},
		{
			name: "network long syntax",
			args: []string{"--network", "name=Front,alias=A1,driver-opt=k=V,gw-priority=3", "img"},
			check: func(t *testing.T, r policy.Request) {
				ep := r.NetworkingConfig.EndpointsConfig["front"] // docker lower-cases the long syntax
				if ep == nil || ep.GwPriority != 3 || ep.DriverOpts["k"] != "v" {
					t.Fatalf("EndpointsConfig = %+v", r.NetworkingConfig.EndpointsConfig)
				}
				wantStrings(t, "Aliases", ep.Aliases, []string{"a1"})
			},
		},
		{name: "alias on the default bridge", args: []string{"--network-alias", "x", "img"}, wantErr: "network-scoped aliases are only supported for user-defined networks"},
		{name: "network twice", args: []string{"--network", "a", "--network", "a", "img"}, wantErr: `network "a" is specified multiple times`},
		{name: "user-defined with host", args: []string{"--network", "a", "--network", "host", "img"}, wantErr: "conflicting options: cannot attach both user-defined and non-user-defined network-modes"},
		{name: "alias both ways", args: []string{"--network", "name=a,alias=x", "--network-alias", "y", "img"}, wantErr: "conflicting options: cannot specify both --network-alias and per-network alias"},
		{name: "invalid --ip", args: []string{"--ip", "::1", "img"}, wantErr: "invalid IPv4 address: ::1"},
		{name: "mac address before API 1.44", args: []string{"--mac-address", "92:d0:c6:0a:29:33", "img"}, wantErr: `"specify mac-address per network" requires API version 1.44, but the Docker daemon API version is 1.41`},
		{
			name: "mac address from API 1.44",
			args: []string{"--mac-address", "92:d0:c6:0a:29:33", "img"},
			env:  func(e *runopts.TranslateEnv) { e.APIVersion = "1.44" },
			check: func(t *testing.T, r policy.Request) {
				if ep := r.NetworkingConfig.EndpointsConfig["default"]; ep == nil || ep.MacAddress.String() != "92:d0:c6:0a:29:33" {
					t.Errorf("EndpointsConfig = %+v", r.NetworkingConfig.EndpointsConfig)
				}
			},
		},
		{name: "invalid mac", args: []string{"--mac-address", "zz", "img"}, wantErr: "zz is not a valid mac address"},
		{
			name: "dns and hosts",
			args: []string{"--dns", "::ffff:1.2.3.4", "--dns", "8.8.8.8", "--dns-search", "example.com.", "--add-host", "a=[::1]", "--add-host", "gw:host-gateway", "img"},
			check: func(t *testing.T, r policy.Request) {
				if len(r.HostConfig.DNS) != 2 || r.HostConfig.DNS[0].String() != "1.2.3.4" {
					t.Errorf("DNS = %v", r.HostConfig.DNS)
				}
				wantStrings(t, "DNSSearch", r.HostConfig.DNSSearch, []string{"example.com"})
				wantStrings(t, "ExtraHosts", r.HostConfig.ExtraHosts, []string{"a:::1", "gw:host-gateway"})
			},
		},
		{
			name: "identity",
			args: []string{"-u", "1000:1000", "-w", "/app", "-h", "box", "--domainname", "example.org", "--group-add", "audio", "--stop-signal", "SIGINT", "--stop-timeout", "3", "--init=false", "img"},
			check: func(t *testing.T, r policy.Request) {
				c := r.Config
				if c.User != "1000:1000" || c.WorkingDir != "/app" || c.Hostname != "box" || c.Domainname != "example.org" || c.StopSignal != "SIGINT" {
					t.Errorf("Config = %+v", c)
				}
				if c.StopTimeout == nil || *c.StopTimeout != 3 || r.HostConfig.Init == nil || *r.HostConfig.Init {
					t.Errorf("StopTimeout %v Init %v", c.StopTimeout, r.HostConfig.Init)
				}
				wantStrings(t, "GroupAdd", r.HostConfig.GroupAdd, []string{"audio"})
			},
		},
		{
			name: "empty entrypoint",
			args: []string{"--entrypoint", "", "img", "sh"},
			check: func(t *testing.T, r policy.Request) {
				wantStrings(t, "Entrypoint", r.Config.Entrypoint, []string{""})
			},
		},
		{
			name: "attach and interactive",
			args: []string{"-a", "STDIN", "-a", "stdout", "-i", "img"},
			check: func(t *testing.T, r policy.Request) {
				c := r.Config
				if !c.AttachStdin || !c.AttachStdout || c.AttachStderr || !c.OpenStdin || !c.StdinOnce {
					t.Errorf("Config = %+v", c)
				}
			},
		},
		{name: "attach and detach", args: []string{"-d", "-a", "stdout", "img"}, wantErr: "conflicting options: cannot specify both --attach and --detach"},
		{name: "bad attach", args: []string{"-a", "stdio", "img"}, wantErr: `invalid argument "stdio" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`},
		{name: "rm and restart", args: []string{"--rm", "--restart", "always", "img"}, wantErr: "conflicting options: cannot specify both --restart and --rm"},
		{name: "rm and restart=no", args: []string{"--rm", "--restart", "no", "img"}, check: func(t *testing.T, r policy.Request) {
			if !r.HostConfig.AutoRemove {
				t.Error("AutoRemove not set")
			}
		}},
		{
			name: "restart with retries",
			args: []string{"--restart", "on-failure:5", "img"},
			check: func(t *testing.T, r policy.Request) {
				if p := r.HostConfig.RestartPolicy; p.Name != "on-failure" || p.MaximumRetryCount != 5 {
					t.Errorf("RestartPolicy = %+v", p)
				}
			},
		},
		{name: "restart bad count", args: []string{"--restart", "on-failure:x", "img"}, wantErr: "invalid restart policy format: maximum retry count must be an integer"},
		{
			name: "healthcheck",
			args: []string{"--health-cmd", "curl -f localhost", "--health-interval", "5s", "--health-retries", "2", "img"},
			check: func(t *testing.T, r policy.Request) {
				h := r.Config.Healthcheck
				if h == nil || h.Interval != 5*time.Second || h.Retries != 2 {
					t.Fatalf("Healthcheck = %+v", h)
				}
				wantStrings(t, "Test", h.Test, []string{"CMD-SHELL", "curl -f localhost"})
			},
		},
		{name: "no healthcheck", args: []string{"--no-healthcheck", "img"}, check: func(t *testing.T, r policy.Request) {
			wantStrings(t, "Test", r.Config.Healthcheck.Test, []string{"NONE"})
		}},
		{name: "no healthcheck with settings", args: []string{"--no-healthcheck", "--health-retries", "1", "img"}, wantErr: "--no-healthcheck conflicts with --health-* options"},
		{name: "negative health timeout", args: []string{"--health-timeout", "-1s", "img"}, wantErr: "--health-timeout cannot be negative"},
		{
			name: "capabilities normalised like docker's API client",
			args: []string{"--cap-add", "net_admin", "--cap-add", "CAP_NET_ADMIN", "--cap-add", "sys_time", "--cap-drop", "all", "img"},
			check: func(t *testing.T, r policy.Request) {
				wantStrings(t, "CapAdd", r.HostConfig.CapAdd, []string{"CAP_NET_ADMIN", "CAP_SYS_TIME"})
				wantStrings(t, "CapDrop", r.HostConfig.CapDrop, []string{"ALL"})
			},
		},
		{
			name: "security options: seccomp file sent as JSON, systempaths client-side",
			args: []string{"--security-opt", "seccomp=/etc/seccomp.json", "--security-opt", "no-new-privileges", "--security-opt", "systempaths=unconfined", "--security-opt", "label:disable", "img"},
			check: func(t *testing.T, r policy.Request) {
				wantStrings(t, "SecurityOpt", r.HostConfig.SecurityOpt, []string{
					`seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}`, "no-new-privileges", "label:disable"})
				if r.HostConfig.MaskedPaths == nil || len(r.HostConfig.MaskedPaths) != 0 || r.HostConfig.ReadonlyPaths == nil {
					t.Errorf("MaskedPaths %v ReadonlyPaths %v", r.HostConfig.MaskedPaths, r.HostConfig.ReadonlyPaths)
				}
			},
		},
		{name: "seccomp profile missing", args: []string{"--security-opt", "seccomp=prof.json", "img"}, wantErr: "opening seccomp profile (prof.json) failed: open prof.json: file does not exist"},
		{name: "seccomp profile not JSON", args: []string{"--security-opt", "seccomp=not-json.txt", "img"}, wantErr: "compacting json for seccomp profile (not-json.txt) failed: invalid character 'n' looking for beginning of object key string"},
		{name: "security option without value", args: []string{"--security-opt", "apparmor", "img"}, wantErr: `Invalid --security-opt: "apparmor"`},
		{
			name: "namespaces",
			args: []string{"--pid", "host", "--uts", "host", "--userns", "host", "--cgroupns", "private", "--ipc", "shareable", "img"},
			check: func(t *testing.T, r policy.Request) {
				h := r.HostConfig
				if h.PidMode != "host" || h.UTSMode != "host" || h.UsernsMode != "host" || h.CgroupnsMode != "private" || h.IpcMode != "shareable" {
					t.Errorf("HostConfig = %+v", h)
				}
			},
		},
		{name: "bad pid mode", args: []string{"--pid", "container:", "img"}, wantErr: "--pid: invalid PID mode"},
		{name: "bad userns", args: []string{"--userns", "private", "img"}, wantErr: "--userns: invalid USER mode"},
		{
			name: "devices and gpus",
			args: []string{"--device", "/dev/fuse", "--device", "/dev/sda:/dev/xvda:r", "--device", "/dev/snd:rw", "--device", "nvidia.com/gpu=all",
				"--gpus", "count=2,capabilities=compute", "--device-cgroup-rule", "c 10:* rwm", "img"},
			check: func(t *testing.T, r policy.Request) {
				want := []container.DeviceMapping{
					{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"},
					{PathOnHost: "/dev/sda", PathInContainer: "/dev/xvda", CgroupPermissions: "r"},
					{PathOnHost: "/dev/snd", PathInContainer: "/dev/snd", CgroupPermissions: "rw"},
				}
				if !slices.Equal(r.HostConfig.Devices, want) {
					t.Errorf("Devices = %+v", r.HostConfig.Devices)
				}
				dr := r.HostConfig.DeviceRequests
				if len(dr) != 2 || dr[0].Count != 2 || dr[1].Driver != "cdi" || !slices.Equal(dr[1].DeviceIDs, []string{"nvidia.com/gpu=all"}) {
					t.Errorf("DeviceRequests = %+v", dr)
				}
				wantStrings(t, "DeviceCgroupRules", r.HostConfig.DeviceCgroupRules, []string{"c 10:* rwm"})
			},
		},
		{name: "device path not absolute", args: []string{"--device", "/dev/fuse:fuse", "img"}, wantErr: "fuse is not an absolute path"},
		{name: "device CDI one-letter vendor", args: []string{"--device", "a/b=c", "img"}, wantErr: `invalid device "a/b=c": a CDI vendor and class need at least two characters`},
		{
			name: "sysctls, ulimits, logging, storage",
			args: []string{"--sysctl", "net.core.somaxconn=1024", "--ulimit", "nproc=10", "--ulimit", "nofile=5:10", "--ulimit", "nproc=20",
				"--log-driver", "json-file", "--log-opt", "max-size=1m", "--storage-opt", "size=1G", "img"},
			check: func(t *testing.T, r policy.Request) {
				h := r.HostConfig
				if h.Sysctls["net.core.somaxconn"] != "1024" || h.LogConfig.Type != "json-file" || h.LogConfig.Config["max-size"] != "1m" || h.StorageOpt["size"] != "1G" {
					t.Errorf("HostConfig = %+v", h)
				}
				if len(h.Ulimits) != 2 || h.Ulimits[0].Name != "nofile" || h.Ulimits[1].Name != "nproc" || h.Ulimits[1].Soft != 20 {
					t.Errorf("Ulimits = %v", h.Ulimits)
				}
			},
		},
		{name: "sysctl not namespaced", args: []string{"--sysctl", "kernel.panic=1", "img"}, wantErr: `invalid argument "kernel.panic=1" for "--sysctl" flag: sysctl 'kernel.panic=1' is not allowed`},
		{name: "log options for none", args: []string{"--log-driver", "none", "--log-opt", "a=b", "img"}, wantErr: "invalid logging opts for driver none"},
		{name: "storage option without =", args: []string{"--storage-opt", "size", "img"}, wantErr: "invalid storage option"},
		{
			name: "resources",
			args: []string{"-m", "512m", "--memory-reservation", "256m", "--memory-swap", "-1", "--memory-swappiness", "0", "--oom-kill-disable", "--oom-score-adj", "-500",
				"--pids-limit", "100", "--cpus", "1.5", "-c", "512", "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "--shm-size", "64m", "--kernel-memory", "8m", "img"},
			check: func(t *testing.T, r policy.Request) {
				h := r.HostConfig
				if h.Memory != 512<<20 || h.MemoryReservation != 256<<20 || h.MemorySwap != -1 || *h.MemorySwappiness != 0 || !*h.OomKillDisable ||
					h.OomScoreAdj != -500 || *h.PidsLimit != 100 || h.NanoCPUs != 1_500_000_000 || h.CPUShares != 512 ||
					h.CpusetCpus != "0-1" || h.CpusetMems != "0" || h.ShmSize != 64<<20 {
					t.Errorf("HostConfig = %+v", h.Resources)
				}
			},
		},
		{
			name: "block I/O",
			args: []string{"--blkio-weight", "300", "--blkio-weight-device", "/dev/sda:200", "--device-read-bps", "/dev/sda:1mb", "--device-write-iops", "/dev/sda:50", "img"},
			check: func(t *testing.T, r policy.Request) {
				h := r.HostConfig
				if h.BlkioWeight != 300 || len(h.BlkioWeightDevice) != 1 || *h.BlkioWeightDevice[0] != (blkiodev.WeightDevice{Path: "/dev/sda", Weight: 200}) ||
					len(h.BlkioDeviceReadBps) != 1 || h.BlkioDeviceReadBps[0].Rate != 1<<20 || len(h.BlkioDeviceWriteIOps) != 1 || h.BlkioDeviceWriteIOps[0].Rate != 50 {
					t.Errorf("Resources = %+v", h.Resources)
				}
			},
		},
		{name: "cpus with cpu-quota", args: []string{"--cpus", "1", "--cpu-quota", "50000", "img"}, wantErr: "Conflicting options: Nano CPUs and CPU Quota cannot both be set"},
		{name: "cpus with cpu-period", args: []string{"--cpus", "1", "--cpu-period", "50000", "img"}, wantErr: "Conflicting options: Nano CPUs and CPU Period cannot both be set"},
		{name: "swappiness out of range", args: []string{"--memory-swappiness", "101", "img"}, wantErr: "invalid value: 101. Valid memory swappiness range is 0-100"},
		{name: "cpus too precise", args: []string{"--cpus", "0.0000000001", "img"}, wantErr: `invalid argument "0.0000000001" for "--cpus" flag: value is too precise`},
		{
			name: "run behaviour",
			args: []string{"--name", "web", "--cidfile", "/tmp/cid", "--pull", "never", "-q", "--sig-proxy=false", "--detach-keys", "ctrl-x", "--disable-content-trust", "img"},
			check: func(t *testing.T, r policy.Request) {
				if r.Name != "web" || r.HostConfig.ContainerIDFile != "/tmp/cid" {
					t.Errorf("Name %q ContainerIDFile %q", r.Name, r.HostConfig.ContainerIDFile)
				}
			},
		},
		{name: "content trust", args: []string{"--disable-content-trust=false", "img"}, wantErr: "content trust (--disable-content-trust=false or DOCKER_CONTENT_TRUST) is not supported: hardrun cannot verify image signatures"},
		{name: "bad pull policy", args: []string{"--pull", "sometimes", "img"}, wantErr: `invalid pull option: 'sometimes': must be one of "always", "missing" or "never"`},
		{
			name: "platform and console size",
			args: []string{"--platform", "linux/aarch64", "img"},
			env:  func(e *runopts.TranslateEnv) { e.ConsoleSize = [2]uint{24, 80} },
			check: func(t *testing.T, r policy.Request) {
				if r.Platform == nil || r.Platform.OS != "linux" || r.Platform.Architecture != "arm64" {
					t.Errorf("Platform = %+v", r.Platform)
				}
				if r.HostConfig.ConsoleSize != [2]uint{} {
					t.Errorf("ConsoleSize = %v: docker's client clears it with a linux platform before API 1.42", r.HostConfig.ConsoleSize)
				}
			},
		},
		{
			name: "console size without platform",
			args: []string{"-t", "img"},
			env:  func(e *runopts.TranslateEnv) { e.ConsoleSize = [2]uint{24, 80} },
			check: func(t *testing.T, r policy.Request) {
				if r.HostConfig.ConsoleSize != [2]uint{24, 80} {
					t.Errorf("ConsoleSize = %v", r.HostConfig.ConsoleSize)
				}
			},
		},
		{name: "bad platform", args: []string{"--platform", "linux/arm/v7/x", "img"}, wantErr: `error parsing specified platform: "linux/arm/v7/x": cannot parse platform specifier: invalid argument`},
		{
			name: "use-api-socket",
			args: []string{"--use-api-socket", "img"},
			env: func(e *runopts.TranslateEnv) {
				e.Host = "unix:///run/user/1000/docker.sock"
				e.APISocketCredentials = true
			},
			check: func(t *testing.T, r policy.Request) {
				m := r.HostConfig.Mounts
				if len(m) != 1 || m[0].Source != "/run/user/1000/docker.sock" || m[0].Target != "/var/run/docker.sock" || m[0].BindOptions == nil {
					t.Errorf("Mounts = %+v", m)
				}
				wantStrings(t, "Env", r.Config.Env, []string{"DOCKER_CONFIG=/run/secrets/docker"})
			},
		},
		{
			name:    "use-api-socket over TCP",
			args:    []string{"--use-api-socket", "img"},
			env:     func(e *runopts.TranslateEnv) { e.Host = "tcp://10.0.0.1:2376" },
			wantErr: "flag --use-api-socket can only be used with unix sockets: docker endpoint tcp://10.0.0.1:2376 incompatible",
		},
		{name: "annotation before API 1.43", args: []string{"--annotation", "a=b", "img"}, wantErr: `"--annotation" requires API version 1.43, but the Docker daemon API version is 1.41`},
		{
			name: "annotation from API 1.43",
			args: []string{"--annotation", "a=b", "img"},
			env:  func(e *runopts.TranslateEnv) { e.APIVersion = "1.43" },
			check: func(t *testing.T, r policy.Request) {
				if r.HostConfig.Annotations["a"] != "b" {
					t.Errorf("Annotations = %v", r.HostConfig.Annotations)
				}
			},
		},
		{name: "Windows-only flags", args: []string{"--cpu-count", "2", "--io-maxiops", "5", "img"},
			wantErr: "\"--cpu-count\" is only supported on a Docker daemon running on windows, but the Docker daemon is running on linux\n" +
				"\"--io-maxiops\" is only supported on a Docker daemon running on windows, but the Docker daemon is running on linux"},
		{
			name: "misc host settings",
			args: []string{"--read-only", "--privileged", "--runtime", "runc", "--isolation", "default", "--cgroup-parent", "/custom",
				"--volumes-from", "other:ro", "--volume-driver", "local", "--publish-all", "img"},
			check: func(t *testing.T, r policy.Request) {
				h := r.HostConfig
				if !h.ReadonlyRootfs || !h.Privileged || h.Runtime != "runc" || h.Isolation != "default" || h.CgroupParent != "/custom" ||
					h.VolumeDriver != "local" || !h.PublishAllPorts {
					t.Errorf("HostConfig = %+v", h)
				}
				wantStrings(t, "VolumesFrom", h.VolumesFrom, []string{"other:ro"})
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := testEnv()
			if tc.env != nil {
				tc.env(&env)
			}
			req, _, err := translate(t, env, tc.args...)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("translate %q: %v", tc.args, err)
			}
			tc.check(t, req)
		})
	}
}

func TestDefaultPlatformFromEnvironment(t *testing.T) {
	t.Setenv("DOCKER_DEFAULT_PLATFORM", "linux/arm/v6")
	req, o, err := translate(t, testEnv(), "img")
	if err != nil {
		t.Fatal(err)
	}
	if o.Platform != "linux/arm/v6" || req.Platform == nil || req.Platform.Variant != "v6" || o.Set["platform"] {
		t.Errorf("Platform %q -> %+v, Set %v", o.Platform, req.Platform, o.Set)
	}
}

func wantBools(t *testing.T, got map[string]bool, want bool) {
	t.Helper()
	for name, v := range got {
		if v != want {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
}

func wantStrings(t *testing.T, field string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", field, got, want)
	}
}

func wantSet(t *testing.T, r policy.Request, flags ...string) {
	t.Helper()
	for _, f := range flags {
		if !r.Given(f) {
			t.Errorf("Set lacks %q: %v", f, r.Set)
		}
	}
}

// FuzzParseRunArgs feeds arbitrary argument lists (NUL-separated) through
// parsing and translation: errors are fine, panics are not.
func FuzzParseRunArgs(f *testing.F) {
	for _, seed := range []string{
		"-dit\x00busybox",
		"--mount\x00type=bind,src=./x,dst=/x,bind-recursive=readonly,ro,bind-propagation=rprivate\x00img",
		"-p\x00[::1]:1-2-3:80-81/udp\x00--expose\x0070-60\x00img",
		"--network\x00name=a,alias=b,ip=1.2.3.4,mac-address=zz\x00--ip\x00x\x00img",
		"-v\x00c:\\x:/y:ro\x00-v\x00::\x00--tmpfs\x00:\x00img",
		"--device\x00a/b=c\x00--device\x00/dev/x:rwm:rwm\x00img",
		"--platform\x00linux/arm64/v8\x00--security-opt\x00seccomp=/etc/seccomp.json\x00img",
		"--env-file\x00app.env\x00-e\x00FOO\x00--label-file\x00labels\x00img\x00sh",
		"--gpus\x00\"device=0,1\",driver=x\x00--ulimit\x00nofile=1:2\x00img",
		"--restart\x00:\x00--health-interval\x00-1s\x00img",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		req, _, err := translate(t, testEnv(), args...)
		if err == nil && (req.Config == nil || req.HostConfig == nil || req.NetworkingConfig == nil) {
			t.Fatalf("%q: nil parts in a successful request", args)
		}
	})
}

// benchLine is a realistic 30-flag docker run line.
var benchLine = []string{
	"-d", "--name", "web", "--hostname", "web-1", "-u", "1000:1000", "-w", "/srv",
	"-e", "MODE=prod", "-e", "HOME", "--label", "team=core", "--label", "tier=front",
	"-v", "/srv/data:/data:ro", "-v", "./conf:/etc/app", "--mount", "type=tmpfs,dst=/cache,tmpfs-size=64m",
	"--tmpfs", "/tmp:rw,noexec,size=32m", "-p", "127.0.0.1:8080:80", "-p", "8443:443/tcp", "--expose", "9000-9002",
	"--network", "backend", "--network-alias", "web", "--dns", "10.0.0.2", "--add-host", "db:10.0.0.3",
	"--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE", "--security-opt", "no-new-privileges",
	"--read-only", "-m", "512m", "--cpus", "1.5", "--pids-limit", "256", "--ulimit", "nofile=1024:2048",
	"--restart", "on-failure:3", "--health-cmd", "wget -qO- localhost", "--health-interval", "10s",
	"--log-opt", "max-size=10m", "--init",
	"nginx:1.27", "nginx", "-g", "daemon off;",
}

func BenchmarkParseAndTranslate30Flags(b *testing.B) {
	env := testEnv()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := translate(b, env, benchLine...); err != nil {
			b.Fatal(err)
		}
	}
}

func TestNetworkFlag(t *testing.T) {
	tests := []struct {
		value   string
		want    runopts.NetworkAttachment
		wantErr string
	}{
		{value: "my-net", want: runopts.NetworkAttachment{Target: "my-net"}},
		{value: "MyNet", want: runopts.NetworkAttachment{Target: "MyNet"}},
		{value: "name=MyNet,alias=A,ip=10.0.0.9,link-local-ip=169.254.1.1,mac-address=02:42:AC:11:00:02,gw-priority=-1",
			want: runopts.NetworkAttachment{Target: "mynet", Aliases: []string{"a"}, IPv4Address: "10.0.0.9",
				LinkLocalIPs: []string{"169.254.1.1"}, MacAddress: "02:42:ac:11:00:02", GwPriority: -1}},
		{value: "alias=a", wantErr: "network name/id is not specified"},
		{value: "name=n,colour=blue", wantErr: "invalid field key colour"},
		{value: "name=n,gw-priority=high", wantErr: "invalid gw-priority (high): invalid syntax"},
		{value: "name=n,driver-opt=novalue", wantErr: "invalid key value pair format in driver options"},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			var got []runopts.NetworkAttachment
			err := (&networkValue{values: &got}).Set(tc.value)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
