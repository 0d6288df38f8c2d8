package policy

import (
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// bench30Flags is a request of 30 docker flags the default profile permits.
func bench30Flags() Request {
	return build(
		func(r *Request) { r.Name = "bench" }, // --name
		cfg("hostname", func(c *container.Config) { c.Hostname = "bench" }),
		cfg("env", func(c *container.Config) { c.Env = []string{"A=1", "B=2", "C=3"} }),
		cfg("workdir", func(c *container.Config) { c.WorkingDir = "/app" }),
		cfg("label", func(c *container.Config) { c.Labels = map[string]string{"team": "x", "tier": "web"} }),
		cfg("entrypoint", func(c *container.Config) { c.Entrypoint = []string{"/bin/app"} }),
		cfg("stop-signal", func(c *container.Config) { c.StopSignal = "SIGTERM" }),
		cfg("interactive", func(c *container.Config) { c.OpenStdin = true }),
		cfg("tty", func(c *container.Config) { c.Tty = true }),
		user("1000:1000"),
		binds("./data:/data", "/srv/data:/srv:ro", "data:/vol"),
		mounts(mount.Mount{Type: mount.TypeBind, Source: "/home/u/proj/sub", Target: "/sub"}),
		hc("tmpfs", func(h *container.HostConfig) { h.Tmpfs = map[string]string{"/run/app": "size=1m"} }),
		publish("80/tcp", "", "8080"), publish("443/tcp", "", "8443"),
		netMode("mynet"),
		hc("dns", func(h *container.HostConfig) { h.DNSSearch = []string{"example.com"} }),
		hc("add-host", func(h *container.HostConfig) { h.ExtraHosts = []string{"db:10.0.0.2"} }),
		capAdd("NET_BIND_SERVICE"),
		hc("cap-drop", func(h *container.HostConfig) { h.CapDrop = []string{"CHOWN"} }),
		secOpts("no-new-privileges=true", "label=level:s0"),
		hc("memory", func(h *container.HostConfig) { h.Memory = 1 << 30 }),
		hc("cpus", func(h *container.HostConfig) { h.NanoCPUs = 15e8 }),
		hc("pids-limit", func(h *container.HostConfig) { h.PidsLimit = ptr64(512) }),
		hc("ulimit", func(h *container.HostConfig) {
			h.Ulimits = []*container.Ulimit{{Name: "nofile", Soft: 2048, Hard: 2048}}
		}),
		hc("restart", func(h *container.HostConfig) {
			h.RestartPolicy = container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}
		}),
		hc("rm", func(h *container.HostConfig) { h.AutoRemove = true }),
		hc("log-opt", func(h *container.HostConfig) { h.LogConfig.Config = map[string]string{"max-size": "1m"} }),
		hc("volumes-from", func(h *container.HostConfig) { h.VolumesFrom = []string{"web"} }),
		hc("read-only", func(h *container.HostConfig) { h.ReadonlyRootfs = true }),
	)
}

func BenchmarkEvaluate30Flags(b *testing.B) {
	req, p, host := bench30Flags(), loadBuiltin(b, "default"), testHost()
	img := ImageFacts{Volumes: []string{"/var/lib/app"}, ExposedPorts: []string{"80/tcp"}}
	if plan, err := Evaluate(req, p, img, host); err != nil || len(plan.Changes) == 0 {
		b.Fatalf("evaluate: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Evaluate(req, p, img, host); err != nil {
			b.Fatal(err)
		}
	}
}
