package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hardrun/hardrun/apparmor"
	"github.com/hardrun/hardrun/profiles"
	"github.com/hardrun/hardrun/seccomp"
)

// judgeSecurity: the caller's --security-opt values, then the profile's
// no-new-privileges, seccomp and AppArmor requirements.
func (e *evaluation) judgeSecurity() {
	var st securityState
	for _, raw := range e.hc.SecurityOpt {
		e.judgeSecurityOpt(ParseSecurityOpt(raw), &st)
	}
	e.judgeSystemPaths()
	e.applyNoNewPrivileges(st)
	e.applySeccomp(st)
	e.applyAppArmor(st)
}

// securityState records what the caller's options already provide.
type securityState struct {
	nnp, seccomp, apparmor bool
}

// securityItem spells an option in the user's words; an inline seccomp
// profile (docker's CLI sends the file's content) is summarised.
func securityItem(o SecurityOpt) Item {
	if o.IsInlineJSON() {
		return itemAs(FieldSecurityOpt, flagFor(FieldSecurityOpt)+fmt.Sprintf(" seccomp=<profile JSON, %d bytes>", len(o.Value))).withElem(o.Key)
	}
	return item(FieldSecurityOpt, o.Raw).withElem(o.Key)
}

func (e *evaluation) judgeSecurityOpt(o SecurityOpt, st *securityState) {
	what := securityItem(o)
	switch o.Key {
	case "no-new-privileges":
		e.judgeNoNewPrivilegesOpt(what, o.Value, st)
	case "seccomp":
		e.judgeSeccompOpt(what, o.Value, st)
	case "apparmor":
		e.judgeAppArmorOpt(what, o.Value, st)
	case "label":
		e.judgeLabelOpt(what, o.Value)
	case "systempaths":
		e.refuse(what, keyEnforce, "it unmasks the /proc and /sys paths the engine hides")
	case "writable-cgroups":
		if v, err := strconv.ParseBool(o.Value); err != nil || v {
			e.refuse(what, keyEnforce, "it mounts the cgroup file system writable")
		}
	default:
		e.refuse(what, keyEnforce, "unknown security option")
	}
}

// judgeSystemPaths refuses a request that sets the masked or read-only
// paths itself (Engine API only; docker's CLI sends systempaths=unconfined):
// an empty list unmasks /proc/kcore, /proc/sysrq-trigger and the like.
func (e *evaluation) judgeSystemPaths() {
	if e.hc.MaskedPaths != nil {
		e.refuse(item("HostConfig.MaskedPaths", ""), keyEnforce, "it replaces the paths the engine masks in /proc and /sys")
	}
	if e.hc.ReadonlyPaths != nil {
		e.refuse(item("HostConfig.ReadonlyPaths", ""), keyEnforce, "it replaces the paths the engine makes read-only in /proc")
	}
}

// judgeNoNewPrivilegesOpt takes every spelling strconv.ParseBool takes, as
// the engine does.
func (e *evaluation) judgeNoNewPrivilegesOpt(what Item, value string, st *securityState) {
	v, err := strconv.ParseBool(value)
	switch {
	case err != nil:
		e.refuse(what, keyEnforce, "not a boolean")
	case v:
		st.nnp = true
	case e.p.NoNewPrivileges:
		e.refuse(what, "no_new_privileges: true", "")
	}
}

// judgeSeccompOpt: seccomp=unconfined only under seccomp.base: unconfined;
// a caller's profile only when it is the one the profile generates, or when
// the profile's base is unconfined (it can then only confine more).
func (e *evaluation) judgeSeccompOpt(what Item, value string, st *securityState) {
	key := keyString("seccomp.base", e.p.Seccomp.Base)
	unconfinedBase := e.p.Seccomp.Base == "unconfined"
	switch {
	case value == "unconfined" && !unconfinedBase:
		e.refuse(what, key, "")
	case value == "unconfined", unconfinedBase:
		st.seccomp = true
	case e.isGeneratedSeccomp(value):
		st.seccomp = true
	default:
		e.refuse(what, key, "a caller-supplied seccomp profile would replace the profile's")
	}
}

func (e *evaluation) isGeneratedSeccomp(value string) bool {
	gen, err := generatedSeccomp(SeccompSpec(e.p))
	if err != nil {
		return false
	}
	var a, b bytes.Buffer
	return json.Compact(&a, []byte(value)) == nil && json.Compact(&b, []byte(gen)) == nil && a.String() == b.String()
}

// judgeAppArmorOpt: apparmor=unconfined only under apparmor.mode: off; the
// profile's own AppArmor profile is fine; another one is refused, except
// under mode off when this host can enforce it (the engine would silently
// run unconfined where it cannot).
func (e *evaluation) judgeAppArmorOpt(what Item, name string, st *securityState) {
	mode := e.appArmorMode()
	own, _ := e.appArmorName()
	switch {
	case name == "unconfined" && mode == "off":
		st.apparmor = true
	case name == "unconfined":
		e.refuse(what, keyString("apparmor.mode", mode), "")
	case name == own && mode != "off":
		st.apparmor = true
	default:
		ok, why := e.host.AppArmor.enforceable(name, false)
		switch {
		case !ok:
			e.refuse(what, keyString("apparmor.mode", mode), "this host cannot enforce it: "+why)
		case mode == "off":
			st.apparmor = true
		default:
			e.refuse(what, keyString("apparmor.profile", e.p.AppArmor.Profile), "a caller-supplied AppArmor profile would replace the profile's")
		}
	}
}

// judgeLabelOpt: SELinux label options. disable turns confinement off;
// user, role, type and nested can select an unconfined domain (spc_t);
// level (MCS) and filetype only narrow.
func (e *evaluation) judgeLabelOpt(what Item, value string) {
	kind, _, _ := strings.Cut(value, ":")
	switch kind {
	case "level", "filetype":
	case "disable":
		e.refuse(what, keyEnforce, "it turns SELinux confinement off")
	case "user", "role", "type", "nested":
		e.refuse(what, keyEnforce, "it can select an unconfined SELinux domain")
	default:
		e.refuse(what, keyEnforce, "unknown label option")
	}
}

// addSecurityOpt appends a security option and records the change.
func (e *evaluation) addSecurityOpt(opt, shown, key string) {
	e.hc.SecurityOpt = append(e.hc.SecurityOpt, opt)
	e.changeElem(FieldSecurityOpt, ParseSecurityOpt(opt).Key, shown, key, "default")
}

func (e *evaluation) applyNoNewPrivileges(st securityState) {
	if e.p.NoNewPrivileges && !st.nnp {
		e.addSecurityOpt("no-new-privileges:true", "no-new-privileges:true", "no_new_privileges")
	}
}

// applySeccomp sends the generated seccomp profile inline (seccomp=<JSON>,
// as docker's CLI sends a file's content), or seccomp=unconfined when the
// profile's base is unconfined.
func (e *evaluation) applySeccomp(st securityState) {
	if st.seccomp {
		return
	}
	spec := SeccompSpec(e.p)
	r := cachedSeccomp(spec)
	switch {
	case errors.Is(r.err, seccomp.ErrUnconfined):
		e.addSecurityOpt("seccomp=unconfined", "seccomp=unconfined", "seccomp.base")
	case r.err != nil:
		e.fail(r.err)
	default:
		shown := fmt.Sprintf("seccomp=<generated: base %s, %d denied, %d allowed>", spec.Base, len(spec.Deny), len(spec.Allow))
		e.addSecurityOpt(r.opt, shown, "seccomp")
	}
}

// SeccompSpec is the seccomp filter p asks for; `hardrun seccomp export`
// prints what Generate makes of it, the exact JSON a plan sends.
func SeccompSpec(p *profiles.Profile) seccomp.Spec {
	return seccomp.Spec{Base: p.Seccomp.Base, Deny: p.Seccomp.Deny, Allow: p.Seccomp.Allow}
}

// seccompCache memoizes generated profiles: generation is a pure function
// of the spec, and the default base is large (about 0.4 ms of CPU to build
// and encode, BENCHMARKS.md). Bounded: see memo.
var seccompCache = newMemo[seccompResult](memoSize)

// memoSize bounds each profile memo: far more specs than the built-ins and
// a site's own profiles, at about 20 KB of JSON each.
const memoSize = 64

type seccompResult struct {
	json string // the generated JSON
	opt  string // "seccomp=" + json, the security option sent
	err  error
}

func generatedSeccomp(spec seccomp.Spec) (string, error) {
	r := cachedSeccomp(spec)
	return r.json, r.err
}

func cachedSeccomp(spec seccomp.Spec) seccompResult {
	key := seccompKey(spec)
	if r, ok := seccompCache.get(key); ok {
		return r
	}
	if js, ok := precomputedSeccomp[key]; ok {
		r := seccompResult{json: js, opt: "seccomp=" + js}
		seccompCache.put(key, r)
		return r
	}
	b, err := seccomp.Generate(spec)
	if err != nil && !errors.Is(err, seccomp.ErrUnconfined) {
		err = fmt.Errorf("generate seccomp profile: %w", err)
	}
	r := seccompResult{json: string(b), opt: "seccomp=" + string(b), err: err}
	seccompCache.put(key, r)
	return r
}

// seccompKey identifies a spec in seccompCache and precomputedSeccomp.
func seccompKey(spec seccomp.Spec) string {
	return spec.Base + "\x00" + strings.Join(spec.Deny, ",") + "\x00" + strings.Join(spec.Allow, ",")
}

// appArmorCache memoizes generated AppArmor profiles, a pure function of
// the spec. Bounded: see memo.
var appArmorCache = newMemo[appArmorResult](memoSize)

type appArmorResult struct {
	text string
	err  error
}

func generatedAppArmor(spec apparmor.Spec) (string, error) {
	key := fmt.Sprintf("%s\x00%t\x00%t\x00%s", spec.Name, spec.NetRaw, spec.AllowPtrace, strings.Join(spec.DenyWrite, "\x00"))
	if r, ok := appArmorCache.get(key); ok {
		return r.text, r.err
	}
	text, err := apparmor.Generate(spec)
	appArmorCache.put(key, appArmorResult{text, err})
	return text, err
}

func (e *evaluation) appArmorMode() string {
	if e.p.AppArmor.Mode == "" {
		return "if-available" // the schema default; never silently off
	}
	return e.p.AppArmor.Mode
}

// appArmorName is the AppArmor profile the profile applies, and whether
// hardrun generates it (apparmor.profile: generate).
func (e *evaluation) appArmorName() (string, bool) {
	if pr := e.p.AppArmor.Profile; pr != "" && pr != "generate" {
		return pr, false
	}
	return apparmor.NamePrefix + e.p.Name, true
}

// applyAppArmor applies the profile's AppArmor profile when this host can
// enforce it; otherwise mode required refuses and if-available says so.
func (e *evaluation) applyAppArmor(st securityState) {
	mode := e.appArmorMode()
	if mode == "off" {
		return
	}
	name, generated := e.appArmorName()
	if ok, why := e.host.AppArmor.enforceable(name, generated); !ok {
		if mode == "required" {
			e.refuse(itemAs(FieldSecurityOpt, "running without AppArmor").withElem("apparmor"), "apparmor.mode: required", why)
		} else {
			e.notice("AppArmor not applied: " + why + " (apparmor.mode: " + mode + ")")
		}
		return
	}
	if !st.apparmor {
		e.addSecurityOpt("apparmor="+name, "apparmor="+name, "apparmor")
	}
	if generated {
		e.loadGeneratedAppArmor(name)
	}
}

// loadGeneratedAppArmor asks the runner to load the generated profile. On a
// remote engine hardrun cannot load it: the engine then fails the start
// unless it was installed there, which is fail-closed, and a notice says so.
func (e *evaluation) loadGeneratedAppArmor(name string) {
	if !e.host.AppArmor.EngineLocal {
		e.notice(fmt.Sprintf("AppArmor profile %s must be loaded on the engine's host (hardrun apparmor install --profile %s there); the engine fails the start without it", name, e.p.Name))
		return
	}
	text, err := generatedAppArmor(AppArmorSpec(e.p))
	if err != nil {
		e.fail(err)
		return
	}
	e.plan.AppArmorProfile = &AppArmorLoad{Name: name, Text: text}
}

// AppArmorSpec is the AppArmor profile p generates. It depends on the
// profile only, never on one request, because every container of the
// profile shares the one loaded hardrun-<name>: raw sockets are allowed
// when the profile can leave NET_RAW in the bounding set, ptrace when it
// permits SYS_PTRACE. `hardrun apparmor export` prints the same text.
func AppArmorSpec(p *profiles.Profile) apparmor.Spec {
	permitted := CapNameSet(p.CapAdd, p.CapAllow)
	dropped := CapNameSet(p.CapDrop)
	netRaw := permitted["ALL"] || permitted["NET_RAW"] || !(dropped["ALL"] || dropped["NET_RAW"])
	return apparmor.Spec{
		Name:        apparmor.NamePrefix + p.Name,
		DenyWrite:   p.AppArmor.DenyWrite,
		NetRaw:      netRaw || p.Privileged,
		AllowPtrace: permitted["ALL"] || permitted["SYS_PTRACE"],
	}
}

// enforceable says whether the engine would really apply AppArmor profile
// name, and why not. The engine ignores apparmor=NAME on a host without
// AppArmor, so that must be known before create.
func (f AppArmorFacts) enforceable(name string, generated bool) (bool, string) {
	mode := f.Modes[name]
	switch {
	case f.EngineLocal && !f.KernelEnabled:
		return false, "this kernel has no AppArmor"
	case !f.EngineListed && f.EngineLocal:
		return false, "the engine does not report AppArmor among its security options"
	case !f.EngineListed:
		return false, "the engine's host has no AppArmor"
	case generated || !f.EngineLocal:
		return true, ""
	case !f.Loaded[name]:
		return false, "AppArmor profile " + name + " is not loaded"
	case mode != "" && mode != "enforce":
		return false, "AppArmor profile " + name + " is loaded in " + mode + " mode"
	}
	return true, ""
}
