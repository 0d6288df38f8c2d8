package policy

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
)

// dockerArgs renders a create request as `docker run` arguments (unquoted),
// the reverse of the flag translation: IMAGE and the command come last.
// Inline seccomp JSON is named by seccompFile, as docker's CLI reads the
// profile from a file.
func dockerArgs(r *Request, seccompFile string) []string {
	a := &argList{}
	cfg, hc := r.Config, r.HostConfig
	if cfg == nil {
		cfg = &container.Config{}
	}
	if hc == nil {
		hc = &container.HostConfig{}
	}
	a.str("Name", r.Name)
	a.str("Platform", platformSpec(*r))
	configArgs(a, cfg)
	hostArgs(a, hc, seccompFile)
	resourceArgs(a, &hc.Resources)
	networkArgs(a, hc, r.NetworkingConfig)
	commandArgs(a, cfg)
	return a.args
}

// argList accumulates arguments, spelling flags with flagNames.
type argList struct{ args []string }

func (a *argList) add(field Field, values ...string) {
	for _, v := range values {
		a.args = append(a.args, flagFor(field), v)
	}
}

func (a *argList) str(field Field, v string) {
	if v != "" {
		a.add(field, v)
	}
}

func (a *argList) boolean(field Field, v bool) {
	if v {
		a.args = append(a.args, flagFor(field))
	}
}

func (a *argList) int(field Field, v int64) {
	if v != 0 {
		a.add(field, strconv.FormatInt(v, 10))
	}
}

// keyValues adds field KEY=VALUE for each entry, in key order.
func (a *argList) keyValues(field Field, m map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		a.add(field, k+"="+m[k])
	}
}

func platformSpec(r Request) string {
	p := r.Platform
	if p == nil || p.OS == "" {
		return ""
	}
	s := p.OS
	if p.Architecture != "" {
		s += "/" + p.Architecture
		if p.Variant != "" {
			s += "/" + p.Variant
		}
	}
	return s
}

func configArgs(a *argList, cfg *container.Config) {
	a.str("Config.Hostname", cfg.Hostname)
	a.str("Config.Domainname", cfg.Domainname)
	a.str("Config.User", cfg.User)
	attachArgs(a, cfg)
	a.boolean("Config.Tty", cfg.Tty)
	for _, p := range sortedPorts(cfg.ExposedPorts) {
		a.add("Config.ExposedPorts", p.String())
	}
	a.add("Config.Env", cfg.Env...)
	healthArgs(a, cfg.Healthcheck)
	for _, v := range slices.Sorted(maps.Keys(cfg.Volumes)) {
		a.add("Config.Volumes", v)
	}
	a.str("Config.WorkingDir", cfg.WorkingDir)
	if cfg.Entrypoint != nil {
		ep := ""
		if len(cfg.Entrypoint) > 0 {
			ep = cfg.Entrypoint[0]
		}
		a.add("Config.Entrypoint", ep)
	}
	a.keyValues("Config.Labels", cfg.Labels)
	a.str("Config.StopSignal", cfg.StopSignal)
	if cfg.StopTimeout != nil {
		a.add("Config.StopTimeout", strconv.Itoa(*cfg.StopTimeout))
	}
}

// attachArgs: docker run attaches stdout and stderr unless -d; -i opens
// and attaches stdin; -a narrows the attached streams.
func attachArgs(a *argList, cfg *container.Config) {
	switch {
	case !cfg.AttachStdin && !cfg.AttachStdout && !cfg.AttachStderr:
		a.args = append(a.args, "-d")
		a.boolean("Config.OpenStdin", cfg.OpenStdin)
		return
	case cfg.AttachStdout && cfg.AttachStderr && cfg.AttachStdin == cfg.OpenStdin:
	default:
		for _, s := range []struct {
			name string
			on   bool
		}{{"stdin", cfg.AttachStdin}, {"stdout", cfg.AttachStdout}, {"stderr", cfg.AttachStderr}} {
			if s.on {
				a.add("Config.AttachStdin", s.name)
			}
		}
	}
	a.boolean("Config.OpenStdin", cfg.OpenStdin)
}

func healthArgs(a *argList, h *container.HealthConfig) {
	if h == nil {
		return
	}
	switch {
	case len(h.Test) == 1 && h.Test[0] == "NONE":
		a.args = append(a.args, "--no-healthcheck")
		return
	case len(h.Test) == 2 && h.Test[0] == "CMD-SHELL":
		a.add("Config.Healthcheck", h.Test[1])
	case len(h.Test) > 1 && h.Test[0] == "CMD":
		a.add("Config.Healthcheck", shellJoin(h.Test[1:]))
	}
	durations := []struct {
		flag string
		d    time.Duration
	}{
		{"--health-interval", h.Interval}, {"--health-timeout", h.Timeout},
		{"--health-start-period", h.StartPeriod}, {"--health-start-interval", h.StartInterval},
	}
	for _, d := range durations {
		if d.d != 0 {
			a.args = append(a.args, d.flag, d.d.String())
		}
	}
	if h.Retries != 0 {
		a.args = append(a.args, "--health-retries", strconv.Itoa(h.Retries))
	}
}

func shellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = shellWord(w)
	}
	return strings.Join(q, " ")
}

func hostArgs(a *argList, hc *container.HostConfig, seccompFile string) {
	filesystemArgs(a, hc)
	a.str("HostConfig.ContainerIDFile", hc.ContainerIDFile)
	a.str("HostConfig.LogConfig.Type", hc.LogConfig.Type)
	a.keyValues("HostConfig.LogConfig.Config", hc.LogConfig.Config)
	if !hc.RestartPolicy.IsNone() {
		a.add("HostConfig.RestartPolicy", restartSpec(hc.RestartPolicy))
	}
	a.boolean("HostConfig.AutoRemove", hc.AutoRemove)
	a.keyValues("HostConfig.Annotations", hc.Annotations)
	a.boolean("HostConfig.Privileged", hc.Privileged)
	a.add("HostConfig.CapDrop", hc.CapDrop...)
	a.add("HostConfig.CapAdd", hc.CapAdd...)
	for _, o := range hc.SecurityOpt {
		a.add("HostConfig.SecurityOpt", securityOptArg(o, seccompFile))
	}
	a.add("HostConfig.GroupAdd", hc.GroupAdd...)
	namespaceArgs(a, hc)
	a.keyValues("HostConfig.Sysctls", hc.Sysctls)
	a.keyValues("HostConfig.StorageOpt", hc.StorageOpt)
	a.str("HostConfig.Runtime", hc.Runtime)
	a.str("HostConfig.Isolation", string(hc.Isolation))
	if hc.ShmSize != 0 {
		a.add("HostConfig.ShmSize", FormatSize(hc.ShmSize))
	}
	if hc.OomScoreAdj != 0 {
		a.add("HostConfig.OomScoreAdj", strconv.Itoa(hc.OomScoreAdj))
	}
	if hc.Init != nil {
		a.args = append(a.args, flagFor("HostConfig.Init")+"="+strconv.FormatBool(*hc.Init))
	}
}

func filesystemArgs(a *argList, hc *container.HostConfig) {
	a.add("HostConfig.Binds", hc.Binds...)
	for _, m := range hc.Mounts {
		a.add("HostConfig.Mounts", mountSpec(m))
	}
	for _, dst := range slices.Sorted(maps.Keys(hc.Tmpfs)) {
		v := dst
		if o := hc.Tmpfs[dst]; o != "" {
			v += ":" + o
		}
		a.add("HostConfig.Tmpfs", v)
	}
	a.add("HostConfig.VolumesFrom", hc.VolumesFrom...)
	a.str("HostConfig.VolumeDriver", hc.VolumeDriver)
	a.boolean("HostConfig.ReadonlyRootfs", hc.ReadonlyRootfs)
}

// securityOptArg names the file for an inline seccomp profile.
func securityOptArg(opt, seccompFile string) string {
	if so := ParseSecurityOpt(opt); so.IsInlineJSON() {
		return "seccomp=" + seccompFile
	}
	return opt
}

func namespaceArgs(a *argList, hc *container.HostConfig) {
	a.str("HostConfig.PidMode", string(hc.PidMode))
	a.str("HostConfig.IpcMode", string(hc.IpcMode))
	a.str("HostConfig.UTSMode", string(hc.UTSMode))
	a.str("HostConfig.UsernsMode", string(hc.UsernsMode))
	a.str("HostConfig.CgroupnsMode", string(hc.CgroupnsMode))
}

func resourceArgs(a *argList, r *container.Resources) {
	memoryArgs(a, r)
	cpuArgs(a, r)
	blkioArgs(a, r)
	if r.PidsLimit != nil {
		a.add("HostConfig.Resources.PidsLimit", strconv.FormatInt(*r.PidsLimit, 10))
	}
	for _, u := range r.Ulimits {
		if u != nil {
			a.add("HostConfig.Resources.Ulimits", fmt.Sprintf("%s=%d:%d", u.Name, u.Soft, u.Hard))
		}
	}
	a.str("HostConfig.Resources.CgroupParent", r.CgroupParent)
	for _, d := range r.Devices {
		a.add("HostConfig.Resources.Devices", deviceSpec(d))
	}
	a.add("HostConfig.Resources.DeviceCgroupRules", r.DeviceCgroupRules...)
	for _, d := range r.DeviceRequests {
		a.add("HostConfig.Resources.DeviceRequests", gpusSpec(d))
	}
}

func memoryArgs(a *argList, r *container.Resources) {
	if r.Memory != 0 {
		a.add("HostConfig.Resources.Memory", FormatSize(r.Memory))
	}
	switch {
	case r.MemorySwap == -1:
		a.add("HostConfig.Resources.MemorySwap", "-1")
	case r.MemorySwap != 0:
		a.add("HostConfig.Resources.MemorySwap", FormatSize(r.MemorySwap))
	}
	if r.MemoryReservation != 0 {
		a.add("HostConfig.Resources.MemoryReservation", FormatSize(r.MemoryReservation))
	}
	if r.MemorySwappiness != nil {
		a.add("HostConfig.Resources.MemorySwappiness", strconv.FormatInt(*r.MemorySwappiness, 10))
	}
	if r.OomKillDisable != nil {
		a.args = append(a.args, flagFor("HostConfig.Resources.OomKillDisable")+"="+strconv.FormatBool(*r.OomKillDisable))
	}
}

func cpuArgs(a *argList, r *container.Resources) {
	if r.NanoCPUs != 0 {
		a.add("HostConfig.Resources.NanoCPUs", formatCPUs(r.NanoCPUs))
	}
	a.int("HostConfig.Resources.CPUShares", r.CPUShares)
	a.int("HostConfig.Resources.CPUPeriod", r.CPUPeriod)
	a.int("HostConfig.Resources.CPUQuota", r.CPUQuota)
	a.str("HostConfig.Resources.CpusetCpus", r.CpusetCpus)
	a.str("HostConfig.Resources.CpusetMems", r.CpusetMems)
}

func blkioArgs(a *argList, r *container.Resources) {
	a.int("HostConfig.Resources.BlkioWeight", int64(r.BlkioWeight))
	for _, w := range r.BlkioWeightDevice {
		a.args = append(a.args, "--blkio-weight-device", fmt.Sprintf("%s:%d", w.Path, w.Weight))
	}
	throttles := []struct {
		flag string
		list []*blkiodev.ThrottleDevice
	}{
		{"--device-read-bps", r.BlkioDeviceReadBps}, {"--device-write-bps", r.BlkioDeviceWriteBps},
		{"--device-read-iops", r.BlkioDeviceReadIOps}, {"--device-write-iops", r.BlkioDeviceWriteIOps},
	}
	for _, t := range throttles {
		for _, d := range t.list {
			a.args = append(a.args, t.flag, fmt.Sprintf("%s:%d", d.Path, d.Rate))
		}
	}
}

func networkArgs(a *argList, hc *container.HostConfig, nc *network.NetworkingConfig) {
	mode := string(hc.NetworkMode)
	if mode != "" && mode != network.NetworkDefault {
		a.add("HostConfig.NetworkMode", mode)
	}
	var eps map[string]*network.EndpointSettings
	if nc != nil {
		eps = nc.EndpointsConfig
	}
	if ep := eps[mode]; mode != "" {
		endpointArgs(a, ep)
	}
	if ep, ok := eps[network.NetworkDefault]; ok && mode != network.NetworkDefault {
		endpointArgs(a, ep)
	}
	for _, name := range sortedKeys(eps) {
		if name != mode && name != network.NetworkDefault {
			a.add("NetworkingConfig.EndpointsConfig", extraNetworkSpec(name, eps[name]))
		}
	}
	for _, p := range sortedPorts(hc.PortBindings) {
		for _, b := range hc.PortBindings[p] {
			a.add("HostConfig.PortBindings", portSpec(p, b))
		}
	}
	a.boolean("HostConfig.PublishAllPorts", hc.PublishAllPorts)
	for _, d := range hc.DNS {
		a.add("HostConfig.DNS", d.String())
	}
	a.add("HostConfig.DNSOptions", hc.DNSOptions...)
	a.add("HostConfig.DNSSearch", hc.DNSSearch...)
	a.add("HostConfig.ExtraHosts", hc.ExtraHosts...)
	a.add("HostConfig.Links", hc.Links...)
}

// endpointArgs renders the primary network's endpoint settings as the
// container-wide flags.
func endpointArgs(a *argList, ep *network.EndpointSettings) {
	if ep == nil {
		return
	}
	if ipam := ep.IPAMConfig; ipam != nil {
		if ipam.IPv4Address.IsValid() {
			a.args = append(a.args, "--ip", ipam.IPv4Address.String())
		}
		if ipam.IPv6Address.IsValid() {
			a.args = append(a.args, "--ip6", ipam.IPv6Address.String())
		}
		for _, ip := range ipam.LinkLocalIPs {
			a.args = append(a.args, "--link-local-ip", ip.String())
		}
	}
	for _, al := range ep.Aliases {
		a.args = append(a.args, "--network-alias", al)
	}
	if len(ep.MacAddress) > 0 {
		a.args = append(a.args, "--mac-address", ep.MacAddress.String())
	}
	for _, l := range ep.Links {
		a.args = append(a.args, "--link", l)
	}
}

// extraNetworkSpec renders another network in --network's advanced syntax.
func extraNetworkSpec(name string, ep *network.EndpointSettings) string {
	f := []string{"name=" + name}
	if ep != nil {
		for _, al := range ep.Aliases {
			f = append(f, "alias="+al)
		}
		if ipam := ep.IPAMConfig; ipam != nil {
			if ipam.IPv4Address.IsValid() {
				f = append(f, "ip="+ipam.IPv4Address.String())
			}
			if ipam.IPv6Address.IsValid() {
				f = append(f, "ip6="+ipam.IPv6Address.String())
			}
		}
		if len(ep.MacAddress) > 0 {
			f = append(f, "mac-address="+ep.MacAddress.String())
		}
		for _, k := range sortedKeys(ep.DriverOpts) {
			f = append(f, "driver-opt="+k+"="+ep.DriverOpts[k])
		}
	}
	if len(f) == 1 {
		return name
	}
	return csvJoin(f)
}

// commandArgs ends the line: IMAGE, then the command. An entrypoint of
// several words keeps its first as --entrypoint; the rest lead the command.
func commandArgs(a *argList, cfg *container.Config) {
	a.args = append(a.args, cfg.Image)
	if len(cfg.Entrypoint) > 1 {
		a.args = append(a.args, cfg.Entrypoint[1:]...)
	}
	a.args = append(a.args, cfg.Cmd...)
}

// mountSpec renders a mount as --mount takes it (CSV: a field holding a
// comma or a quote is quoted).
func mountSpec(m mount.Mount) string {
	f := []string{"type=" + string(m.Type)}
	if m.Source != "" {
		f = append(f, "source="+m.Source)
	}
	f = append(f, "target="+m.Target)
	if m.ReadOnly {
		f = append(f, "readonly")
	}
	if m.Consistency != "" {
		f = append(f, "consistency="+string(m.Consistency))
	}
	f = append(f, bindFields(m.BindOptions)...)
	f = append(f, volumeFields(m.VolumeOptions)...)
	f = append(f, tmpfsFields(m.TmpfsOptions)...)
	if m.ImageOptions != nil && m.ImageOptions.Subpath != "" {
		f = append(f, "image-subpath="+m.ImageOptions.Subpath)
	}
	return csvJoin(f)
}

func bindFields(b *mount.BindOptions) []string {
	if b == nil {
		return nil
	}
	var f []string
	if b.Propagation != "" {
		f = append(f, "bind-propagation="+string(b.Propagation))
	}
	switch {
	case b.NonRecursive:
		f = append(f, "bind-recursive=disabled")
	case b.ReadOnlyNonRecursive:
		f = append(f, "bind-recursive=writable")
	case b.ReadOnlyForceRecursive:
		f = append(f, "bind-recursive=readonly")
	}
	if b.CreateMountpoint {
		f = append(f, "bind-create-mountpoint")
	}
	return f
}

func volumeFields(v *mount.VolumeOptions) []string {
	if v == nil {
		return nil
	}
	var f []string
	if v.NoCopy {
		f = append(f, "volume-nocopy")
	}
	if v.Subpath != "" {
		f = append(f, "volume-subpath="+v.Subpath)
	}
	for _, k := range sortedKeys(v.Labels) {
		f = append(f, "volume-label="+k+"="+v.Labels[k])
	}
	if d := v.DriverConfig; d != nil {
		if d.Name != "" {
			f = append(f, "volume-driver="+d.Name)
		}
		for _, k := range sortedKeys(d.Options) {
			f = append(f, "volume-opt="+k+"="+d.Options[k])
		}
	}
	return f
}

func tmpfsFields(t *mount.TmpfsOptions) []string {
	if t == nil {
		return nil
	}
	var f []string
	if t.SizeBytes != 0 {
		f = append(f, "tmpfs-size="+strconv.FormatInt(t.SizeBytes, 10))
	}
	if t.Mode != 0 {
		f = append(f, "tmpfs-mode="+strconv.FormatUint(uint64(t.Mode.Perm()), 8))
	}
	return f
}

// gpusSpec renders a device request as --gpus takes it.
func gpusSpec(d container.DeviceRequest) string {
	var f []string
	switch {
	case d.Count == -1:
		f = append(f, "count=all")
	case d.Count > 0:
		f = append(f, "count="+strconv.Itoa(d.Count))
	}
	if len(d.DeviceIDs) > 0 {
		f = append(f, "device="+strings.Join(d.DeviceIDs, ","))
	}
	if d.Driver != "" {
		f = append(f, "driver="+d.Driver)
	}
	if caps := d.Capabilities; len(caps) == 1 && !slices.Equal(caps[0], []string{"gpu"}) {
		f = append(f, "capabilities="+strings.Join(caps[0], ","))
	}
	if len(f) == 1 && f[0] == "count=all" {
		return "all"
	}
	return csvJoin(f)
}

// csvJoin joins fields as one CSV record, docker's --mount syntax.
func csvJoin(fields []string) string {
	q := make([]string, len(fields))
	for i, f := range fields {
		if strings.ContainsAny(f, ",\"") {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		q[i] = f
	}
	return strings.Join(q, ",")
}
