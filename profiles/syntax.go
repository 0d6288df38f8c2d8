package profiles

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
)

// Tmpfs is one tmpfs mount as --tmpfs and the profile key tmpfs take it:
// TARGET[:OPTIONS].
type Tmpfs struct {
	Target  string   // absolute, cleaned
	Options []string // as written, in order (the engine lets the last of two conflicting ones win)
}

// tmpfsFlags are the option words the engine accepts on a tmpfs (moby's
// MergeTmpfsOptions takes the mount flags of its flag table). bind, rbind
// and remount are in that table too, but mean nothing on a new tmpfs and
// make runc fail at start, so a profile may not use them.
var tmpfsFlags = []string{
	"defaults", "ro", "rw", "suid", "nosuid", "dev", "nodev", "exec", "noexec",
	"sync", "async", "dirsync", "mand", "nomand", "atime", "noatime",
	"diratime", "nodiratime", "relatime", "norelatime", "strictatime", "nostrictatime",
	"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable",
}

// tmpfsData are the KEY=VALUE options the engine passes to the kernel,
// each with the check of its value (the engine checks only the key; a bad
// value fails at container start, where nobody is looking).
var tmpfsData = map[string]func(string) bool{
	"size":      tmpfsSizeOK,
	"nr_blocks": tmpfsCountOK,
	"nr_inodes": tmpfsCountOK,
	"mode":      func(v string) bool { n, err := strconv.ParseUint(v, 8, 32); return err == nil && n <= 0o7777 },
	"uid":       func(v string) bool { _, err := strconv.ParseUint(v, 10, 32); return err == nil },
	"gid":       func(v string) bool { _, err := strconv.ParseUint(v, 10, 32); return err == nil },
	"mpol":      tmpfsMpolOK,
}

// ParseTmpfs parses a tmpfs spec, TARGET[:OPTIONS] with comma-separated
// options, and rejects what the engine or the kernel would: a relative
// target or "/", an option word or key the engine does not know, a value
// the kernel would not mount. It is the one parser of this syntax: the
// profile key tmpfs and --tmpfs both go through it.
func ParseTmpfs(spec string) (Tmpfs, error) {
	target, opts, hasOpts := strings.Cut(spec, ":")
	switch {
	case !path.IsAbs(target):
		return Tmpfs{}, fmt.Errorf("bad tmpfs %q: want /absolute/path[:options]", spec)
	case path.Clean(target) == "/":
		return Tmpfs{}, fmt.Errorf("bad tmpfs %q: the engine refuses a tmpfs on /", spec)
	}
	t := Tmpfs{Target: path.Clean(target)}
	if !hasOpts {
		return t, nil
	}
	for _, o := range strings.Split(opts, ",") {
		if err := checkTmpfsOption(o); err != nil {
			return Tmpfs{}, fmt.Errorf("bad tmpfs %q: %w", spec, err)
		}
		t.Options = append(t.Options, o)
	}
	return t, nil
}

func checkTmpfsOption(o string) error {
	k, v, isData := strings.Cut(o, "=")
	if !isData {
		if slices.Contains(tmpfsFlags, o) {
			return nil
		}
		return fmt.Errorf("unknown option %q%s", o, didYouMean(o, tmpfsFlags))
	}
	ok, known := tmpfsData[k]
	switch {
	case !known:
		return fmt.Errorf("unknown option %q (want size, mode, uid, gid, nr_inodes, nr_blocks or mpol)", k)
	case !ok(v):
		return fmt.Errorf("bad value %q for %s", v, k)
	}
	return nil
}

// tmpfsSizeOK: the kernel's memparse syntax (bytes, or k, m, g, t, p, e in
// either case) or a percentage of RAM.
func tmpfsSizeOK(v string) bool {
	if n, ok := strings.CutSuffix(v, "%"); ok {
		p, err := strconv.ParseUint(n, 10, 32)
		return err == nil && p > 0 && p <= 100
	}
	return tmpfsCountOK(v) && v[0] != '0'
}

func tmpfsCountOK(v string) bool {
	n := strings.TrimRight(v, "kKmMgGtTpPeE")
	if len(v)-len(n) > 1 {
		return false
	}
	_, err := strconv.ParseUint(n, 10, 64)
	return err == nil
}

func tmpfsMpolOK(v string) bool {
	mode, nodes, hasNodes := strings.Cut(v, ":")
	switch mode {
	case "default", "local":
		return !hasNodes
	case "prefer", "bind", "interleave":
		return !hasNodes || strings.Trim(nodes, "0123456789,-") == ""
	}
	return false
}

// TmpfsTarget is the target of a tmpfs spec (cleaned), the key tmpfs
// entries merge by through extends. A spec that does not parse is its own
// key.
func TmpfsTarget(spec string) string {
	target, _, _ := strings.Cut(spec, ":")
	if path.IsAbs(target) {
		return path.Clean(target)
	}
	return spec
}

// namespacedSysctls are the sysctls runc sets inside a container: those of
// the IPC namespace (and fs.mqueue.*), the network namespace (net.*) and
// the UTS namespace. Every other sysctl is the host's, and the engine
// refuses it.
var namespacedSysctls = []string{
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	"kernel.domainname", "kernel.hostname",
}

var namespacedSysctlPrefixes = []string{"fs.mqueue.", "net."}

// NamespacedSysctl reports whether the engine lets a container set sysctl
// name (dots or slashes as separators), as runc's validation does.
func NamespacedSysctl(name string) bool {
	name = strings.ReplaceAll(name, "/", ".")
	if slices.Contains(namespacedSysctls, name) {
		return true
	}
	for _, p := range namespacedSysctlPrefixes {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			return true
		}
	}
	return false
}

// checkSysctlGlob: a name must be one the engine sets; a glob must be
// able to match one (its text before the first wildcard starts one of
// them, or is started by one of the prefixes): "vm.*" permits nothing.
func checkSysctlGlob(_, s string) (string, error) {
	if _, err := checkGlob("", s); err != nil {
		return "", err
	}
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-/*?[]") != "" {
		return "", fmt.Errorf("bad sysctl %q: want a name such as net.ipv4.ip_forward", s)
	}
	i := strings.IndexAny(s, "*?[")
	if i < 0 {
		if !NamespacedSysctl(s) {
			return "", fmt.Errorf("sysctl %q is not namespaced: the engine refuses it (want kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*, kernel.hostname or kernel.domainname)", s)
		}
		return s, nil
	}
	lit := strings.ReplaceAll(s[:i], "/", ".")
	for _, n := range append(slices.Clone(namespacedSysctls), namespacedSysctlPrefixes...) {
		if strings.HasPrefix(n, lit) || strings.HasPrefix(lit, n) {
			return s, nil
		}
	}
	return "", fmt.Errorf("sysctl pattern %q matches no namespaced sysctl: the engine refuses every name it permits", s)
}

// logDrivers are the log drivers built into the engine. Any other driver
// is a plugin, named as a reference with a tag (NAME:TAG, REPO/NAME:TAG):
// that keeps "json-fille" from being taken for a plugin nobody installed.
var logDrivers = []string{"json-file", "local", "none", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "etwlogs", "gcplogs"}

func checkLogDriver(_, s string) (string, error) {
	if slices.Contains(logDrivers, s) {
		return s, nil
	}
	if name, tag, ok := strings.Cut(s, ":"); ok && name != "" && tag != "" && !strings.ContainsFunc(s, isSpace) {
		return s, nil
	}
	return "", fmt.Errorf("unknown log driver %q (want %s, or a plugin as NAME:TAG)%s", s, orList(logDrivers), didYouMean(s, logDrivers))
}

// checkLogDriverGlob takes a glob, or a log driver name checked as
// logging.driver is.
func checkLogDriverGlob(_, s string) (string, error) {
	if strings.ContainsAny(s, "*?[") {
		return checkGlob("", s)
	}
	return checkLogDriver("", s)
}

// logOptions are the --log-opt keys the engine accepts for the drivers
// whose options hardrun checks; other drivers' options are the plugin's or
// the driver's own to judge at run. mode and max-buffer-size apply to every
// driver.
var logOptions = map[string][]string{
	"json-file": {"max-size", "max-file", "compress", "labels", "labels-regex", "env", "env-regex", "tag"},
	"local":     {"max-size", "max-file", "compress"},
	"none":      {},
}

var commonLogOptions = []string{"mode", "max-buffer-size"}

// CheckLogOption reports whether the engine would accept --log-opt
// name=value with log driver driver.
func CheckLogOption(driver, name, value string) error {
	known, checked := logOptions[driver]
	switch {
	case driver == "none":
		return fmt.Errorf("log driver none takes no options")
	case !checked && !slices.Contains(commonLogOptions, name):
		return nil
	case !slices.Contains(known, name) && !slices.Contains(commonLogOptions, name):
		return fmt.Errorf("unknown option %q for log driver %s%s", name, driver, didYouMean(name, slices.Concat(known, commonLogOptions)))
	}
	return checkLogOptionValue(name, value)
}

func checkLogOptionValue(name, value string) error {
	ok := true
	switch name {
	case "max-size", "max-buffer-size":
		n, err := units.RAMInBytes(value)
		ok = err == nil && n > 0
	case "max-file":
		n, err := strconv.Atoi(value)
		ok = err == nil && n >= 1
	case "compress":
		_, err := strconv.ParseBool(value)
		ok = err == nil
	case "mode":
		ok = value == "blocking" || value == "non-blocking"
	}
	if !ok {
		return fmt.Errorf("bad value %q for log option %s", value, name)
	}
	return nil
}

// checkVolumeDriver takes a glob or a driver name (a plugin reference:
// no spaces).
func checkVolumeDriver(_, s string) (string, error) {
	if _, err := checkWord("", s); err != nil {
		return "", fmt.Errorf("bad volume driver %q", s)
	}
	return checkGlob("", s)
}

// checkKeyPath checks the syntax of a signature key path only: a profile
// is often validated on another machine than the one that runs it. The
// file is read, and must be a PEM public key, when a signature is checked.
func checkKeyPath(_, s string) (string, error) {
	if !path.IsAbs(s) || path.Clean(s) != s || strings.ContainsAny(s, "*?[") {
		return "", fmt.Errorf("bad key file %q: want a clean absolute path, no pattern", s)
	}
	return s, nil
}
