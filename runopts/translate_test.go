package runopts

import (
	"encoding/json"
	"io/fs"
	"net/netip"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/hardrun/hardrun/internal/scribble"
)

func translateEnvForTest() TranslateEnv {
	files := map[string]string{
		"/w/env":     "A=1\nB\n",
		"/w/labels":  "x=1\n",
		"/w/seccomp": `{ "defaultAction" : "SCMP_ACT_ALLOW" }`,
	}
	return TranslateEnv{
		Cwd:    "/w",
		Getenv: func(k string) string { return map[string]string{"B": "bee"}[k] },
		ReadFile: func(name string) ([]byte, error) {
			if s, ok := files[name]; ok {
				return []byte(s), nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		},
		APIVersion: "1.41",
	}
}

// richOptions sets a value in most fields.
func richOptions() *RunOptions {
	o := NewRunOptions()
	o.Image, o.Cmd = "img", []string{"sh", "-c", "true"}
	o.Env, o.EnvFile, o.Labels, o.LabelFile = []string{"C=3", "B"}, []string{"env"}, []string{"l=1"}, []string{"labels"}
	o.Volumes = []string{"./d:/d", "/anon", "vol:/v:ro"}
	o.Mounts = []mount.Mount{{Type: mount.TypeBind, Source: "./m", Target: "/m"}}
	o.Tmpfs = []string{"/t:size=1m"}
	o.Publish, o.Expose = []string{"80", "127.0.0.1:8080:8080/udp"}, []string{"90-91"}
	o.Networks = []NetworkAttachment{{Target: "net1", Aliases: []string{"a"}}}
	o.IP, o.LinkLocalIPs = "10.0.0.2", []string{"169.254.0.2"}
	o.DNS, o.DNSSearch = []string{"1.1.1.1"}, []string{"example.com"}
	o.SecurityOpt = []string{"seccomp=seccomp", "no-new-privileges", "systempaths=unconfined"}
	o.Devices = []string{"/dev/fuse", "vendor.com/class=dev"}
	o.CapAdd, o.CapDrop = []string{"net_raw"}, []string{"ALL"}
	o.Sysctls = map[string]string{"net.ipv4.ip_forward": "1"}
	o.Ulimits = []*container.Ulimit{{Name: "nofile", Soft: 1, Hard: 2}}
	o.Memory, o.NanoCPUs, o.PidsLimit = 1<<30, 2e9, 100
	o.Restart, o.StopTimeout = "on-failure:2", 5
	o.HealthCmd = "true"
	o.Set = map[string]bool{"stop-timeout": true, "init": true}
	return o
}

func TestRequestIsPure(t *testing.T) {
	o := richOptions()
	before, _ := json.Marshal(o)
	r1, err := o.Request(translateEnvForTest())
	if err != nil {
		t.Fatal(err)
	}
	r2, err := o.Request(translateEnvForTest())
	if err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(o)
	if string(before) != string(after) {
		t.Errorf("policy.Request changed its receiver:\nbefore %s\nafter  %s", before, after)
	}
	j1, _ := json.Marshal(r1)
	j2, _ := json.Marshal(r2)
	if string(j1) != string(j2) {
		t.Errorf("two translations differ:\n%s\n%s", j1, j2)
	}
	r1.Set["new"] = true
	if o.Set["new"] {
		t.Error("policy.Request.Set aliases RunOptions.Set")
	}
}

// TestRequestSharesNothingWithOptions changes every value reachable from
// the request and checks that the options did not change with it.
func TestRequestSharesNothingWithOptions(t *testing.T) {
	o := richOptions()
	o.GroupAdd, o.VolumesFrom, o.AddHosts, o.Links = []string{"g"}, []string{"c:ro"}, []string{"h:1.1.1.1"}, []string{"c:a"}
	o.DNSOptions, o.DeviceCgroupRules = []string{"ndots:1"}, []string{"c 1:3 r"}
	o.Annotations = map[string]string{"a": "b"}
	o.GPUs = []container.DeviceRequest{{Count: -1, DeviceIDs: []string{"0"}, Capabilities: [][]string{{"gpu"}}, Options: map[string]string{"k": "v"}}}
	o.Mounts = append(o.Mounts, mount.Mount{Type: mount.TypeVolume, Target: "/v", VolumeOptions: &mount.VolumeOptions{
		Labels: map[string]string{"l": "1"}, DriverConfig: &mount.Driver{Name: "local", Options: map[string]string{"o": "1"}}}})
	o.Networks[0].DriverOpts = map[string]string{"d": "1"}
	o.BlkioWeightDevice = []*blkiodev.WeightDevice{{Path: "/dev/a", Weight: 10}}
	o.DeviceReadBps = []*blkiodev.ThrottleDevice{{Path: "/dev/a", Rate: 1}}
	before, _ := json.Marshal(o)
	r, err := o.Request(translateEnvForTest())
	if err != nil {
		t.Fatal(err)
	}
	scribble.Value(reflect.ValueOf(&r).Elem())
	if after, _ := json.Marshal(o); string(after) != string(before) {
		t.Errorf("changing the request changed the options:\nbefore %s\nafter  %s", before, after)
	}
}

func TestRequestRichOptions(t *testing.T) {
	r, err := richOptions().Request(translateEnvForTest())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Env", r.Config.Env, []string{"A=1", "B=bee", "C=3", "B=bee"}},
		{"Labels", r.Config.Labels, map[string]string{"x": "1", "l": "1"}},
		{"Binds", r.HostConfig.Binds, []string{"/w/d:/d", "vol:/v:ro"}},
		{"Volumes", r.Config.Volumes, map[string]struct{}{"/anon": {}}},
		{"Mount source", r.HostConfig.Mounts[0].Source, "/w/m"},
		{"SecurityOpt", r.HostConfig.SecurityOpt, []string{`seccomp={"defaultAction":"SCMP_ACT_ALLOW"}`, "no-new-privileges"}},
		{"MaskedPaths", r.HostConfig.MaskedPaths, []string{}},
		{"CapAdd", r.HostConfig.CapAdd, []string{"CAP_NET_RAW"}},
		{"Restart", r.HostConfig.RestartPolicy, container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2}},
		{"StopTimeout", *r.Config.StopTimeout, 5},
		{"Init", *r.HostConfig.Init, false},
		{"CDI", r.HostConfig.DeviceRequests, []container.DeviceRequest{{Driver: "cdi", DeviceIDs: []string{"vendor.com/class=dev"}}}},
		{"Endpoint aliases", r.NetworkingConfig.EndpointsConfig["net1"].Aliases, []string{"a"}},
		{"Endpoint IP", r.NetworkingConfig.EndpointsConfig["net1"].IPAMConfig.IPv4Address, netip.MustParseAddr("10.0.0.2")},
		{"Healthcheck", r.Config.Healthcheck.Test, []string{"CMD-SHELL", "true"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestGetenvTreatsEmptyAsUnset(t *testing.T) {
	o := NewRunOptions()
	o.Env = []string{"EMPTY", "SET"}
	env := TranslateEnv{Getenv: func(k string) string { return map[string]string{"SET": "v"}[k] }}
	r, err := o.Request(env)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"EMPTY", "SET=v"}; !slices.Equal(r.Config.Env, want) {
		t.Errorf("Env = %q, want %q", r.Config.Env, want)
	}
}

func TestFlagAPIVersions(t *testing.T) {
	tests := []struct {
		name, flag, api string
		set             func(*RunOptions)
		wantErr         string
	}{
		{"annotation at 1.43", "annotation", "1.43", func(o *RunOptions) { o.Annotations = map[string]string{"a": "b"} }, ""},
		{"annotation at 1.42", "annotation", "1.42", nil, `"--annotation" requires API version 1.43, but the Docker daemon API version is 1.42`},
		{"health-start-interval at 1.43", "health-start-interval", "1.43", nil, `"--health-start-interval" requires API version 1.44, but the Docker daemon API version is 1.43`},
		{"gpus at 1.39", "gpus", "1.39", nil, `"--gpus" requires API version 1.40, but the Docker daemon API version is 1.39`},
		{"cgroupns at 1.41", "cgroupns", "1.41", nil, ""},
		{"any flag with no version", "annotation", "", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := NewRunOptions()
			o.Image = "img"
			o.Set[tc.flag] = true
			if tc.set != nil {
				tc.set(o)
			}
			_, err := o.Request(TranslateEnv{APIVersion: tc.api})
			if got := errString(err); got != tc.wantErr {
				t.Errorf("error %q, want %q", got, tc.wantErr)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestAPIVersionCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.41", "1.41", 0}, {"1.9", "1.41", -1}, {"1.44", "1.41", 1}, {"2", "1.99", 1}, {"1.41", "1.41.0", 0},
	}
	for _, tc := range tests {
		if got := apiVersionCompare(tc.a, tc.b); got != tc.want {
			t.Errorf("apiVersionCompare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseVolumeSpec(t *testing.T) {
	tests := []struct {
		spec    string
		want    volumeSpec
		wantErr string
	}{
		{spec: "/data", want: volumeSpec{target: "/data"}},
		{spec: "/a", want: volumeSpec{target: "/a"}},
		{spec: "ab", want: volumeSpec{target: "ab"}},
		{spec: "/src:/dst", want: volumeSpec{source: "/src", target: "/dst", bind: true}},
		{spec: "./rel:/dst:ro", want: volumeSpec{source: "./rel", target: "/dst", bind: true}},
		{spec: "~/x:/y", want: volumeSpec{source: "~/x", target: "/y", bind: true}},
		{spec: "name:/dst:ro,nocopy", want: volumeSpec{source: "name", target: "/dst"}},
		{spec: `c:\dir:/dst`, want: volumeSpec{source: `c:\dir`, target: "/dst", bind: true}},
		{spec: `\\host\share:/dst`, want: volumeSpec{source: `\\host\share`, target: "/dst", bind: true}},
		{spec: "/data:ro", want: volumeSpec{source: "/data", target: "ro", bind: true}},
		{spec: "/a::/b", wantErr: "invalid spec: /a::/b: empty section between colons"},
		// A one-letter section before a colon reads as a drive letter.
		{spec: "a:b:c:d", want: volumeSpec{source: "a:b", target: "c:d", bind: true}},
		{spec: "/a:/b:/c:d", wantErr: "invalid spec: /a:/b:/c:d: too many colons"},
		{spec: "", wantErr: "invalid empty volume spec"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := parseVolumeSpec(tc.spec)
			if errString(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParsePublishSpec(t *testing.T) {
	type pb struct{ port, ip, host string }
	tests := []struct {
		spec    string
		want    []pb
		wantErr string
	}{
		{spec: "80", want: []pb{{"80/tcp", "", ""}}},
		{spec: "8080:80/UDP", want: []pb{{"80/udp", "", "8080"}}},
		{spec: "0.0.0.0:8080:80", want: []pb{{"80/tcp", "0.0.0.0", "8080"}}},
		{spec: "::1:8080:80", want: []pb{{"80/tcp", "::1", "8080"}}},
		{spec: "[fe80::1]::80", want: []pb{{"80/tcp", "fe80::1", ""}}},
		{spec: "8000-8001:80-81", want: []pb{{"80/tcp", "", "8000"}, {"81/tcp", "", "8001"}}},
		{spec: "8000-8010:80", want: []pb{{"80/tcp", "", "8000-8010"}}},
		{spec: "1-2-3:80", want: []pb{{"80/tcp", "", "1-2"}}},
		{spec: "80/tcp/extra", want: []pb{{"80/tcp", "", ""}}},
		{spec: "8000:80-81", wantErr: "invalid ranges specified for container and host Ports: 80-81 and 8000"},
		{spec: "80:", wantErr: "no port specified: 80:<empty>"},
		{spec: "x:80", wantErr: "invalid hostPort: x"},
		{spec: "80-70", wantErr: "invalid containerPort: 80-70"},
		{spec: "1.2.3:80:80", wantErr: "invalid IP address: 1.2.3"},
		{spec: "80/icmp", wantErr: "invalid proto: icmp"},
		{spec: "70000", wantErr: "invalid containerPort: 70000"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := parsePublishSpec(tc.spec)
			if errString(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr != "" {
				return
			}
			var flat []pb
			for _, m := range got {
				ip := ""
				if m.binding.HostIP.IsValid() {
					ip = m.binding.HostIP.String()
				}
				flat = append(flat, pb{m.port.String(), ip, m.binding.HostPort})
			}
			if !slices.Equal(flat, tc.want) {
				t.Errorf("got %v, want %v", flat, tc.want)
			}
		})
	}
}

func TestExposeRanges(t *testing.T) {
	o := NewRunOptions()
	o.Image, o.Expose = "img", []string{"1-2-3", "53/udp", "7/"}
	r, err := o.Request(TranslateEnv{})
	if err != nil {
		t.Fatal(err)
	}
	want := network.PortSet{}
	for _, p := range []string{"1/tcp", "2/tcp", "53/udp", "7/tcp"} {
		want[network.MustParsePort(p)] = struct{}{}
	}
	if !reflect.DeepEqual(r.Config.ExposedPorts, want) {
		t.Errorf("ExposedPorts = %v, want %v", r.Config.ExposedPorts, want)
	}
}

func TestPlatformFromSpecifier(t *testing.T) {
	tests := []struct {
		spec    string
		want    ocispec.Platform
		wantErr string
	}{
		{spec: "linux/amd64", want: ocispec.Platform{OS: "linux", Architecture: "amd64"}},
		{spec: "Linux/x86_64", want: ocispec.Platform{OS: "linux", Architecture: "amd64"}},
		{spec: "linux/arm", want: ocispec.Platform{OS: "linux", Architecture: "arm"}},
		{spec: "linux/arm/7", want: ocispec.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}},
		{spec: "linux/armhf", want: ocispec.Platform{OS: "linux", Architecture: "arm"}},
		{spec: "linux/armel", want: ocispec.Platform{OS: "linux", Architecture: "arm", Variant: "v6"}},
		{spec: "linux/arm64/v8", want: ocispec.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}},
		{spec: "linux/aarch64", want: ocispec.Platform{OS: "linux", Architecture: "arm64"}},
		{spec: "windows(10.0.17763)/amd64", want: ocispec.Platform{OS: "windows", OSVersion: "10.0.17763", Architecture: "amd64"}},
		{spec: "macos/arm64", want: ocispec.Platform{OS: "darwin", Architecture: "arm64"}},
		{spec: "linux", want: ocispec.Platform{OS: "linux", Architecture: runtime.GOARCH}},
		{spec: "i386", want: ocispec.Platform{OS: runtime.GOOS, Architecture: "386"}},
		{spec: "plan10", wantErr: `"plan10": unknown operating system or architecture: invalid argument`},
		{spec: "linux/*", wantErr: `"linux/*": wildcards not yet supported: invalid argument`},
		{spec: "linux/a/b/c", wantErr: `"linux/a/b/c": cannot parse platform specifier: invalid argument`},
		{spec: "linux/a b", wantErr: `"a b" is an invalid component of "linux/a b": platform specifier component must match "^[A-Za-z0-9_.-]+$": invalid argument`},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := platformFromSpecifier(tc.spec)
			if errString(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseKVLines(t *testing.T) {
	lookup := func(k string) (string, bool) { return map[string]string{"SET": "v"}[k], k == "SET" }
	tests := []struct {
		name, data string
		lookup     func(string) (string, bool)
		want       []string
		wantErr    string
	}{
		{name: "comments, blanks, indent, BOM", data: "\ufeffA=1\n\n# x\n   B = 2 \r\nC=\n", want: []string{"A=1", "B = 2 ", "C="}, wantErr: "variable 'B ' contains whitespaces"},
		{name: "bare names looked up", data: "SET\nUNSET\nK=v\n", lookup: lookup, want: []string{"SET=v", "K=v"}},
		{name: "bare names dropped without lookup", data: "SET\nK=v\n", want: []string{"K=v"}},
		{name: "no name", data: "=v\n", wantErr: "no variable name on line '=v'"},
		{name: "invalid utf8", data: "A=\xff\n", wantErr: "invalid utf8 bytes at line 1: [65 61 255]"},
		{name: "value keeps everything", data: "A=\"quoted\" # not a comment\n", want: []string{`A="quoted" # not a comment`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseKVLines([]byte(tc.data), tc.lookup)
			if errString(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDeviceMapping(t *testing.T) {
	tests := []struct {
		spec    string
		want    container.DeviceMapping
		wantErr string
	}{
		{spec: "/dev/sda", want: container.DeviceMapping{PathOnHost: "/dev/sda", PathInContainer: "/dev/sda", CgroupPermissions: "rwm"}},
		{spec: "/dev/../dev/sda", want: container.DeviceMapping{PathOnHost: "/dev/sda", PathInContainer: "/dev/sda", CgroupPermissions: "rwm"}},
		{spec: "/dev/sda:/dev/../xvda", want: container.DeviceMapping{PathOnHost: "/dev/sda", PathInContainer: "/xvda", CgroupPermissions: "rwm"}},
		{spec: "/dev/sda:mr", want: container.DeviceMapping{PathOnHost: "/dev/sda", PathInContainer: "/dev/sda", CgroupPermissions: "mr"}},
		{spec: "/dev/sda:/dev/b:w", want: container.DeviceMapping{PathOnHost: "/dev/sda", PathInContainer: "/dev/b", CgroupPermissions: "w"}},
		{spec: "/dev/sda:/dev/b:rr", wantErr: "bad mode specified: rr"},
		{spec: ":/dev/b", wantErr: "bad format for path: :/dev/b"},
		{spec: "a:b:c:d", wantErr: "bad format for path: a:b:c:d"},
		{spec: "sda", wantErr: "sda is not an absolute path"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := parseDeviceMapping(tc.spec)
			if errString(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestCDINames(t *testing.T) {
	tests := []struct {
		device  string
		want    bool
		wantErr bool
	}{
		{"nvidia.com/gpu=all", true, false},
		{"vendor.com/class=dev:0", true, false},
		{"/dev/nvidia0", false, false},
		{"vendor.com/class", false, false},
		{"vendor.com/-bad=x", false, false},
		{"a/b=c", false, true},
	}
	for _, tc := range tests {
		got, err := isCDIName(tc.device)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("isCDIName(%q) = %v, %v; want %v, error %v", tc.device, got, err, tc.want, tc.wantErr)
		}
	}
}

// FuzzRequest fills fields of RunOptions with arbitrary strings:
// translation may refuse, never panic.
func FuzzRequest(f *testing.F) {
	f.Add("./x:/y:ro", "8080:80/udp", "seccomp=seccomp", "/dev/a:/b:rw", "1.2.3.4", "linux/arm64", "on-failure:3")
	f.Add("c:\\x:/y", "[::1]:1-2-3:5-9", "apparmor", "vendor.com/c=d", "::ffff:1.1.1.1", "*", ":")
	f.Add("", "", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, volume, publish, secOpt, device, ip, platform, restart string) {
		o := NewRunOptions()
		o.Image = "img"
		o.Volumes, o.Publish, o.Expose = []string{volume}, []string{publish}, []string{publish}
		o.SecurityOpt, o.Devices, o.Tmpfs = []string{secOpt}, []string{device}, []string{volume}
		o.IP, o.IP6, o.LinkLocalIPs, o.DNS = ip, ip, []string{ip}, []string{ip}
		o.Platform, o.Restart, o.Env, o.Labels = platform, restart, []string{volume}, []string{device}
		o.Networks = []NetworkAttachment{{Target: ip, MacAddress: device, IPv4Address: ip, Aliases: []string{publish}}}
		o.LogOpts, o.StorageOpt, o.Pid = []string{secOpt}, []string{secOpt}, restart
		r, err := o.Request(translateEnvForTest())
		if err != nil {
			return
		}
		if _, err := json.Marshal(container.CreateRequest{Config: r.Config, HostConfig: r.HostConfig, NetworkingConfig: r.NetworkingConfig}); err != nil {
			t.Fatalf("request does not marshal: %v", err)
		}
		if strings.Contains(strings.Join(r.HostConfig.SecurityOpt, ","), "systempaths=unconfined") {
			t.Fatal("systempaths=unconfined is client-side only")
		}
	})
}
