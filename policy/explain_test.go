package policy

import (
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// TestDockerLine checks the reverse translation on requests the golden
// files do not cover.
func TestDockerLine(t *testing.T) {
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{name: "quoting", req: build(cfg("env", func(c *container.Config) { c.Env = []string{"MSG=it's here", "EMPTY="} })),
			want: `docker run -e 'MSG=it'\''s here' -e EMPTY= alpine sh`},
		{name: "detached interactive tty", req: build(cfg("", func(c *container.Config) {
			c.AttachStdout, c.AttachStderr, c.OpenStdin, c.Tty = false, false, true, true
		})), want: `docker run -d -i -t alpine sh`},
		{name: "interactive", req: build(cfg("", func(c *container.Config) { c.AttachStdin, c.OpenStdin, c.StdinOnce = true, true, true })),
			want: `docker run -i alpine sh`},
		{name: "attach stderr only", req: build(cfg("", func(c *container.Config) { c.AttachStdout = false })),
			want: `docker run -a stderr alpine sh`},
		{name: "entrypoint of several words", req: build(cfg("", func(c *container.Config) {
			c.Entrypoint, c.Cmd = []string{"/bin/sh", "-c"}, []string{"echo $HOME"}
		})), want: `docker run --entrypoint /bin/sh alpine -c 'echo $HOME'`},
		{name: "empty entrypoint", req: build(cfg("", func(c *container.Config) { c.Entrypoint, c.Cmd = []string{}, nil })),
			want: `docker run --entrypoint '' alpine`},
		{name: "mount with a comma in an option", req: build(mounts(mount.Mount{Type: mount.TypeVolume, Source: "nfs", Target: "/n", ReadOnly: true,
			VolumeOptions: &mount.VolumeOptions{DriverConfig: &mount.Driver{Options: map[string]string{"o": "addr=10.0.0.1,ro", "type": "nfs"}}}})),
			want: `docker run --mount 'type=volume,source=nfs,target=/n,readonly,"volume-opt=o=addr=10.0.0.1,ro",volume-opt=type=nfs' alpine sh`},
		{name: "gpus by device", req: build(hc("", func(h *container.HostConfig) {
			h.DeviceRequests = []container.DeviceRequest{{DeviceIDs: []string{"0", "1"}, Capabilities: [][]string{{"gpu"}}}}
		})), want: `docker run --gpus '"device=0,1"' alpine sh`},
		{name: "second network", req: build(netMode("front"), func(r *Request) {
			r.NetworkingConfig.EndpointsConfig = map[string]*network.EndpointSettings{
				"front": {Aliases: []string{"web"}}, "back": {Aliases: []string{"api"}}}
		}), want: `docker run --network front --network-alias web --network name=back,alias=api alpine sh`},
		{name: "restart, rm, init false, ipv6 publish", req: build(
			hc("", func(h *container.HostConfig) {
				h.RestartPolicy = container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 2}
				h.AutoRemove, h.Init = true, boolp(false)
			}), publish("53/udp", "::1", "")),
			want: `docker run --restart on-failure:2 --rm --init=false -p '[::1]::53/udp' alpine sh`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan := &Plan{Request: tc.req, Profile: testProfile("default")}
			if got := plan.DockerLine(); got != tc.want {
				t.Errorf("docker line:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestExplainSeccompFile(t *testing.T) {
	plan, err := Evaluate(build(), testProfile("default"), ImageFacts{}, testHost())
	if err != nil {
		t.Fatal(err)
	}
	plan.SeccompFile = "/cache/hardrun/seccomp/x y.json"
	line := plan.DockerLine()
	if !strings.Contains(line, `--security-opt 'seccomp=/cache/hardrun/seccomp/x y.json'`) || strings.Contains(line, "{") {
		t.Errorf("docker line names no seccomp file: %s", line)
	}
	if !strings.HasPrefix(plan.SeccompJSON(), "{") {
		t.Errorf("SeccompJSON %q", plan.SeccompJSON()[:20])
	}
}
