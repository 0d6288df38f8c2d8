//go:build linux && cgo

package seccomp

// This is the only file that uses libseccomp (cgo). Everything that can be
// pure Go lives elsewhere; libseccomp_stub.go stands in for this file in
// builds without cgo.

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	mobyseccomp "github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// targetArches are the architectures a syscall name is looked up for: those
// Docker engines run on, with the 32-bit ABIs their kernels also run. A name
// that is a real syscall on any of them is valid; one that exists only on,
// say, MIPS is not.
var targetArches = []libseccomp.ScmpArch{
	libseccomp.ArchAMD64, libseccomp.ArchX86, libseccomp.ArchX32,
	libseccomp.ArchARM64, libseccomp.ArchARM,
	libseccomp.ArchPPC64LE, libseccomp.ArchS390X, libseccomp.ArchRISCV64,
}

// libseccompKnows reports whether name has a real number on a target arch.
// libseccomp resolves every name in its table on every arch, giving a negative
// pseudo-number where the arch lacks the call, so the sign is what counts.
func libseccompKnows(name string) bool {
	if name == "" {
		return false
	}
	for _, arch := range targetArches {
		if nr, err := libseccomp.GetSyscallFromNameByArch(name, arch); err == nil && nr >= 0 {
			return true
		}
	}
	return false
}

// syscallNumberRanges are where the numbers of libseccomp's tables lie:
// the plain numbers (MIPS's start at 4000, 5000 and 6000), ARM's private
// calls from 0xf0000 and x32's from its 0x40000000 bit.
var syscallNumberRanges = [][2]int{{0, 8192}, {0xf0000, 0xf0100}, {0x40000000, 0x40000000 + 1024}}

// libseccompNames is the sorted list of names that are a syscall on a
// target architecture, as this machine's libseccomp knows them: names
// gathered by number on every architecture libseccomp has, kept where
// libseccompKnows them. names_table.go holds what this returned when it
// was generated.
func libseccompNames() []string {
	seen := make(map[string]bool)
	for arch := libseccomp.ArchX86; arch < libseccomp.ArchX86+64; arch++ {
		for _, r := range syscallNumberRanges {
			for nr := r[0]; nr < r[1]; nr++ {
				name, err := libseccomp.ScmpSyscall(nr).GetNameByArch(arch)
				if err == nil && !seen[name] {
					seen[name] = libseccompKnows(name)
				}
			}
		}
	}
	var names []string
	for name, known := range seen {
		if known {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Compile builds the filter profileJSON would become in a container whose
// final capability set is caps ("CAP_SYS_ADMIN"; case and prefix are
// normalized), exactly as the engine and runc would on this machine: the
// engine's own code resolves the conditional rules (architecture, capability,
// kernel version), then the filter is built with libseccomp for the native
// architecture and its BPF program generated. An error means the container
// would not start, or would start with a filter that does not mean what the
// profile says (conflicting rules, an errno the kernel would truncate, a
// syscall name that is nobody's syscall).
//
// Names that are real syscalls but unknown to this host's libseccomp are
// skipped, as runc skips them.
func Compile(profileJSON []byte, caps []string) error {
	filter, err := buildFilter(profileJSON, caps)
	if err != nil {
		return err
	}
	defer filter.Release()
	return checkBPF(filter)
}

// buildFilter returns the libseccomp filter for profileJSON, not yet loaded.
// The no_new_privs attribute is off, as runc leaves it: the runtime sets
// no_new_privs itself when the container asks for it.
func buildFilter(profileJSON []byte, caps []string) (*libseccomp.ScmpFilter, error) {
	resolved, err := resolve(profileJSON, caps)
	if err != nil {
		return nil, err
	}
	if err := checkResolved(resolved); err != nil {
		return nil, fmt.Errorf("check seccomp profile: %w", err)
	}
	filter, err := newFilter(resolved)
	if err != nil {
		return nil, fmt.Errorf("build seccomp filter: %w", err)
	}
	for _, rule := range resolved.Syscalls {
		if err := addRule(filter, resolved, rule); err != nil {
			filter.Release()
			return nil, fmt.Errorf("build seccomp filter: %w", err)
		}
	}
	return filter, nil
}

// resolve turns the Docker-format profile into the runtime-spec form the
// engine hands to runc, with the engine's own code (moby's LoadProfile). An
// empty profile resolves to "no filter" there; hardrun treats that as an error
// because the container would run unconfined.
func resolve(profileJSON []byte, caps []string) (*specs.LinuxSeccomp, error) {
	rs := &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{
		Bounding: normalizeCaps(caps),
	}}}
	resolved, err := mobyseccomp.LoadProfile(string(profileJSON), rs)
	if err != nil {
		return nil, fmt.Errorf("resolve seccomp profile: %w", err)
	}
	if resolved == nil {
		return nil, errors.New("resolve seccomp profile: no defaultAction and no rules, the engine would apply no filter")
	}
	return resolved, nil
}

// newFilter creates the filter with the profile's default action,
// architectures and flags, configured as runc configures it.
func newFilter(p *specs.LinuxSeccomp) (*libseccomp.ScmpFilter, error) {
	def, err := scmpAction(p.DefaultAction, p.DefaultErrnoRet)
	if err != nil {
		return nil, fmt.Errorf("default action: %w", err)
	}
	filter, err := libseccomp.NewFilter(def)
	if err != nil {
		return nil, err
	}
	if err := configureFilter(filter, p); err != nil {
		filter.Release()
		return nil, err
	}
	return filter, nil
}

func configureFilter(filter *libseccomp.ScmpFilter, p *specs.LinuxSeccomp) error {
	for _, a := range p.Architectures {
		arch, err := scmpArch(a)
		if err != nil {
			return err
		}
		if err := filter.AddArch(arch); err != nil {
			return fmt.Errorf("add architecture %s: %w", a, err)
		}
	}
	for _, f := range p.Flags {
		if err := setFlag(filter, f); err != nil {
			return err
		}
	}
	// runc turns on libseccomp's binary-tree layout for long rule lists; it
	// changes the BPF program, so its size is only right with the same
	// setting. An old libseccomp without it is not an error for runc either.
	if len(p.Syscalls) > 32 {
		_ = filter.SetOptimize(2)
	}
	return filter.SetNoNewPrivsBit(false)
}

// scmpArch maps "SCMP_ARCH_X86_64" to libseccomp's architecture.
func scmpArch(a specs.Arch) (libseccomp.ScmpArch, error) {
	name, ok := strings.CutPrefix(string(a), "SCMP_ARCH_")
	if !ok {
		return libseccomp.ArchInvalid, fmt.Errorf("unknown architecture %q", a)
	}
	arch, err := libseccomp.GetArchFromString(strings.ToLower(name))
	if err != nil {
		return libseccomp.ArchInvalid, fmt.Errorf("unknown architecture %q", a)
	}
	return arch, nil
}

func setFlag(filter *libseccomp.ScmpFilter, f specs.LinuxSeccompFlag) error {
	var err error
	switch f {
	case "SECCOMP_FILTER_FLAG_TSYNC":
		// libseccomp-golang always synchronises threads; nothing to do.
	case specs.LinuxSeccompFlagLog:
		err = filter.SetLogBit(true)
	case specs.LinuxSeccompFlagSpecAllow:
		err = filter.SetSSB(true)
	case specs.LinuxSeccompFlagWaitKillableRecv:
		err = filter.SetWaitKill(true)
	default:
		return fmt.Errorf("unknown seccomp flag %q", f)
	}
	if err != nil {
		return fmt.Errorf("set seccomp flag %s: %w", f, err)
	}
	return nil
}

// scmpAction maps a profile action to libseccomp's, with runc's defaults:
// SCMP_ACT_KILL kills the thread, ERRNO and TRACE without errnoRet use EPERM.
func scmpAction(a specs.LinuxSeccompAction, errno *uint) (libseccomp.ScmpAction, error) {
	switch a {
	case specs.ActKill, specs.ActKillThread:
		return libseccomp.ActKillThread, nil
	case specs.ActKillProcess:
		return libseccomp.ActKillProcess, nil
	case specs.ActTrap:
		return libseccomp.ActTrap, nil
	case specs.ActErrno:
		return libseccomp.ActErrno.SetReturnCode(int16(actionOf(a, errno).errno)), nil
	case specs.ActTrace:
		return libseccomp.ActTrace.SetReturnCode(int16(actionOf(a, errno).errno)), nil
	case specs.ActAllow:
		return libseccomp.ActAllow, nil
	case specs.ActLog:
		return libseccomp.ActLog, nil
	case specs.ActNotify:
		return libseccomp.ActNotify, nil
	default:
		return libseccomp.ActInvalid, fmt.Errorf("unknown action %q", a)
	}
}

var scmpOps = map[specs.LinuxSeccompOperator]libseccomp.ScmpCompareOp{
	specs.OpNotEqual:     libseccomp.CompareNotEqual,
	specs.OpLessThan:     libseccomp.CompareLess,
	specs.OpLessEqual:    libseccomp.CompareLessOrEqual,
	specs.OpEqualTo:      libseccomp.CompareEqual,
	specs.OpGreaterEqual: libseccomp.CompareGreaterEqual,
	specs.OpGreaterThan:  libseccomp.CompareGreater,
	specs.OpMaskedEqual:  libseccomp.CompareMaskedEqual,
}

// addRule adds one profile rule for each of its names. A rule with the
// default action is skipped (libseccomp refuses it; runc skips it too).
func addRule(filter *libseccomp.ScmpFilter, p *specs.LinuxSeccomp, rule specs.LinuxSyscall) error {
	act, err := scmpAction(rule.Action, rule.ErrnoRet)
	if err != nil {
		return fmt.Errorf("rule %v: %w", rule.Names, err)
	}
	if actionOf(rule.Action, rule.ErrnoRet) == actionOf(p.DefaultAction, p.DefaultErrnoRet) {
		return nil
	}
	conds, err := conditions(rule.Args)
	if err != nil {
		return fmt.Errorf("rule %v: %w", rule.Names, err)
	}
	for _, name := range rule.Names {
		if err := addSyscall(filter, name, act, conds); err != nil {
			return err
		}
	}
	return nil
}

// addSyscall adds the rule for one name. A name unknown to this libseccomp is
// skipped when it is nonetheless a syscall (newer than the library, as runc
// skips it) and an error when it is nobody's syscall.
func addSyscall(filter *libseccomp.ScmpFilter, name string, act libseccomp.ScmpAction, conds [][]libseccomp.ScmpCondition) error {
	nr, err := libseccomp.GetSyscallFromName(name)
	if err != nil {
		if verr := ValidateSyscall(name); verr != nil {
			return verr
		}
		return nil
	}
	if len(conds) == 0 {
		if err := filter.AddRule(nr, act); err != nil {
			return fmt.Errorf("add rule for %s: %w", name, err)
		}
		return nil
	}
	for _, c := range conds {
		if err := filter.AddRuleConditional(nr, act, c); err != nil {
			return fmt.Errorf("add rule for %s: %w", name, err)
		}
	}
	return nil
}

// conditions converts a rule's argument checks into the libseccomp rules runc
// adds: one rule with all conditions (AND), or, when two conditions test the
// same argument, one rule per condition (OR). libseccomp cannot AND two tests
// of one argument, and runc keeps this OR reading for old profiles; see
// https://github.com/opencontainers/runc/issues/2735.
func conditions(args []specs.LinuxSeccompArg) ([][]libseccomp.ScmpCondition, error) {
	if len(args) == 0 {
		return nil, nil
	}
	var all []libseccomp.ScmpCondition
	seen := map[uint]bool{}
	repeated := false
	for _, a := range args {
		op, ok := scmpOps[a.Op]
		if !ok {
			return nil, fmt.Errorf("unknown operator %q", a.Op)
		}
		c, err := libseccomp.MakeCondition(a.Index, op, a.Value, a.ValueTwo)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", a.Index, err)
		}
		repeated = repeated || seen[a.Index]
		seen[a.Index] = true
		all = append(all, c)
	}
	if !repeated {
		return [][]libseccomp.ScmpCondition{all}, nil
	}
	split := make([][]libseccomp.ScmpCondition, len(all))
	for i, c := range all {
		split[i] = []libseccomp.ScmpCondition{c}
	}
	return split, nil
}

// bpfMaxInstructions is the kernel's limit on one classic BPF program
// (BPF_MAXINSNS); a longer seccomp filter is refused with EINVAL at load.
const bpfMaxInstructions = 4096

// checkBPF generates the BPF program, which is where libseccomp finds most of
// what is wrong with a filter, and checks the kernel would take its size.
// libseccomp before 2.6 exports only to a file descriptor: a memfd keeps it
// off the disk.
func checkBPF(filter *libseccomp.ScmpFilter) error {
	fd, err := unix.MemfdCreate("hardrun-seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("generate seccomp bpf: %w", err)
	}
	f := os.NewFile(uintptr(fd), "hardrun-seccomp-bpf")
	defer f.Close()
	if err := filter.ExportBPF(f); err != nil {
		return fmt.Errorf("generate seccomp bpf: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("generate seccomp bpf: %w", err)
	}
	// A classic BPF instruction is 8 bytes (struct sock_filter).
	if n := st.Size() / 8; n > bpfMaxInstructions {
		return fmt.Errorf("seccomp filter is %d BPF instructions, the kernel loads at most %d", n, bpfMaxInstructions)
	}
	return nil
}

// libseccompVersion is "2.5.4": the libseccomp this binary is linked with.
func libseccompVersion() string {
	major, minor, micro := libseccomp.GetLibraryVersion()
	return fmt.Sprintf("%d.%d.%d", major, minor, micro)
}
