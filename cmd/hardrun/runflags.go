package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/docker/cli/opts"
	"github.com/moby/moby/api/types/blkiodev"
	"github.com/spf13/pflag"

	"github.com/hardrun/hardrun/runopts"
)

// dockerFlagAnnotation marks the flags defined here, the docker ones, so
// that parseRunArgs records only those in RunOptions.Set.
const dockerFlagAnnotation = "hardrun/docker-flag"

// dockerFlagAnnotations is the one Annotations map every docker flag
// shares: marking ~100 flags with pflag's SetAnnotation made a map for
// each, on every container start. Nothing writes to it.
var dockerFlagAnnotations = map[string][]string{dockerFlagAnnotation: {"true"}}

// addRunFlags defines every `docker run` flag on fs, bound to o: the 95
// of `docker create` plus -d, --sig-proxy and --detach-keys.
func addRunFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	addCreateFlags(fs, o)
	defineBool(fs, &o.Detach, "detach", "d", false, "Run container in background and print container ID")
	defineBool(fs, &o.SigProxy, "sig-proxy", "", true, "Proxy received signals to the process")
	fs.StringVar(&o.DetachKeys, "detach-keys", "", "Override the key sequence for detaching a container")
	markDockerFlags(fs, "detach", "sig-proxy", "detach-keys")
}

// addCreateFlags defines every `docker create` flag on fs, bound to o,
// with docker's names, shorthands, types and defaults (o is reset to
// runopts.NewRunOptions, docker's defaults, first). docker's hidden
// spellings (--net, --net-alias, --dns-opt) and the flags docker refuses
// against this daemon (--annotation and --health-start-interval before
// API 1.43/1.44, the Windows-only ones) are defined hidden, so that they
// are refused with docker's message rather than as unknown.
func addCreateFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	*o = *runopts.NewRunOptions()
	before := map[string]bool{}
	sorted := fs.SortFlags
	fs.SortFlags = false // VisitAll in definition order: no sorted copy
	fs.VisitAll(func(f *pflag.Flag) { before[f.Name] = true })

	addCreateBehaviourFlags(fs, o)
	addIdentityFlags(fs, o)
	addSecurityFlags(fs, o)
	addNetworkFlags(fs, o)
	addStorageFlags(fs, o)
	addHealthFlags(fs, o)
	addResourceFlags(fs, o)
	addRuntimeFlags(fs, o)

	fs.VisitAll(func(f *pflag.Flag) {
		if !before[f.Name] {
			markDockerFlag(f)
		}
	})
	fs.SortFlags = sorted
	for _, name := range []string{"net", "net-alias", "dns-opt", "annotation", "health-start-interval",
		"cpu-count", "cpu-percent", "io-maxbandwidth", "io-maxiops"} {
		_ = fs.MarkHidden(name)
	}
}

// contentTrustEnabled is docker's reading of $DOCKER_CONTENT_TRUST: set
// and true, or set and not a boolean.
func contentTrustEnabled() bool {
	e := os.Getenv("DOCKER_CONTENT_TRUST")
	if e == "" {
		return false
	}
	t, err := strconv.ParseBool(e)
	return t || err != nil
}

func markDockerFlags(fs *pflag.FlagSet, names ...string) {
	for _, n := range names {
		if f := fs.Lookup(n); f != nil {
			markDockerFlag(f)
		}
	}
}

// markDockerFlag marks f as docker's. The docker flags carry no other
// annotation; one that did would keep it, in a map of its own.
func markDockerFlag(f *pflag.Flag) {
	if len(f.Annotations) == 0 {
		f.Annotations = dockerFlagAnnotations
		return
	}
	f.Annotations[dockerFlagAnnotation] = []string{"true"}
}

// addCreateBehaviourFlags: how docker drives the create call.
func addCreateBehaviourFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	fs.StringVar(&o.Name, "name", "", "Assign a name to the container")
	fs.StringVar(&o.Pull, "pull", runopts.PullMissing, `Pull image before running ("always", "missing", "never")`)
	defineBool(fs, &o.Quiet, "quiet", "q", false, "Suppress the pull output")
	defineBool(fs, &o.UseAPISocket, "use-api-socket", "", false, "Bind mount Docker API socket and required auth")
	// An explicit --help without -h, which is --hostname.
	defineBool(fs, &o.Help, "help", "", false, "Print usage")
	fs.StringVar(&o.Platform, "platform", os.Getenv("DOCKER_DEFAULT_PLATFORM"), "Set platform if server is multi-platform capable")
	defineBool(fs, &o.DisableContentTrust, "disable-content-trust", "", !contentTrustEnabled(), "Skip image verification")
	fs.StringVar(&o.CIDFile, "cidfile", "", "Write the container ID to the file")
}

// addIdentityFlags: the process, its environment and its streams.
func addIdentityFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	fs.VarP(&listValue{values: &o.Attach, validate: validateAttach}, "attach", "a", "Attach to STDIN, STDOUT or STDERR")
	fs.VarP(&listValue{values: &o.Env, validate: validateEnvName}, "env", "e", "Set environment variables")
	fs.Var(&listValue{values: &o.EnvFile}, "env-file", "Read in a file of environment variables")
	fs.StringVar(&o.Entrypoint, "entrypoint", "", "Overwrite the default ENTRYPOINT of the image")
	fs.Var(&listValue{values: &o.GroupAdd}, "group-add", "Add additional groups to join")
	fs.StringVarP(&o.Hostname, "hostname", "h", "", "Container host name")
	fs.StringVar(&o.Domainname, "domainname", "", "Container NIS domain name")
	defineBool(fs, &o.Interactive, "interactive", "i", false, "Keep STDIN open even if not attached")
	fs.VarP(&listValue{values: &o.Labels, validate: opts.ValidateLabel}, "label", "l", "Set meta data on a container")
	fs.Var(&listValue{values: &o.LabelFile}, "label-file", "Read in a line delimited file of labels")
	defineBool(fs, &o.ReadOnly, "read-only", "", false, "Mount the container's root filesystem as read only")
	fs.StringVar(&o.Restart, "restart", "no", "Restart policy to apply when a container exits")
	fs.StringVar(&o.StopSignal, "stop-signal", "", "Signal to stop the container")
	fs.Var(intFlag{&o.StopTimeout}, "stop-timeout", "Timeout (in seconds) to stop a container")
	fs.Var(&mapValue{values: &o.Sysctls, validate: opts.ValidateSysctl}, "sysctl", "Sysctl options")
	defineBool(fs, &o.TTY, "tty", "t", false, "Allocate a pseudo-TTY")
	fs.Var(&ulimitValue{values: &o.Ulimits, opt: opts.NewUlimitOpt(nil)}, "ulimit", "Ulimit options")
	fs.StringVarP(&o.User, "user", "u", "", "Username or UID (format: <name|uid>[:<group|gid>])")
	fs.StringVarP(&o.Workdir, "workdir", "w", "", "Working directory inside the container")
	defineBool(fs, &o.Rm, "rm", "", false, "Automatically remove the container and its associated anonymous volumes when it exits")
	fs.Var(&mapValue{values: &o.Annotations}, "annotation", "Add an annotation to the container (passed through to the OCI runtime)")
}

// addSecurityFlags: privileges, capabilities, namespaces, devices.
func addSecurityFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	fs.Var(&listValue{values: &o.CapAdd}, "cap-add", "Add Linux capabilities")
	fs.Var(&listValue{values: &o.CapDrop}, "cap-drop", "Drop Linux capabilities")
	defineBool(fs, &o.Privileged, "privileged", "", false, "Give extended privileges to this container")
	fs.Var(&listValue{values: &o.SecurityOpt}, "security-opt", "Security Options")
	fs.StringVar(&o.Userns, "userns", "", "User namespace to use")
	fs.StringVar(&o.Cgroupns, "cgroupns", "", `Cgroup namespace to use (host|private)
'host':    Run the container in the Docker host's cgroup namespace
'private': Run the container in its own private cgroup namespace
'':        Use the cgroup namespace as configured by the
           default-cgroupns-mode option on the daemon (default)`)
	fs.Var(&listValue{values: &o.DeviceCgroupRules, validate: validateDeviceCgroupRule}, "device-cgroup-rule", "Add a rule to the cgroup allowed devices list")
	fs.Var(&listValue{values: &o.Devices}, "device", "Add a host device to the container")
	fs.Var(&gpusValue{values: &o.GPUs}, "gpus", "GPU devices to add to the container ('all' to pass all GPUs)")
}

// addNetworkFlags: networks, addresses, DNS, ports.
func addNetworkFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	fs.Var(&listValue{values: &o.AddHosts, validate: opts.ValidateExtraHost}, "add-host", "Add a custom host-to-IP mapping (host:ip)")
	fs.Var(&listValue{values: &o.DNS, validate: opts.ValidateIPAddress}, "dns", "Set custom DNS servers")
	dnsOptions := &listValue{values: &o.DNSOptions}
	fs.Var(dnsOptions, "dns-option", "Set DNS options")
	fs.Var(dnsOptions, "dns-opt", "Set DNS options")
	fs.Var(&listValue{values: &o.DNSSearch, validate: opts.ValidateDNSSearch}, "dns-search", "Set custom DNS search domains")
	fs.Var(&listValue{values: &o.Expose}, "expose", "Expose a port or a range of ports")
	fs.StringVar(&o.IP, "ip", "", "IPv4 address (e.g., 172.30.100.104)")
	fs.StringVar(&o.IP6, "ip6", "", "IPv6 address (e.g., 2001:db8::33)")
	fs.Var(&listValue{values: &o.Links, validate: opts.ValidateLink}, "link", "Add link to another container")
	fs.Var(&listValue{values: &o.LinkLocalIPs}, "link-local-ip", "Container IPv4/IPv6 link-local addresses")
	fs.StringVar(&o.MacAddress, "mac-address", "", "Container MAC address (e.g., 92:d0:c6:0a:29:33)")
	fs.VarP(&listValue{values: &o.Publish}, "publish", "p", "Publish a container's port(s) to the host")
	defineBool(fs, &o.PublishAll, "publish-all", "P", false, "Publish all exposed ports to random ports")
	networks := &networkValue{values: &o.Networks}
	fs.Var(networks, "network", "Connect a container to a network")
	fs.Var(networks, "net", "Connect a container to a network")
	aliases := &listValue{values: &o.NetworkAliases}
	fs.Var(aliases, "network-alias", "Add network-scoped alias for the container")
	fs.Var(aliases, "net-alias", "Add network-scoped alias for the container")
}

// addStorageFlags: logging, volumes, mounts.
func addStorageFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	fs.StringVar(&o.LogDriver, "log-driver", "", "Logging driver for the container")
	fs.StringVar(&o.VolumeDriver, "volume-driver", "", "Optional volume driver for the container")
	fs.Var(&listValue{values: &o.LogOpts}, "log-opt", "Log driver options")
	fs.Var(&listValue{values: &o.StorageOpt}, "storage-opt", "Storage driver options for the container")
	fs.Var(&listValue{values: &o.Tmpfs}, "tmpfs", "Mount a tmpfs directory")
	fs.Var(&listValue{values: &o.VolumesFrom}, "volumes-from", "Mount volumes from the specified container(s)")
	fs.VarP(&listValue{values: &o.Volumes}, "volume", "v", "Bind mount a volume")
	fs.Var(&mountValue{values: &o.Mounts, rw: &o.RWMounts}, "mount", "Attach a filesystem mount to the container")
}

// addHealthFlags: the healthcheck.
func addHealthFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	fs.StringVar(&o.HealthCmd, "health-cmd", "", "Command to run to check health")
	fs.Var(durationFlag{&o.HealthInterval}, "health-interval", "Time between running the check (ms|s|m|h) (default 0s)")
	fs.Var(intFlag{&o.HealthRetries}, "health-retries", "Consecutive failures needed to report unhealthy")
	fs.Var(durationFlag{&o.HealthTimeout}, "health-timeout", "Maximum time to allow one check to run (ms|s|m|h) (default 0s)")
	fs.Var(durationFlag{&o.HealthStartPeriod}, "health-start-period", "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)")
	fs.Var(durationFlag{&o.HealthStartInterval}, "health-start-interval", "Time between running the check during the start period (ms|s|m|h) (default 0s)")
	defineBool(fs, &o.NoHealthcheck, "no-healthcheck", "", false, "Disable any container-specified HEALTHCHECK")
}

// addResourceFlags: CPU, memory, block I/O, pids.
func addResourceFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	fs.Var(uint16Flag{&o.BlkioWeight}, "blkio-weight", "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)")
	fs.Var(&parsedList[*blkiodev.WeightDevice]{values: &o.BlkioWeightDevice, parse: opts.ValidateWeightDevice}, "blkio-weight-device", "Block IO weight (relative device weight)")
	fs.StringVar(&o.CpusetCpus, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	fs.StringVar(&o.CpusetMems, "cpuset-mems", "", "MEMs in which to allow execution (0-3, 0,1)")
	fs.Var(int64Flag{&o.CPUCount}, "cpu-count", "CPU count (Windows only)")
	fs.Var(int64Flag{&o.CPUPercent}, "cpu-percent", "CPU percent (Windows only)")
	fs.Var(int64Flag{&o.CPUPeriod}, "cpu-period", "Limit CPU CFS (Completely Fair Scheduler) period")
	fs.Var(int64Flag{&o.CPUQuota}, "cpu-quota", "Limit CPU CFS (Completely Fair Scheduler) quota")
	fs.Var(int64Flag{&o.CPURtPeriod}, "cpu-rt-period", "Limit CPU real-time period in microseconds")
	fs.Var(int64Flag{&o.CPURtRuntime}, "cpu-rt-runtime", "Limit CPU real-time runtime in microseconds")
	fs.VarP(int64Flag{&o.CPUShares}, "cpu-shares", "c", "CPU shares (relative weight)")
	fs.Var((*opts.NanoCPUs)(&o.NanoCPUs), "cpus", "Number of CPUs")
	addThrottleFlags(fs, o)
	fs.Var((*opts.MemBytes)(&o.IOMaxBandwidth), "io-maxbandwidth", "Maximum IO bandwidth limit for the system drive (Windows only)")
	fs.Var(uint64Flag{&o.IOMaxIOps}, "io-maxiops", "Maximum IOps limit for the system drive (Windows only)")
	fs.Var((*opts.MemBytes)(&o.KernelMemory), "kernel-memory", "Kernel memory limit")
	fs.VarP((*opts.MemBytes)(&o.Memory), "memory", "m", "Memory limit")
	fs.Var((*opts.MemBytes)(&o.MemoryReservation), "memory-reservation", "Memory soft limit")
	fs.Var((*opts.MemSwapBytes)(&o.MemorySwap), "memory-swap", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
	o.MemorySwappiness = -1
	fs.Var(int64Flag{&o.MemorySwappiness}, "memory-swappiness", "Tune container memory swappiness (0 to 100)")
	defineBool(fs, &o.OomKillDisable, "oom-kill-disable", "", false, "Disable OOM Killer")
	fs.Var(intFlag{&o.OomScoreAdj}, "oom-score-adj", "Tune host's OOM preferences (-1000 to 1000)")
	fs.Var(int64Flag{&o.PidsLimit}, "pids-limit", "Tune container pids limit (set -1 for unlimited)")
}

func addThrottleFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	throttle := func(values *[]*blkiodev.ThrottleDevice, parse func(string) (*blkiodev.ThrottleDevice, error)) pflag.Value {
		return &parsedList[*blkiodev.ThrottleDevice]{values: values, parse: parse}
	}
	fs.Var(throttle(&o.DeviceReadBps, opts.ValidateThrottleBpsDevice), "device-read-bps", "Limit read rate (bytes per second) from a device")
	fs.Var(throttle(&o.DeviceReadIOps, opts.ValidateThrottleIOpsDevice), "device-read-iops", "Limit read rate (IO per second) from a device")
	fs.Var(throttle(&o.DeviceWriteBps, opts.ValidateThrottleBpsDevice), "device-write-bps", "Limit write rate (bytes per second) to a device")
	fs.Var(throttle(&o.DeviceWriteIOps, opts.ValidateThrottleIOpsDevice), "device-write-iops", "Limit write rate (IO per second) to a device")
}

// addRuntimeFlags: cgroups, namespaces, runtime.
func addRuntimeFlags(fs *pflag.FlagSet, o *runopts.RunOptions) {
	fs.StringVar(&o.CgroupParent, "cgroup-parent", "", "Optional parent cgroup for the container")
	fs.StringVar(&o.IPC, "ipc", "", "IPC mode to use")
	fs.StringVar(&o.Isolation, "isolation", "", "Container isolation technology")
	fs.StringVar(&o.Pid, "pid", "", "PID namespace to use")
	fs.Var((*opts.MemBytes)(&o.ShmSize), "shm-size", "Size of /dev/shm")
	fs.StringVar(&o.UTS, "uts", "", "UTS namespace to use")
	fs.StringVar(&o.Runtime, "runtime", "", "Runtime to use for this container")
	defineBool(fs, &o.Init, "init", "", false, "Run an init inside the container that forwards signals and reaps processes")
}

// hiddenAliases maps docker's hidden flag spellings to the documented name
// RunOptions.Set records.
var hiddenAliases = map[string]string{"net": "network", "net-alias": "network-alias", "dns-opt": "dns-option"}

// parseRunArgs parses a docker run/create argument list into o, as docker
// does: flags stop at IMAGE (or after "--"), the rest is the command.
// It fills o.Image, o.Cmd and o.Set (the docker flags given, by long
// name). With --help it returns nil and sets o.Help, IMAGE or not; no
// IMAGE is otherwise an error naming fs.
func parseRunArgs(fs *pflag.FlagSet, o *runopts.RunOptions, args []string) error {
	fs.SetInterspersed(false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Set = map[string]bool{}
	fs.Visit(func(f *pflag.Flag) {
		if _, ok := f.Annotations[dockerFlagAnnotation]; !ok {
			return
		}
		name := f.Name
		if alias, ok := hiddenAliases[name]; ok {
			name = alias
		}
		o.Set[name] = true
	})
	if o.Help {
		return nil // the caller prints the usage; no IMAGE is needed
	}
	rest := fs.Args()
	if len(rest) == 0 {
		// docker exits 1 here, not 125 (a usage error, not a bad flag).
		return &exitError{code: 1, err: fmt.Errorf("%q requires at least 1 argument", fs.Name())}
	}
	o.Image = rest[0]
	o.Cmd = nil
	if len(rest) > 1 {
		o.Cmd = rest[1:]
	}
	return nil
}
