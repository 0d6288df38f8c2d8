package runopts

import (
	"time"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// Pull policies, as docker's --pull takes them.
const (
	PullMissing = "missing"
	PullAlways  = "always"
	PullNever   = "never"
)

// RunOptions holds every `docker run` / `docker create` flag's value as
// docker 28 parses it, before docker's client-side processing (that is
// Request's job). Values that docker validates while it reads the flag
// (memory sizes, --mount, --gpus, --ulimit, --network, ...) are held
// parsed; values that docker only interprets when it builds the request
// (--publish, --device, --volume, --env, ...) are held as given.
//
// The zero value is not docker's default: NewRunOptions is.
type RunOptions struct {
	// What to run: the positional arguments.
	Image string   // IMAGE
	Cmd   []string // [COMMAND] [ARG...]; nil when none

	// Run behaviour: how docker drives the create call, not part of it.
	Name                string // --name
	Detach              bool   // -d, --detach (run only)
	DetachKeys          string // --detach-keys (run only)
	SigProxy            bool   // --sig-proxy (run only; default true)
	Pull                string // --pull: always | missing | never (default missing)
	Quiet               bool   // -q, --quiet
	Platform            string // --platform as given
	CIDFile             string // --cidfile (also HostConfig.ContainerIDFile)
	DisableContentTrust bool   // --disable-content-trust (default true)
	UseAPISocket        bool   // --use-api-socket
	Help                bool   // --help

	// Standard streams.
	Attach      []string // -a, --attach, lower-cased stdin|stdout|stderr
	Interactive bool     // -i, --interactive
	TTY         bool     // -t, --tty

	// Identity and process.
	User                string            // -u, --user
	Workdir             string            // -w, --workdir
	Hostname            string            // -h, --hostname
	Domainname          string            // --domainname
	Entrypoint          string            // --entrypoint; "" given explicitly clears it (see Set)
	Env                 []string          // -e, --env: KEY=VALUE, or KEY to take from the environment
	EnvFile             []string          // --env-file paths
	Labels              []string          // -l, --label: KEY[=VALUE]
	LabelFile           []string          // --label-file paths
	GroupAdd            []string          // --group-add
	Rm                  bool              // --rm
	Init                bool              // --init (only sent when given, see Set)
	Restart             string            // --restart (default "no")
	StopSignal          string            // --stop-signal
	StopTimeout         int               // --stop-timeout (only sent when given, see Set)
	HealthCmd           string            // --health-cmd
	HealthInterval      time.Duration     // --health-interval
	HealthTimeout       time.Duration     // --health-timeout
	HealthStartPeriod   time.Duration     // --health-start-period
	HealthStartInterval time.Duration     // --health-start-interval (API >= 1.44)
	HealthRetries       int               // --health-retries
	NoHealthcheck       bool              // --no-healthcheck
	Annotations         map[string]string // --annotation (API >= 1.43)

	// Privileges, namespaces and devices.
	Privileged        bool                      // --privileged
	CapAdd            []string                  // --cap-add as given
	CapDrop           []string                  // --cap-drop as given
	SecurityOpt       []string                  // --security-opt as given
	Userns            string                    // --userns
	Cgroupns          string                    // --cgroupns
	Pid               string                    // --pid
	IPC               string                    // --ipc
	UTS               string                    // --uts
	Devices           []string                  // --device: host[:container[:perms]] or a CDI name
	DeviceCgroupRules []string                  // --device-cgroup-rule
	GPUs              []container.DeviceRequest // --gpus
	Sysctls           map[string]string         // --sysctl
	Runtime           string                    // --runtime
	Isolation         string                    // --isolation
	CgroupParent      string                    // --cgroup-parent

	// Filesystem.
	Volumes      []string      // -v, --volume as given
	Mounts       []mount.Mount // --mount; a relative Source ("./x") is resolved by Request
	RWMounts     []string      // targets of the --mount values that said readonly=false
	Tmpfs        []string      // --tmpfs PATH[:OPTIONS]
	VolumesFrom  []string      // --volumes-from
	VolumeDriver string        // --volume-driver
	ReadOnly     bool          // --read-only
	StorageOpt   []string      // --storage-opt KEY=VALUE
	ShmSize      int64         // --shm-size, bytes

	// Network.
	Networks       []NetworkAttachment // --network (and its hidden alias --net)
	NetworkAliases []string            // --network-alias (--net-alias)
	Links          []string            // --link
	IP             string              // --ip
	IP6            string              // --ip6
	LinkLocalIPs   []string            // --link-local-ip
	MacAddress     string              // --mac-address
	Publish        []string            // -p, --publish as given
	PublishAll     bool                // -P, --publish-all
	Expose         []string            // --expose as given
	DNS            []string            // --dns, normalised IP addresses
	DNSOptions     []string            // --dns-option (--dns-opt)
	DNSSearch      []string            // --dns-search, normalised domains
	AddHosts       []string            // --add-host, as host:ip

	// Resources.
	Memory            int64                      // -m, --memory, bytes
	MemoryReservation int64                      // --memory-reservation, bytes
	MemorySwap        int64                      // --memory-swap, bytes; -1 unlimited
	KernelMemory      int64                      // --kernel-memory, bytes (see Request)
	MemorySwappiness  int64                      // --memory-swappiness (default -1)
	OomKillDisable    bool                       // --oom-kill-disable
	OomScoreAdj       int                        // --oom-score-adj
	PidsLimit         int64                      // --pids-limit
	NanoCPUs          int64                      // --cpus, in 1e-9 CPUs
	CPUShares         int64                      // -c, --cpu-shares
	CPUPeriod         int64                      // --cpu-period
	CPUQuota          int64                      // --cpu-quota
	CPURtPeriod       int64                      // --cpu-rt-period
	CPURtRuntime      int64                      // --cpu-rt-runtime
	CpusetCpus        string                     // --cpuset-cpus
	CpusetMems        string                     // --cpuset-mems
	BlkioWeight       uint16                     // --blkio-weight
	BlkioWeightDevice []*blkiodev.WeightDevice   // --blkio-weight-device
	DeviceReadBps     []*blkiodev.ThrottleDevice // --device-read-bps
	DeviceWriteBps    []*blkiodev.ThrottleDevice // --device-write-bps
	DeviceReadIOps    []*blkiodev.ThrottleDevice // --device-read-iops
	DeviceWriteIOps   []*blkiodev.ThrottleDevice // --device-write-iops
	Ulimits           []*container.Ulimit        // --ulimit, one per name (last wins), sorted by name
	CPUCount          int64                      // --cpu-count (Windows daemons only)
	CPUPercent        int64                      // --cpu-percent (Windows daemons only)
	IOMaxBandwidth    int64                      // --io-maxbandwidth (Windows daemons only)
	IOMaxIOps         uint64                     // --io-maxiops (Windows daemons only)

	// Logging.
	LogDriver string   // --log-driver
	LogOpts   []string // --log-opt KEY=VALUE

	// Set holds the long names (no dashes) of the flags given explicitly.
	// Hidden aliases are recorded under their documented name: --net as
	// "network", --net-alias as "network-alias", --dns-opt as "dns-option".
	Set map[string]bool
}

// NetworkAttachment is one --network value: a bare network name, or the
// long syntax name=NET,alias=A,ip=IP,ip6=IP,mac-address=MAC,
// link-local-ip=IP,driver-opt=K=V,gw-priority=N. Addresses are held as
// given; Request validates them.
type NetworkAttachment struct {
	Target       string
	Aliases      []string
	DriverOpts   map[string]string
	Links        []string
	IPv4Address  string
	IPv6Address  string
	LinkLocalIPs []string
	MacAddress   string
	GwPriority   int
}

// NewRunOptions returns the options of a `docker run` with no flags:
// docker's defaults.
func NewRunOptions() *RunOptions {
	return &RunOptions{
		SigProxy:            true,
		Pull:                PullMissing,
		DisableContentTrust: true,
		Restart:             string(container.RestartPolicyDisabled),
		MemorySwappiness:    -1,
		Set:                 map[string]bool{},
	}
}

// given reports whether the flag long name was given explicitly.
func (o *RunOptions) given(flag string) bool { return o.Set[flag] }
