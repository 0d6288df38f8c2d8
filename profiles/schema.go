package profiles

// Profile is one hardrun security profile: the YAML schema of contract
// section 4 once `extends` is resolved and schema defaults are filled in.
// Field names follow Compose where Compose has one.
//
// Sizes (memory, shm_size, ...) stay in the user's spelling ("512m") so that
// `profiles show` prints what the ops team wrote; they are validated at load
// time, and the accessor methods return them parsed.
type Profile struct {
	Version     int    `yaml:"version" json:"version"`
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	Extends     string `yaml:"extends,omitempty" json:"extends,omitempty"`
	// Enforce false applies nothing and refuses nothing (the built-in unconfined).
	Enforce bool `yaml:"enforce" json:"enforce"`

	User            string   `yaml:"user,omitempty" json:"user,omitempty"`
	AllowRoot       bool     `yaml:"allow_root" json:"allow_root"`
	AllowRootGroup  bool     `yaml:"allow_root_group" json:"allow_root_group"` // gid 0 or supplementary group 0 permitted
	Privileged      bool     `yaml:"privileged" json:"privileged"`
	NoNewPrivileges bool     `yaml:"no_new_privileges" json:"no_new_privileges"`
	CapDrop         []string `yaml:"cap_drop" json:"cap_drop"`   // normalised: upper case, no CAP_ prefix, or "ALL"
	CapAdd          []string `yaml:"cap_add" json:"cap_add"`     // normalised as CapDrop
	CapAllow        []string `yaml:"cap_allow" json:"cap_allow"` // normalised as CapDrop
	ReadOnly        bool     `yaml:"read_only" json:"read_only"`
	Tmpfs           []string `yaml:"tmpfs" json:"tmpfs"` // "/tmp:rw,noexec,nosuid,nodev,size=64m", as --tmpfs takes it

	Seccomp  Seccomp  `yaml:"seccomp" json:"seccomp"`
	AppArmor AppArmor `yaml:"apparmor" json:"apparmor"`
	Volumes  Volumes  `yaml:"volumes" json:"volumes"`
	Network  Network  `yaml:"network" json:"network"`

	NamespacesAllowHost []string `yaml:"namespaces_allow_host" json:"namespaces_allow_host"` // of pid, ipc, uts, userns, cgroupns
	DevicesAllow        []string `yaml:"devices_allow" json:"devices_allow"`                 // host device paths (globs) that --device may name
	SysctlsAllow        []string `yaml:"sysctls_allow" json:"sysctls_allow"`                 // sysctl names (globs) that --sysctl may set

	Limits       Limits   `yaml:"limits" json:"limits"`
	Max          Max      `yaml:"max" json:"max"`
	Init         bool     `yaml:"init" json:"init"`
	RestartAllow []string `yaml:"restart_allow" json:"restart_allow"` // restart policy names: no, on-failure, always, unless-stopped
	Logging      Logging  `yaml:"logging" json:"logging"`
	LoggingAllow []string `yaml:"logging_allow" json:"logging_allow"` // --log-driver values (globs) permitted
	Images       Images   `yaml:"images" json:"images"`

	// Source is the file the profile was loaded from, or "built-in".
	Source string `yaml:"-" json:"-"`
	// Weakened lists what this profile permits that the profiles it
	// extends do not, in chain order (read it with [Profile.Weakenings]).
	// It is history, not content: it is not part of Hash, YAML or JSON.
	Weakened []Weakening `yaml:"-" json:"-"`
	// Warned lists what will fail in a way the user cannot see (read it
	// with [Profile.Warnings]). Not part of Hash, YAML or JSON.
	Warned []Warning `yaml:"-" json:"-"`
	// Hash is a content hash of the resolved profile (hex sha256, first 12
	// characters are enough for a label): it goes into io.hardrun.profile.
	Hash string `yaml:"-" json:"-"`
}

// Seccomp selects the seccomp filter: a base plus a delta.
type Seccomp struct {
	Base  string   `yaml:"base" json:"base"` // default | strict | unconfined
	Deny  []string `yaml:"deny" json:"deny"`
	Allow []string `yaml:"allow" json:"allow"`
}

// AppArmor selects the AppArmor profile and how hard to insist on it.
type AppArmor struct {
	Mode      string   `yaml:"mode" json:"mode"`       // required | if-available | off
	Profile   string   `yaml:"profile" json:"profile"` // "generate" (hardrun-<name>) or a loaded profile's name
	DenyWrite []string `yaml:"deny_write" json:"deny_write"`
}

// Volumes governs binds and volumes.
type Volumes struct {
	DefaultMode string   `yaml:"default_mode" json:"default_mode"` // ro | rw
	AllowRW     []string `yaml:"allow_rw" json:"allow_rw"`         // host path globs that may be bind-mounted rw
	Deny        []string `yaml:"deny" json:"deny"`                 // host path globs never mounted (added to the built-in never-list)
	AllowBind   bool     `yaml:"allow_bind" json:"allow_bind"`
	// DriversAllow are the volume drivers (globs) named and anonymous
	// volumes may use.
	DriversAllow []string `yaml:"drivers_allow" json:"drivers_allow"`
	// DriverOptions true permits --mount volume-opt and volumes created
	// with driver options (which can bind any host path).
	DriverOptions bool `yaml:"driver_options" json:"driver_options"`
}

// Network governs --network and -p/-P.
type Network struct {
	Default       string   `yaml:"default" json:"default"`                 // isolated | bridge | none | a network name
	Allow         []string `yaml:"allow" json:"allow"`                     // bridge, none, user-defined, host, container:*
	Publish       bool     `yaml:"publish" json:"publish"`                 // -p/-P permitted
	PublishHostIP string   `yaml:"publish_host_ip" json:"publish_host_ip"` // host IP for -p without one ("" = docker's default)
}

// Limits are defaults used when the caller gives none. Empty means no default.
type Limits struct {
	Memory     string            `yaml:"memory,omitempty" json:"memory,omitempty"`
	MemorySwap string            `yaml:"memory_swap,omitempty" json:"memory_swap,omitempty"`
	CPUs       string            `yaml:"cpus,omitempty" json:"cpus,omitempty"`
	CPUShares  int64             `yaml:"cpu_shares,omitempty" json:"cpu_shares,omitempty"`
	Pids       int64             `yaml:"pids,omitempty" json:"pids,omitempty"`
	ShmSize    string            `yaml:"shm_size,omitempty" json:"shm_size,omitempty"`
	Ulimits    map[string]string `yaml:"ulimits,omitempty" json:"ulimits,omitempty"` // name -> "soft:hard" (or "n")
}

// Max are ceilings on what the caller may ask for. Empty/0 means no ceiling.
type Max struct {
	Memory string `yaml:"memory,omitempty" json:"memory,omitempty"`
	CPUs   string `yaml:"cpus,omitempty" json:"cpus,omitempty"`
	Pids   int64  `yaml:"pids,omitempty" json:"pids,omitempty"`
}

// Logging is the default log driver.
type Logging struct {
	Driver  string            `yaml:"driver,omitempty" json:"driver,omitempty"`
	Options map[string]string `yaml:"options,omitempty" json:"options,omitempty"`
}

// Images restricts which images may run.
type Images struct {
	Allow         []string   `yaml:"allow" json:"allow"` // image reference globs
	RequireDigest bool       `yaml:"require_digest" json:"require_digest"`
	Signatures    Signatures `yaml:"signatures" json:"signatures"`
}

// Signatures says whose signatures an image must carry.
type Signatures struct {
	// Keys are absolute paths of PEM public key files; an image must be
	// signed by one of them. Empty: no signature is required.
	Keys []string `yaml:"keys" json:"keys"`
}
