package audit

import (
	"fmt"
	"net/netip"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/policy"
)

// Check is one CIS Docker Benchmark v1.6.0 section 5 ("Container Runtime")
// check that a container's inspect data can judge. Numbers and titles are
// the benchmark's, as docker-bench-security's tests/5_container_runtime.sh
// spells them.
//
// Not judged, because inspect data cannot tell: 5.1 (swarm mode is the
// engine's, not a container's), 5.7 (sshd: needs a process list from
// inside), 5.23 and 5.24 (docker exec options are not recorded), 5.28
// (whether the image was pulled fresh is not recorded).
type Check struct {
	ID       string
	Title    string
	Manual   bool // scored "(Manual)" by the benchmark
	Severity Severity
	judge    func(*Input) verdict
}

// verdict is one check's outcome for one container.
type verdict struct {
	pass, skipped bool
	want, got     string
}

func pass(want, got string) verdict { return verdict{pass: true, want: want, got: got} }
func fail(want, got string) verdict { return verdict{want: want, got: got} }
func skip(want, why string) verdict { return verdict{pass: true, skipped: true, want: want, got: why} }

func judged(ok bool, want, got string) verdict {
	if ok {
		return pass(want, got)
	}
	return fail(want, got)
}

// Checks is the table, in the benchmark's order.
var Checks = []Check{
	{ID: "5.2", Title: "Ensure that, if applicable, an AppArmor Profile is enabled", Severity: Medium, judge: checkAppArmor},
	{ID: "5.3", Title: "Ensure that, if applicable, SELinux security options are set", Severity: Medium, judge: checkSELinux},
	{ID: "5.4", Title: "Ensure that Linux kernel capabilities are restricted within containers", Severity: Medium, judge: checkCapabilities},
	{ID: "5.5", Title: "Ensure that privileged containers are not used", Severity: High, judge: checkPrivileged},
	{ID: "5.6", Title: "Ensure sensitive host system directories are not mounted on containers", Severity: High, judge: checkSensitiveMounts},
	{ID: "5.8", Title: "Ensure privileged ports are not mapped within containers", Severity: Low, judge: checkPrivilegedPorts},
	{ID: "5.9", Title: "Ensure that only needed ports are open on the container", Manual: true, Severity: Low, judge: checkNeededPorts},
	{ID: "5.10", Title: "Ensure that the host's network namespace is not shared", Severity: High, judge: hostNamespace("NetworkMode", netMode)},
	{ID: "5.11", Title: "Ensure that the memory usage for containers is limited", Severity: Low, judge: checkMemory},
	{ID: "5.12", Title: "Ensure that CPU priority is set appropriately on containers", Severity: Low, judge: checkCPU},
	{ID: "5.13", Title: "Ensure that the container's root filesystem is mounted as read only", Severity: Medium, judge: checkReadOnly},
	{ID: "5.14", Title: "Ensure that incoming container traffic is bound to a specific host interface", Severity: Low, judge: checkHostInterface},
	{ID: "5.15", Title: "Ensure that the 'on-failure' container restart policy is set to '5'", Severity: Low, judge: checkRestart},
	{ID: "5.16", Title: "Ensure that the host's process namespace is not shared", Severity: High, judge: hostNamespace("PidMode", pidMode)},
	{ID: "5.17", Title: "Ensure that the host's IPC namespace is not shared", Severity: High, judge: hostNamespace("IpcMode", ipcMode)},
	{ID: "5.18", Title: "Ensure that host devices are not directly exposed to containers", Manual: true, Severity: Medium, judge: checkDevices},
	{ID: "5.19", Title: "Ensure that the default ulimit is overwritten at runtime if needed", Manual: true, Severity: Low, judge: checkUlimits},
	{ID: "5.20", Title: "Ensure mount propagation mode is not set to shared", Severity: Medium, judge: checkPropagation},
	{ID: "5.21", Title: "Ensure that the host's UTS namespace is not shared", Severity: Medium, judge: hostNamespace("UTSMode", utsMode)},
	{ID: "5.22", Title: "Ensure the default seccomp profile is not Disabled", Severity: High, judge: checkSeccomp},
	{ID: "5.25", Title: "Ensure that cgroup usage is confirmed", Severity: Medium, judge: checkCgroupParent},
	{ID: "5.26", Title: "Ensure that the container is restricted from acquiring additional privileges", Severity: Medium, judge: checkNoNewPrivileges},
	{ID: "5.27", Title: "Ensure that container health is checked at runtime", Severity: Low, judge: checkHealth},
	{ID: "5.29", Title: "Ensure that the PIDs cgroup limit is used", Severity: Low, judge: checkPids},
	{ID: "5.30", Title: "Ensure that Docker's default bridge 'docker0' is not used", Manual: true, Severity: Low, judge: checkDefaultBridge},
	{ID: "5.31", Title: "Ensure that the host's user namespaces are not shared", Severity: High, judge: hostNamespace("UsernsMode", usernsMode)},
	{ID: "5.32", Title: "Ensure that the Docker socket is not mounted inside any containers", Severity: High, judge: checkDockerSocket},
}

// cisFindings runs every check. Inspect data without a config or a host
// config (never sent by a real engine) fails every check rather than
// passing it.
func cisFindings(in *Input) []Finding {
	out := make([]Finding, 0, len(Checks))
	for _, c := range Checks {
		v := fail("inspect data with Config and HostConfig", "absent")
		if in.Container.Config != nil && in.Container.HostConfig != nil {
			v = c.judge(in)
		}
		out = append(out, Finding{
			Source: SourceCIS, ID: c.ID, Title: c.Title, Severity: c.Severity,
			Want: v.want, Got: v.got, Pass: v.pass, Skipped: v.skipped,
		})
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// 5.2: "if applicable": on an engine without AppArmor no container can
// have a profile, and the benchmark's check does not apply. The engine
// records "unconfined" for a privileged container and for
// apparmor=unconfined.
func checkAppArmor(in *Input) verdict {
	const want = "AppArmorProfile set, not unconfined"
	if !in.Engine.AppArmor {
		return skip(want, "not applicable: the engine has no AppArmor")
	}
	p := in.Container.AppArmorProfile
	return judged(p != "" && p != "unconfined", want, "AppArmorProfile="+orNone(p))
}

// 5.3: "if applicable": only an engine with SELinux enabled labels
// processes. label=disable (or a privileged container) leaves the process
// without a label.
func checkSELinux(in *Input) verdict {
	const want = "a process label, no label=disable"
	if !in.Engine.SELinux {
		return skip(want, "not applicable: the engine has no SELinux")
	}
	for _, o := range in.Container.HostConfig.SecurityOpt {
		if so := policy.ParseSecurityOpt(o); so.Key == "label" && so.Value == "disable" {
			return fail(want, "SecurityOpt="+o)
		}
	}
	l := in.Container.ProcessLabel
	return judged(l != "", want, "ProcessLabel="+orNone(l))
}

// dockerDefaultCaps is the engine's default capability set (moby
// oci/caps/defaults.go): adding one of these changes nothing.
var dockerDefaultCaps = []string{
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

// 5.4: a capability added beyond the engine's default set (ALL included)
// widens what root in the container can do to the kernel. A privileged
// container's capabilities are 5.5's finding.
func checkCapabilities(in *Input) verdict {
	var extra []string
	for _, c := range in.Container.HostConfig.CapAdd {
		if n := policy.CapName(c); !slices.Contains(dockerDefaultCaps, n) {
			extra = append(extra, n)
		}
	}
	const want = "no capability added beyond the engine's default set"
	if len(extra) == 0 {
		return pass(want, "CapAdd="+orNone(strings.Join(in.Container.HostConfig.CapAdd, ",")))
	}
	return fail(want, "CapAdd="+strings.Join(extra, ","))
}

// 5.5: privileged containers get every capability, every device, and no
// seccomp or AppArmor confinement.
func checkPrivileged(in *Input) verdict {
	p := in.Container.HostConfig.Privileged
	return judged(!p, "Privileged=false", "Privileged="+strconv.FormatBool(p))
}

// sensitiveDirs are the benchmark's host directories (its check's list).
var sensitiveDirs = []string{"/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"}

// sensitiveDir returns the sensitive directory src is, or is under ("/"
// only itself: everything is under it).
func sensitiveDir(src string) string {
	src = path.Clean(src)
	for _, d := range sensitiveDirs {
		if src == d || (d != "/" && strings.HasPrefix(src, d+"/")) {
			return d
		}
	}
	return ""
}

// 5.6: a writable bind of a host system directory (or of anything under
// it) lets the container change the host. The benchmark says "especially
// in read-write mode" and its check fails only writable ones; read-only
// ones pass and are shown.
func checkSensitiveMounts(in *Input) verdict {
	var rw, ro []string
	for _, m := range in.Container.Mounts {
		if m.Type != mount.TypeBind || sensitiveDir(m.Source) == "" {
			continue
		}
		s := m.Source + ":" + m.Destination
		if m.RW {
			rw = append(rw, s+":rw")
		} else {
			ro = append(ro, s+":ro")
		}
	}
	const want = "no writable bind of /, /boot, /dev, /etc, /lib, /proc, /sys, /usr or under them"
	if len(rw) > 0 {
		return fail(want, strings.Join(append(rw, ro...), " "))
	}
	return pass(want, orNone(strings.Join(ro, " ")))
}

// binding is one published port: host IP and port -> container port.
type binding struct {
	hostIP, hostPort, port string
}

func (b binding) String() string {
	ip := b.hostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	if strings.Contains(ip, ":") {
		ip = "[" + ip + "]"
	}
	return ip + ":" + b.hostPort + "->" + b.port
}

// bindings are the ports the container publishes: what the engine bound
// (NetworkSettings.Ports, for a running container), else what was asked
// (HostConfig.PortBindings; -P with no explicit binding publishes each
// exposed port on every interface).
func bindings(c container.InspectResponse) []binding {
	var out []binding
	if ns := c.NetworkSettings; ns != nil {
		for p, bs := range ns.Ports {
			for _, b := range bs {
				out = append(out, binding{hostIP: ipString(b.HostIP), hostPort: b.HostPort, port: p.String()})
			}
		}
	}
	if len(out) > 0 || (c.State != nil && c.State.Running) {
		return sortBindings(out)
	}
	hc := c.HostConfig
	for p, bs := range hc.PortBindings {
		for _, b := range bs {
			out = append(out, binding{hostIP: ipString(b.HostIP), hostPort: b.HostPort, port: p.String()})
		}
	}
	if hc.PublishAllPorts && c.Config != nil {
		for p := range c.Config.ExposedPorts {
			if len(hc.PortBindings[p]) == 0 {
				out = append(out, binding{port: p.String()})
			}
		}
	}
	return sortBindings(out)
}

// ipString spells a binding's host IP, "" when it names none.
func ipString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func sortBindings(bs []binding) []binding {
	slices.SortFunc(bs, func(a, b binding) int {
		return strings.Compare(a.port+" "+a.hostIP+" "+a.hostPort, b.port+" "+b.hostIP+" "+b.hostPort)
	})
	return bs
}

func joinBindings(bs []binding) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = b.String()
	}
	return orNone(strings.Join(s, " "))
}

// 5.8: host ports below 1024 are the privileged ports. The engine binds
// them as root whatever the container's user. A random port ("") is not
// privileged.
func checkPrivilegedPorts(in *Input) verdict {
	var bad []binding
	all := bindings(in.Container)
	for _, b := range all {
		if n, err := strconv.Atoi(b.hostPort); err == nil && n > 0 && n < 1024 {
			bad = append(bad, b)
		}
	}
	const want = "no host port below 1024"
	if len(bad) > 0 {
		return fail(want, joinBindings(bad))
	}
	return pass(want, joinBindings(all))
}

// 5.9: "needed" as inspect data can tell: a port the image declares
// (EXPOSE). A published port the image does not expose is one the image's
// author did not mean to serve.
func checkNeededPorts(in *Input) verdict {
	const want = "only ports the image EXPOSEs are published"
	all := bindings(in.Container)
	if len(all) == 0 {
		return pass(want, "(none)")
	}
	if in.Image == nil {
		return skip(want, "cannot be judged: the image's config is unknown")
	}
	var extra []binding
	for _, b := range all {
		if _, ok := in.Image.ExposedPorts[b.port]; !ok {
			extra = append(extra, b)
		}
	}
	if len(extra) > 0 {
		return fail(want, "not exposed by the image: "+joinBindings(extra))
	}
	return pass(want, joinBindings(all))
}

func netMode(hc *container.HostConfig) string    { return string(hc.NetworkMode) }
func pidMode(hc *container.HostConfig) string    { return string(hc.PidMode) }
func ipcMode(hc *container.HostConfig) string    { return string(hc.IpcMode) }
func utsMode(hc *container.HostConfig) string    { return string(hc.UTSMode) }
func usernsMode(hc *container.HostConfig) string { return string(hc.UsernsMode) }

// hostNamespace: sharing a namespace with the host (5.10 network, 5.16
// pid, 5.17 ipc, 5.21 uts, 5.31 user) removes the isolation that
// namespace gives: host processes, sockets, shared memory, hostname, uids.
func hostNamespace(field string, mode func(*container.HostConfig) string) func(*Input) verdict {
	return func(in *Input) verdict {
		m := mode(in.Container.HostConfig)
		return judged(m != "host", field+" != host", field+"="+orNone(m))
	}
}

// 5.11: without a limit one container can take the host's memory.
func checkMemory(in *Input) verdict {
	m := in.Container.HostConfig.Memory
	if m > 0 {
		return pass("Memory > 0", "Memory="+policy.FormatSize(m))
	}
	return fail("Memory > 0", "Memory=0 (unlimited)")
}

// 5.12: the benchmark counts shares of 0 or 1024 (the engine's default) as
// "not in place"; a CPU limit (--cpus, --cpu-quota) also bounds the
// container's share.
func checkCPU(in *Input) verdict {
	r := in.Container.HostConfig.Resources
	got := fmt.Sprintf("CpuShares=%d NanoCpus=%d CpuQuota=%d", r.CPUShares, r.NanoCPUs, r.CPUQuota)
	ok := (r.CPUShares != 0 && r.CPUShares != 1024) || r.NanoCPUs > 0 || r.CPUQuota > 0
	return judged(ok, "CpuShares other than 0 and 1024, or a CPU limit", got)
}

// 5.13: a writable root lets a compromised process replace binaries and
// persist across restarts.
func checkReadOnly(in *Input) verdict {
	ro := in.Container.HostConfig.ReadonlyRootfs
	return judged(ro, "ReadonlyRootfs=true", "ReadonlyRootfs="+strconv.FormatBool(ro))
}

// 5.14: a port bound to every interface (0.0.0.0, ::) is reachable from
// every network the host is on.
func checkHostInterface(in *Input) verdict {
	var bad []binding
	all := bindings(in.Container)
	for _, b := range all {
		if b.hostIP == "" || b.hostIP == "0.0.0.0" || b.hostIP == "::" {
			bad = append(bad, b)
		}
	}
	const want = "every published port bound to one host address"
	if len(bad) > 0 {
		return fail(want, joinBindings(bad))
	}
	return pass(want, joinBindings(all))
}

// 5.15: always and unless-stopped restart a crashing container forever
// (a denial of service on the host); on-failure must be bounded, at most 5
// (0 means no bound).
func checkRestart(in *Input) verdict {
	rp := in.Container.HostConfig.RestartPolicy
	got := "RestartPolicy=" + orNone(string(rp.Name))
	const want = "no, or on-failure with at most 5 retries"
	switch rp.Name {
	case "", container.RestartPolicyDisabled:
		return pass(want, got)
	case container.RestartPolicyOnFailure:
		got += ":" + strconv.Itoa(rp.MaximumRetryCount)
		return judged(rp.MaximumRetryCount > 0 && rp.MaximumRetryCount <= 5, want, got)
	}
	return fail(want, got)
}

// 5.18: a host device node in the container (--device, or --gpus) is a
// direct path to a kernel driver.
func checkDevices(in *Input) verdict {
	r := in.Container.HostConfig.Resources
	var devs []string
	for _, d := range r.Devices {
		devs = append(devs, d.PathOnHost)
	}
	for _, d := range r.DeviceRequests {
		devs = append(devs, "gpus:"+orNone(d.Driver))
	}
	return judged(len(devs) == 0, "no host device", "Devices="+orNone(strings.Join(devs, ",")))
}

// 5.19: explicit ulimits rather than the daemon's, which are the host's.
func checkUlimits(in *Input) verdict {
	var s []string
	for _, u := range in.Container.HostConfig.Ulimits {
		if u != nil {
			s = append(s, fmt.Sprintf("%s=%d:%d", u.Name, u.Soft, u.Hard))
		}
	}
	return judged(len(s) > 0, "ulimits set", "Ulimits="+orNone(strings.Join(s, ",")))
}

// 5.20: with shared propagation, mounts made in the container appear on
// the host.
func checkPropagation(in *Input) verdict {
	var shared []string
	for _, m := range in.Container.Mounts {
		if m.Propagation == mount.PropagationShared || m.Propagation == mount.PropagationRShared {
			shared = append(shared, m.Destination+":"+string(m.Propagation))
		}
	}
	return judged(len(shared) == 0, "no shared or rshared mount", orNone(strings.Join(shared, " ")))
}

// 5.22: seccomp=unconfined, a privileged container (the engine applies no
// seccomp to it) and an engine without seccomp leave every syscall open.
func checkSeccomp(in *Input) verdict {
	const want = "a seccomp profile"
	hc := in.Container.HostConfig
	for _, o := range hc.SecurityOpt {
		if so := policy.ParseSecurityOpt(o); so.Key == "seccomp" && so.Value == "unconfined" {
			return fail(want, "SecurityOpt="+o)
		}
	}
	switch {
	case hc.Privileged:
		return fail(want, "none: the container is privileged")
	case !in.Engine.Seccomp:
		return fail(want, "none: the engine has no seccomp")
	}
	for _, o := range hc.SecurityOpt {
		if policy.ParseSecurityOpt(o).Key == "seccomp" {
			return pass(want, "a custom profile")
		}
	}
	return pass(want, "the engine's default profile")
}

// 5.25: a --cgroup-parent places the container outside the engine's
// cgroup, and so outside the limits set there.
func checkCgroupParent(in *Input) verdict {
	p := in.Container.HostConfig.CgroupParent
	return judged(p == "", "CgroupParent empty (the engine's)", "CgroupParent="+orNone(p))
}

// 5.26: without no_new_privs a setuid binary or file capability raises a
// process's privileges.
func checkNoNewPrivileges(in *Input) verdict {
	const want = "no-new-privileges=true"
	for _, o := range in.Container.HostConfig.SecurityOpt {
		if so := policy.ParseSecurityOpt(o); so.Key == "no-new-privileges" {
			b, err := so.Bool()
			return judged(err == nil && b, want, "SecurityOpt="+o)
		}
	}
	if in.Engine.NoNewPrivileges {
		return pass(want, "the engine's default (no-new-privileges)")
	}
	return fail(want, "(not set)")
}

// 5.27: a health check tells the orchestrator a container stopped working.
// It may come from the image (merged into Config) or from --health-cmd;
// NONE disables it.
func checkHealth(in *Input) verdict {
	const want = "a health check"
	if s := in.Container.State; s != nil && s.Health != nil {
		return pass(want, "Health="+string(s.Health.Status))
	}
	hc := in.Container.Config.Healthcheck
	if hc == nil || len(hc.Test) == 0 || hc.Test[0] == "NONE" {
		return fail(want, "(none)")
	}
	return pass(want, strings.Join(hc.Test, " "))
}

// 5.29: without a pids limit a fork bomb takes the host's process table.
// 0 and -1 mean unlimited.
func checkPids(in *Input) verdict {
	p := in.Container.HostConfig.PidsLimit
	if p == nil || *p <= 0 {
		got := "(none)"
		if p != nil {
			got = strconv.FormatInt(*p, 10)
		}
		return fail("PidsLimit > 0", "PidsLimit="+got)
	}
	return pass("PidsLimit > 0", "PidsLimit="+strconv.FormatInt(*p, 10))
}

// 5.30: on the default bridge every container reaches every other one
// (inter-container communication is on, no name-based isolation).
func checkDefaultBridge(in *Input) verdict {
	const want = "not on the default bridge"
	var nets []string
	if ns := in.Container.NetworkSettings; ns != nil {
		for n := range ns.Networks {
			nets = append(nets, n)
		}
	}
	slices.Sort(nets)
	if len(nets) == 0 {
		// not connected (yet): judge the mode it was created with
		if m := netMode(in.Container.HostConfig); m == "default" || m == "bridge" {
			nets = []string{"bridge"}
		}
	}
	return judged(!slices.Contains(nets, "bridge"), want, "Networks="+orNone(strings.Join(nets, ",")))
}

// 5.32: the Docker socket in a container is root on the host. Matched as
// the benchmark matches it: any mount whose source or destination names
// docker.sock.
func checkDockerSocket(in *Input) verdict {
	var socks []string
	for _, m := range in.Container.Mounts {
		if strings.Contains(m.Source, "docker.sock") || strings.Contains(m.Destination, "docker.sock") {
			socks = append(socks, m.Source+":"+m.Destination)
		}
	}
	return judged(len(socks) == 0, "no docker.sock mount", orNone(strings.Join(socks, " ")))
}

// NeedsImage reports whether judging c needs its image's config: only 5.9
// does, and only for a container that publishes ports.
func NeedsImage(c container.InspectResponse) bool {
	return c.HostConfig != nil && len(bindings(c)) > 0
}
