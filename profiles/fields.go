package profiles

import (
	"errors"
	"fmt"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hardrun/hardrun/seccomp"
)

// kind is the YAML shape a key takes.
type kind int

const (
	kindString  kind = iota // a string
	kindBool                // true or false
	kindInt                 // an integer
	kindList                // a list of strings
	kindMap                 // a mapping of names to strings
	kindSection             // a mapping with keys of its own (seccomp, limits, ...)
)

// key describes one key of the file format. The decoder, the "did you mean"
// suggestions and Schema() are all driven by this one table (fileKeys), so
// they cannot drift apart; a test checks it against Profile's yaml tags.
type key struct {
	name string
	kind kind
	doc  string // one line, for Schema()

	enum     []string // allowed values of a string or of each list item
	pattern  string   // for Schema() only: the shape check() accepts
	numeric  bool     // a bare number is taken as its text (sizes, cpus, uid)
	nullable bool     // null clears the value inherited through extends
	min, max int64    // kindInt range; max 0 = unbounded

	// check validates, and may normalise, a string, each list item or each
	// map value (name is the map entry's name, "" otherwise).
	check    func(name, value string) (string, error)
	checkKey func(string) error // kindMap: each entry's name

	keys    []key             // kindSection: its keys
	aliases map[string]string // kindSection: other tools' names for its keys → the key to suggest
}

// fileKeys is the file format of contract section 4, version 1.
var fileKeys = []key{
	{name: "version", kind: kindInt, min: 1, max: 1, doc: "Format version; must be 1."},
	{name: "name", kind: kindString, check: checkName, pattern: nameSyntax, doc: "Profile name; must match the file name (NAME.yaml)."},
	{name: "description", kind: kindString, nullable: true, doc: "One line shown by `hardrun profiles list`."},
	{name: "extends", kind: kindString, check: checkName, pattern: nameSyntax, doc: "Parent profile: keys here override, lists replace, sections merge key by key."},
	{name: "enforce", kind: kindBool, doc: "false: apply nothing and refuse nothing (the built-in unconfined)."},

	{name: "user", kind: kindString, numeric: true, nullable: true, check: checkUser, doc: "Default user[:group] when no --user is given and the image's USER is root or empty."},
	{name: "allow_root", kind: kindBool, doc: "true permits --user 0 / root / 0:0."},
	{name: "allow_root_group", kind: kindBool, doc: "true permits group 0 (--user 1000:0, --group-add 0 / root)."},
	{name: "privileged", kind: kindBool, doc: "true permits --privileged."},
	{name: "no_new_privileges", kind: kindBool, doc: "Require no-new-privileges."},
	{name: "cap_drop", kind: kindList, check: checkCap, doc: "Capabilities always dropped (ALL, or names with or without CAP_)."},
	{name: "cap_add", kind: kindList, check: checkCap, doc: "Capabilities added by default."},
	{name: "cap_allow", kind: kindList, check: checkCap, doc: "Capabilities the caller may additionally --cap-add (ALL: any)."},
	{name: "read_only", kind: kindBool, doc: "Require a read-only root filesystem."},
	{name: "tmpfs", kind: kindList, check: checkTmpfs, pattern: "^/", doc: "Default tmpfs mounts, as --tmpfs takes them: /path[:options]; merged by target through extends."},

	{name: "seccomp", kind: kindSection, doc: "The seccomp filter: a base plus a delta.", keys: []key{
		{name: "base", kind: kindString, enum: []string{"default", "strict", "unconfined"}, doc: "default (Docker's) | strict (small allowlist) | unconfined."},
		{name: "deny", kind: kindList, check: checkSyscall, doc: "Syscalls denied on top of the base."},
		{name: "allow", kind: kindList, check: checkSyscall, doc: "Syscalls allowed on top of the base."},
	}, aliases: map[string]string{"profile": "base", "syscalls": "deny"}},

	{name: "apparmor", kind: kindSection, doc: "The AppArmor profile and how hard to insist on it.", keys: []key{
		{name: "mode", kind: kindString, enum: []string{"required", "if-available", "off"}, doc: "required | if-available (a notice when the host lacks AppArmor) | off."},
		{name: "profile", kind: kindString, check: checkAppArmorProfile, doc: "generate (hardrun-<name>) or the name of a loaded profile."},
		{name: "deny_write", kind: kindList, check: checkAbsGlob, pattern: "^/", doc: "Absolute path globs no process may write (generated profile only)."},
	}},

	{name: "volumes", kind: kindSection, doc: "Binds and volumes.", keys: []key{
		{name: "default_mode", kind: kindString, enum: []string{"ro", "rw"}, doc: "Mode of a bind or volume that names none."},
		{name: "allow_rw", kind: kindList, check: checkRWGlob, pattern: `^(/|\$PWD(/|$))`, doc: "Host path globs that may be bind-mounted rw; a leading $PWD is the caller's working directory."},
		{name: "deny", kind: kindList, check: checkAbsGlob, pattern: "^/", doc: "Host path globs never mounted (added to the built-in never-list)."},
		{name: "allow_bind", kind: kindBool, doc: "false refuses every bind mount of a host path."},
		{name: "drivers_allow", kind: kindList, check: checkVolumeDriver, doc: "Volume drivers (globs) named and anonymous volumes may use."},
		{name: "driver_options", kind: kindBool, doc: "true permits --mount volume-opt and volumes created with driver options."},
	}, aliases: map[string]string{"mode": "default_mode", "rw": "allow_rw", "readonly": "default_mode"}},

	{name: "network", kind: kindSection, doc: "--network and -p/-P.", keys: []key{
		{name: "default", kind: kindString, check: checkNetworkDefault, doc: "Network when --network is not given: isolated | bridge | none | host | container:NAME | a network name."},
		{name: "allow", kind: kindList, check: checkNetworkAllow, pattern: networkAllowSyntax, doc: "Permitted --network values: bridge, none, host, user-defined, container:GLOB."},
		{name: "publish", kind: kindBool, doc: "-p/-P permitted."},
		{name: "publish_host_ip", kind: kindString, nullable: true, check: checkHostIP, doc: "Host IP for -p without one (unset: docker's, all interfaces)."},
	}, aliases: map[string]string{"mode": "default", "network_mode": "default", "host_ip": "publish_host_ip"}},

	{name: "namespaces_allow_host", kind: kindList, enum: []string{"pid", "ipc", "uts", "userns", "cgroupns"}, doc: "Host namespaces the caller may join (--pid host, ...)."},
	{name: "devices_allow", kind: kindList, check: checkAbsGlob, pattern: "^/", doc: "Host device path globs --device may name."},
	{name: "sysctls_allow", kind: kindList, check: checkSysctlGlob, doc: "Sysctl name globs --sysctl may set (only namespaced sysctls: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*, kernel.hostname, kernel.domainname)."},

	{name: "limits", kind: kindSection, nullable: true, doc: "Defaults used when the caller gives none.", keys: []key{
		{name: "memory", kind: kindString, numeric: true, nullable: true, check: checkMemory, doc: "--memory default (512m, 2g, bytes)."},
		{name: "memory_swap", kind: kindString, numeric: true, nullable: true, check: checkSwap, doc: "--memory-swap default: memory plus swap, -1 unlimited."},
		{name: "cpus", kind: kindString, numeric: true, nullable: true, check: checkCPUs, doc: "--cpus default (\"1.5\")."},
		{name: "cpu_shares", kind: kindInt, nullable: true, min: 2, max: 262144, doc: "--cpu-shares default (CIS 5.12)."},
		{name: "pids", kind: kindInt, nullable: true, min: 1, doc: "--pids-limit default (CIS 5.29)."},
		{name: "shm_size", kind: kindString, numeric: true, nullable: true, check: checkPositiveSize, doc: "--shm-size default."},
		{name: "ulimits", kind: kindMap, numeric: true, nullable: true, check: checkUlimit, checkKey: checkUlimitName, enum: ulimitNames, doc: "--ulimit defaults: name → \"soft:hard\" or \"n\"."},
	}, aliases: map[string]string{"mem_limit": "memory", "memswap_limit": "memory_swap", "pids_limit": "pids", "shm": "shm_size", "cpu": "cpus"}},

	{name: "max", kind: kindSection, nullable: true, doc: "Ceilings on what the caller may ask for.", keys: []key{
		{name: "memory", kind: kindString, numeric: true, nullable: true, check: checkMemory, doc: "Highest --memory."},
		{name: "cpus", kind: kindString, numeric: true, nullable: true, check: checkCPUs, doc: "Highest --cpus."},
		{name: "pids", kind: kindInt, nullable: true, min: 1, doc: "Highest --pids-limit (and no unlimited)."},
	}, aliases: map[string]string{"mem_limit": "memory", "pids_limit": "pids", "cpu": "cpus"}},

	{name: "init", kind: kindBool, doc: "--init by default."},
	{name: "restart_allow", kind: kindList, enum: []string{"no", "on-failure", "always", "unless-stopped"}, doc: "Permitted --restart policies."},

	{name: "logging", kind: kindSection, nullable: true, doc: "Default log driver.", keys: []key{
		{name: "driver", kind: kindString, nullable: true, check: checkLogDriver, doc: "--log-driver default: a built-in driver, or a plugin as NAME:TAG."},
		{name: "options", kind: kindMap, numeric: true, nullable: true, check: checkAny, checkKey: checkOptionName, doc: "--log-opt defaults."},
	}, aliases: map[string]string{"log_driver": "driver", "log_opt": "options", "opts": "options"}},
	{name: "logging_allow", kind: kindList, check: checkLogDriverGlob, doc: "Permitted --log-driver values (globs)."},

	{name: "images", kind: kindSection, doc: "Which images may run.", keys: []key{
		{name: "allow", kind: kindList, check: checkGlob, doc: "Image reference globs."},
		{name: "require_digest", kind: kindBool, doc: "Refuse images not pinned by @sha256 digest."},
		{name: "signatures", kind: kindSection, doc: "Whose signatures an image must carry.", keys: []key{
			{name: "keys", kind: kindList, check: checkKeyPath, pattern: "^/", doc: "Absolute paths of PEM public key files; empty: no signature required."},
		}},
	}},
}

// topAliases are names from docker run and Compose that users may reach for
// at the top level, and the key that holds that setting here.
var topAliases = map[string]string{
	"capabilities": "cap_add", "cap_add_default": "cap_add",
	"readonly": "read_only", "read_only_rootfs": "read_only",
	"no_new_privs": "no_new_privileges", "security_opt": "seccomp",
	"memory": "limits.memory", "mem_limit": "limits.memory",
	"memswap_limit": "limits.memory_swap", "cpus": "limits.cpus",
	"cpu_shares": "limits.cpu_shares", "pids_limit": "limits.pids",
	"shm_size": "limits.shm_size", "ulimits": "limits.ulimits",
	"network_mode": "network.default", "networks": "network",
	"restart": "restart_allow", "devices": "devices_allow",
	"sysctls": "sysctls_allow", "log_driver": "logging", "log_opt": "logging",
	"pid": "namespaces_allow_host", "ipc": "namespaces_allow_host",
	"userns_mode": "namespaces_allow_host", "uts": "namespaces_allow_host",
	"apparmor_profile": "apparmor.profile", "seccomp_profile": "seccomp.base",
	"image": "images", "parent": "extends", "inherits": "extends",
	"log_drivers": "logging_allow", "logging_drivers": "logging_allow",
	"allow_group_root": "allow_root_group", "allow_root_gid": "allow_root_group",
}

// nameSyntax is a profile name: it becomes a file name, part of the
// AppArmor profile name hardrun-<name> and of a container label. It is the
// schema's pattern; validName checks it by hand, without compiling a
// regexp on every container start.
const nameSyntax = `^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`

func validName(s string) bool {
	if len(s) == 0 || len(s) > 63 || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return !strings.HasSuffix(s, ".yaml") && !strings.HasSuffix(s, ".yml")
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func checkName(_, s string) (string, error) {
	if !validName(s) {
		return "", fmt.Errorf("%q is not a profile name (letters, digits, '_', '.', '-')", s)
	}
	return s, nil
}

func checkCap(_, s string) (string, error) { return NormalizeCapability(s) }

// checkSyscall rejects a name libseccomp does not know: a typo in a deny
// rule would otherwise deny nothing (style.md, convention 3).
func checkSyscall(_, s string) (string, error) { return s, seccomp.ValidateSyscall(s) }

func checkAny(_, s string) (string, error) { return s, nil }

func checkWord(_, s string) (string, error) {
	if s == "" || strings.ContainsFunc(s, isSpace) {
		return "", fmt.Errorf("%q must be one word", s)
	}
	return s, nil
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

func checkUser(_, s string) (string, error) {
	u, g, hasGroup := strings.Cut(s, ":")
	if u == "" || (hasGroup && g == "") || strings.ContainsFunc(s, isSpace) || strings.Count(s, ":") > 1 {
		return "", fmt.Errorf("bad user %q: want user or user:group, by name or id", s)
	}
	return s, nil
}

// isRoot reports whether a --user value runs as root.
func isRoot(user string) bool {
	u, _, _ := strings.Cut(user, ":")
	return u == "0" || u == "root"
}

// isRootGroup reports whether a --user value names group 0.
func isRootGroup(user string) bool {
	_, g, _ := strings.Cut(user, ":")
	return g == "0" || g == "root"
}

func checkTmpfs(_, s string) (string, error) {
	_, err := ParseTmpfs(s)
	return s, err
}

func checkGlob(_, s string) (string, error) {
	if s == "" {
		return "", errors.New("empty pattern")
	}
	if _, err := path.Match(s, ""); err != nil {
		return "", fmt.Errorf("bad pattern %q: %v", s, err)
	}
	return s, nil
}

func checkAbsGlob(_, s string) (string, error) {
	if !strings.HasPrefix(s, "/") {
		return "", fmt.Errorf("bad pattern %q: want an absolute path", s)
	}
	return checkGlob("", s)
}

// pwdToken, at the start of a volumes.allow_rw entry, stands for the
// caller's working directory; see Profile.AllowRWGlobs.
const pwdToken = "$PWD"

func checkRWGlob(_, s string) (string, error) {
	if rest, ok := strings.CutPrefix(s, pwdToken); ok && (rest == "" || rest[0] == '/') {
		if strings.Contains(rest, "$") {
			return "", fmt.Errorf("bad pattern %q: only a leading $PWD is expanded", s)
		}
		return s, nil
	}
	if strings.Contains(s, "$") {
		return "", fmt.Errorf("bad pattern %q: only a leading $PWD (the caller's working directory) is expanded", s)
	}
	return checkAbsGlob("", s)
}

// expandPWD replaces a leading $PWD with cwd; ok is false when the entry
// needs cwd and cwd is not absolute.
func expandPWD(glob, cwd string) (string, bool) {
	rest, ok := strings.CutPrefix(glob, pwdToken)
	if !ok || (rest != "" && rest[0] != '/') {
		return glob, true
	}
	if !path.IsAbs(cwd) {
		return "", false
	}
	return path.Join(cwd, rest), true
}

func checkAppArmorProfile(_, s string) (string, error) {
	if _, err := checkWord("", s); err != nil {
		return "", fmt.Errorf("bad AppArmor profile name %q", s)
	}
	return s, nil
}

// networkKeywords are the network.allow values other than container:GLOB.
// user-defined covers every network created with `docker network create`,
// hardrun-isolated included.
var networkKeywords = []string{"bridge", "none", "host", "user-defined"}

const networkAllowSyntax = `^(bridge|none|host|user-defined|container:.+)$`

func checkNetworkAllow(_, s string) (string, error) {
	if glob, ok := strings.CutPrefix(s, "container:"); ok {
		if _, err := checkGlob("", glob); err != nil {
			return "", fmt.Errorf("bad container pattern %q: want container:NAME or container:*", s)
		}
		return s, nil
	}
	if !slices.Contains(networkKeywords, s) {
		return "", fmt.Errorf("unknown network %q (want bridge, none, host, user-defined or container:NAME; globs allowed after container:)%s",
			s, didYouMean(s, networkKeywords))
	}
	return s, nil
}

// networkNameSyntax is the docker network name syntax (daemon's restricted
// name pattern).
// Compiled on first use: package-level regexps cost every process their
// compilation, and hardrun starts once per container.
var networkNameSyntax = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)
})

// networkModes are the network.default values that are not a network
// name: hardrun's isolated and docker's own modes.
var networkModes = []string{"isolated", "bridge", "none", "host", "default"}

// checkNetworkDefault takes a mode, container:NAME, or the name of a
// user-defined network, which must exist where the profile runs (run then
// fails with the engine's "network not found"; validate cannot know the
// networks of another machine). A name one typo away from a mode is
// refused: "isolate" is a mistake, not a network someone made.
func checkNetworkDefault(_, s string) (string, error) {
	if name, ok := strings.CutPrefix(s, "container:"); ok && name != "" {
		return s, nil
	}
	if !networkNameSyntax().MatchString(s) {
		return "", fmt.Errorf("bad network %q: want isolated, bridge, none, host, container:NAME or a network name", s)
	}
	if !slices.Contains(networkModes, s) {
		if near := nearest(s, networkModes, nil); near != "" {
			return "", fmt.Errorf("unknown network mode %q (did you mean %q? a user-defined network may not be named one letter away from a mode)", s, near)
		}
	}
	return s, nil
}

// networkClass is the network.allow entry that permits network n.
func networkClass(n string) string {
	switch {
	case n == "bridge" || n == "default":
		return "bridge"
	case n == "none" || n == "host":
		return n
	case strings.HasPrefix(n, "container:"):
		return n
	}
	return "user-defined" // isolated (hardrun-isolated) and named networks
}

// networkAllowed reports whether network.allow permits network n.
func networkAllowed(allow []string, n string) bool {
	class := networkClass(n)
	for _, a := range allow {
		if a == class {
			return true
		}
		if glob, ok := strings.CutPrefix(a, "container:"); ok && strings.HasPrefix(class, "container:") {
			if m, _ := path.Match(glob, strings.TrimPrefix(class, "container:")); m {
				return true
			}
		}
	}
	return false
}

// checkHostIP takes an IP address, or "" for docker's default (all
// interfaces), which is how an unset value prints.
func checkHostIP(_, s string) (string, error) {
	if _, err := netip.ParseAddr(s); err != nil && s != "" {
		return "", fmt.Errorf("bad IP address %q", s)
	}
	return s, nil
}

// minMemory is the engine's smallest memory limit: it refuses less.
const minMemory = 6 << 20

func checkPositiveSize(_, s string) (string, error) {
	n, err := ParseSize(s)
	if err == nil && n <= 0 {
		err = fmt.Errorf("bad size %q: must be more than 0", s)
	}
	return s, err
}

func checkMemory(_, s string) (string, error) {
	n, err := ParseSize(s)
	if err == nil && n < minMemory {
		err = fmt.Errorf("bad size %q: the engine's minimum memory limit is 6m", s)
	}
	return s, err
}

func checkSwap(_, s string) (string, error) {
	if s == "-1" {
		return s, nil
	}
	return checkPositiveSize("", s)
}

func checkCPUs(_, s string) (string, error) {
	_, err := parseCPUs(s)
	return s, err
}

func checkUlimitName(name string) error {
	_, _, err := ParseUlimit(name, "0")
	return err
}

func checkUlimit(name, value string) (string, error) {
	_, _, err := ParseUlimit(name, value)
	return value, err
}

func checkOptionName(name string) error {
	_, err := checkWord("", name)
	return err
}
