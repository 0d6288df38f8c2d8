package policy

import (
	"slices"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"
)

// judgePrivileges: privileged mode, capabilities, host and shared
// namespaces, devices, sysctls, the runtime and the cgroup parent.
func (e *evaluation) judgePrivileges() {
	e.judgePrivileged()
	e.judgeCapabilities()
	e.judgeNamespaces()
	e.judgeDevices()
	e.judgeSysctls()
	e.judgeRuntime()
}

func (e *evaluation) judgePrivileged() {
	if !e.hc.Privileged {
		return
	}
	if !e.p.Privileged {
		e.refuse(item("HostConfig.Privileged", ""), "privileged: false", "")
		return
	}
	e.notice("--privileged: the engine applies no capability, seccomp, AppArmor or device limits to a privileged container (privileged: true)")
}

// judgeCapabilities: a caller's --cap-add must be in cap_add or cap_allow
// (ALL only when listed); cap_drop is a requirement the caller may only
// extend; cap_add is the default set, to which the caller's permitted adds
// are added (docker's --cap-add adds to the default set too), less what
// the caller drops.
func (e *evaluation) judgeCapabilities() {
	permitted := CapNameSet(e.p.CapAdd, e.p.CapAllow)
	for _, c := range e.hc.CapAdd {
		if n := CapName(c); !permitted[n] && !permitted["ALL"] {
			e.refuse(item("HostConfig.CapAdd", c), keyList("cap_allow", e.p.CapAllow), "")
		}
	}
	callerDrops, added := CapNameSet(e.hc.CapDrop), CapNameSet(e.hc.CapAdd)
	for _, c := range e.p.CapDrop {
		if !callerDrops[CapName(c)] {
			e.hc.CapDrop = append(e.hc.CapDrop, c)
			e.change("HostConfig.CapDrop", c, "cap_drop", "default")
		}
	}
	for _, c := range e.p.CapAdd {
		if n := CapName(c); !added[n] && !callerDrops[n] && !callerDrops["ALL"] {
			e.hc.CapAdd = append(e.hc.CapAdd, c)
			e.change("HostConfig.CapAdd", c, "cap_add", "default")
		}
	}
}

// namespaceFields are the --pid/--ipc/--uts/--userns/--cgroupns modes, by
// the name namespaces_allow_host uses.
func (e *evaluation) namespaceModes() []struct{ ns, field, mode string } {
	return []struct{ ns, field, mode string }{
		{"pid", "HostConfig.PidMode", string(e.hc.PidMode)},
		{"ipc", "HostConfig.IpcMode", string(e.hc.IpcMode)},
		{"uts", "HostConfig.UTSMode", string(e.hc.UTSMode)},
		{"userns", "HostConfig.UsernsMode", string(e.hc.UsernsMode)},
		{"cgroupns", "HostConfig.CgroupnsMode", string(e.hc.CgroupnsMode)},
	}
}

// judgeNamespaces refuses sharing the host's namespaces, and another
// container's (--pid/--ipc container:NAME), unless namespaces_allow_host
// lists the namespace. Joining a container that itself shares the host's
// namespace is judged as host; joining a privileged container needs
// privileged: true.
func (e *evaluation) judgeNamespaces() {
	allowed := stringSet(e.p.NamespacesAllowHost)
	key := keyList("namespaces_allow_host", e.p.NamespacesAllowHost)
	for _, n := range e.namespaceModes() {
		switch {
		case n.mode == "host" && !allowed[n.ns]:
			e.refuse(item(Field(n.field), n.mode), key, "")
		case strings.HasPrefix(n.mode, "container:"):
			if !allowed[n.ns] {
				e.refuse(item(Field(n.field), n.mode), key, "")
				continue
			}
			e.judgeJoinedContainer(item(Field(n.field), n.mode), strings.TrimPrefix(n.mode, "container:"), n.ns)
		}
	}
	if e.hc.Cgroup != "" {
		e.refuse(item("HostConfig.Cgroup", string(e.hc.Cgroup)), keyEnforce, "")
	}
	e.applyPrivateCgroupns(allowed["cgroupns"])
}

// applyPrivateCgroupns gives the container its own cgroup namespace when
// the caller names none: on cgroup v1 hosts the engine's default is the
// host's, which shows the container the host's cgroup tree and paths.
func (e *evaluation) applyPrivateCgroupns(hostAllowed bool) {
	if e.hc.CgroupnsMode != "" || hostAllowed {
		return
	}
	e.hc.CgroupnsMode = "private"
	e.change("HostConfig.CgroupnsMode", "private", "namespaces_allow_host", "default")
}

// judgeJoinedContainer judges a container whose namespace ns (pid, ipc,
// net) the request joins.
func (e *evaluation) judgeJoinedContainer(what Item, name, ns string) {
	c, ok := e.lookupContainer(what, name)
	if !ok {
		return
	}
	if c.Privileged && !e.p.Privileged {
		e.refuse(what, "privileged: false", "container "+name+" is privileged")
		return
	}
	if c.HostConfig != nil && joinedMode(c.HostConfig, ns) == "host" {
		e.judgeJoinedHost(what, name, ns)
	}
}

func (e *evaluation) judgeJoinedHost(what Item, name, ns string) {
	why := "container " + name + " shares the host's " + ns + " namespace"
	if ns == "net" {
		if !e.networkAllowed("host") {
			e.refuse(what, keyList("network.allow", e.p.Network.Allow), why)
		}
		return
	}
	if !stringSet(e.p.NamespacesAllowHost)[ns] {
		e.refuse(what, keyList("namespaces_allow_host", e.p.NamespacesAllowHost), why)
	}
}

func joinedMode(hc *container.HostConfig, ns string) string {
	switch ns {
	case "pid":
		return string(hc.PidMode)
	case "ipc":
		return string(hc.IpcMode)
	case "net":
		return string(hc.NetworkMode)
	}
	return ""
}

// lookupContainer asks the host facts for a container; a failed lookup
// refuses the item, as it cannot be judged.
func (e *evaluation) lookupContainer(what Item, name string) (ContainerFacts, bool) {
	if e.host.Container == nil {
		e.refuse(what, keyEnforce, "cannot be judged: no container lookup")
		return ContainerFacts{}, false
	}
	c, err := e.host.Container(name)
	if err != nil {
		e.refuse(what, keyEnforce, "cannot be judged: "+err.Error())
		return ContainerFacts{}, false
	}
	return c, true
}

func stringSet(list []string) map[string]bool {
	s := make(map[string]bool, len(list))
	for _, v := range list {
		s[v] = true
	}
	return s
}

// gpuDeviceNode stands for what --gpus exposes: the NVIDIA runtime hook
// adds /dev/nvidia* nodes, so devices_allow must permit those.
const gpuDeviceNode = "/dev/nvidia0"

// judgeDevices: --device host paths must match a devices_allow glob; --gpus
// needs a glob matching /dev/nvidia0; --device-cgroup-rule names no path
// (a rule like "a *:* rwm" opens every device), so it needs devices_allow
// to permit every device (/dev/** or /**).
func (e *evaluation) judgeDevices() {
	key := keyList("devices_allow", e.p.DevicesAllow)
	for _, d := range e.hc.Devices {
		if !matchAnyPath(e.p.DevicesAllow, d.PathOnHost) {
			e.refuse(item("HostConfig.Resources.Devices", deviceSpec(d)), key, "")
		}
	}
	every := slices.Contains(e.p.DevicesAllow, "/dev/**") || slices.Contains(e.p.DevicesAllow, "/**")
	for _, r := range e.hc.DeviceCgroupRules {
		if !every {
			e.refuse(item("HostConfig.Resources.DeviceCgroupRules", r), key, "a cgroup rule needs devices_allow to permit every device (/dev/**)")
		}
	}
	for _, r := range e.hc.DeviceRequests {
		if !matchAnyPath(e.p.DevicesAllow, gpuDeviceNode) {
			e.refuse(item("HostConfig.Resources.DeviceRequests", gpusSpec(r)), key, "")
		}
	}
}

func deviceSpec(d container.DeviceMapping) string {
	s := d.PathOnHost
	if d.PathInContainer != "" && d.PathInContainer != d.PathOnHost {
		s += ":" + d.PathInContainer
	}
	if d.CgroupPermissions != "" && d.CgroupPermissions != "rwm" {
		s += ":" + d.CgroupPermissions
	}
	return s
}

// judgeSysctls: every --sysctl name must match a sysctls_allow glob.
func (e *evaluation) judgeSysctls() {
	names := make([]string, 0, len(e.hc.Sysctls))
	for k := range e.hc.Sysctls {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !matchAnyGlob(e.p.SysctlsAllow, k) {
			e.refuse(item("HostConfig.Sysctls", k+"="+e.hc.Sysctls[k]), keyList("sysctls_allow", e.p.SysctlsAllow), "")
		}
	}
}

// judgeRuntime refuses runtimes other than runc (the one the profiles'
// seccomp and AppArmor assumptions hold for) and --cgroup-parent (a
// container could be placed outside the engine's limits).
func (e *evaluation) judgeRuntime() {
	switch e.hc.Runtime {
	case "", "runc", "io.containerd.runc.v2":
	default:
		e.refuse(item("HostConfig.Runtime", e.hc.Runtime), keyEnforce, "")
	}
	if e.hc.CgroupParent != "" {
		e.refuse(item("HostConfig.Resources.CgroupParent", e.hc.CgroupParent), keyEnforce, "")
	}
}
