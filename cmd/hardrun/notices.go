package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// What a run prints of hardrun's own (stderr, one line each):
//
//   - a refusal, naming the key that would permit the item and, when one
//     exists, the built-in profile that permits it (--profile dev);
//   - a change to a value the caller wrote: a -v/--mount/--volumes-from
//     the caller gave that volumes.default_mode made read-only, a -p or -P
//     that network.publish_host_ip bound to one address. Each line says how
//     to keep the caller's value. Defaults that fill what the caller left
//     unsaid (user, capabilities, limits, the image's VOLUMEs) are silent:
//     `hardrun explain` shows them;
//   - a notice about the host ("AppArmor not applied"): once per engine
//     host, profile and notice, remembered under the cache directory;
//     explain, verify and audit show it every time. Notices about the
//     request itself (enforce: false, --privileged) are printed every time.
//
// A run that goes as planned prints nothing else of hardrun's.

// report prints the plan's refusals, caller-value changes and notices;
// once: host notices only the first time (run, create), else always.
func (a *app) report(p *profiles.Profile, plan *policy.Plan, permits func(policy.Refusal) string, once bool) {
	for _, n := range plan.Notices {
		if once && hostNotice(n) && !a.firstTime(p.Name, n) {
			continue
		}
		fmt.Fprintf(a.stderr, "hardrun: %s\n", n)
	}
	for _, c := range plan.Changes {
		if line := callerValueChanged(c); line != "" {
			fmt.Fprintf(a.stderr, "hardrun: %s\n", line)
		}
	}
	for _, r := range plan.Refusals {
		line := fmt.Sprintf("hardrun: refused by profile %q: %s", p.Name, r.Error())
		if permits != nil {
			if name := permits(r); name != "" {
				line += "; --profile " + name + " permits it"
			}
		}
		fmt.Fprintln(a.stderr, line)
	}
}

// hostNotice tells a notice about the host (the same at every launch on
// it) from one about the request.
func hostNotice(n string) bool { return strings.HasPrefix(n, "AppArmor ") }

// firstTime reports whether notice n has not yet been shown on this engine
// host under profile, and records it. One file create (O_EXCL) per launch
// that has a host notice: no measurable cost. A cache that cannot be
// written shows the notice every time, never hides it.
func (a *app) firstTime(profile, n string) bool {
	dir := a.noticeDir()
	if dir == "" {
		return true
	}
	host := ""
	if ep, err := a.g.endpoint(a.getenv); err == nil {
		host = ep.Host
	}
	sum := sha256.Sum256([]byte(host + "\x00" + profile + "\x00" + n))
	f, err := os.OpenFile(filepath.Join(dir, hex.EncodeToString(sum[:12])), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if os.IsExist(err) {
		return false
	}
	if err != nil {
		if os.MkdirAll(dir, 0o755) != nil {
			return true
		}
		if f, err = os.OpenFile(filepath.Join(dir, hex.EncodeToString(sum[:12])), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err != nil {
			return !os.IsExist(err)
		}
	}
	fmt.Fprintf(f, "%s\n%s\n%s\n", host, profile, n)
	f.Close()
	return true
}

// noticeDir is $XDG_CACHE_HOME/hardrun/notices (else ~/.cache/...).
func (a *app) noticeDir() string {
	base := a.getenv("XDG_CACHE_HOME")
	if !filepath.IsAbs(base) {
		home := a.getenv("HOME")
		if home == "" {
			return ""
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "hardrun", "notices")
}

// callerValueChanged is the line for a change to a value the caller wrote,
// "" for a default that filled silence.
func callerValueChanged(c policy.Change) string {
	switch {
	case c.Key == "volumes.default_mode" && c.Why == "default":
		return readOnlyLine(c)
	case c.Key == "volumes.default_mode" && c.Why == "default, empty tmpfs":
		return fmt.Sprintf("-v %s is an empty read-only tmpfs, not a writable anonymous volume (volumes.default_mode: ro); --mount type=volume,target=%s,readonly=false keeps a writable one", c.Elem, c.Elem)
	case c.Key == "network.publish_host_ip" && c.Field == policy.FieldPortBindings:
		return publishLine(c)
	}
	return ""
}

func readOnlyLine(c policy.Change) string {
	const key = "(volumes.default_mode: ro)"
	switch c.Field {
	case policy.FieldBinds:
		orig := strings.TrimSuffix(strings.TrimSuffix(c.Value, ":ro"), ",ro")
		src, _, _ := strings.Cut(orig, ":")
		if strings.HasPrefix(src, "/") {
			return fmt.Sprintf("-v %s is mounted read-only %s; writable needs :rw and %s in volumes.allow_rw (--profile dev permits the current directory, --profile ci a workspace under it)", orig, key, src)
		}
		return fmt.Sprintf("-v %s is mounted read-only %s; -v %s:rw keeps it writable", orig, key, orig)
	case policy.FieldMounts:
		orig := strings.Replace(c.Value, ",readonly", "", 1)
		if strings.HasPrefix(orig, "type=bind,") {
			return fmt.Sprintf("--mount %s is mounted read-only %s; writable needs readonly=false and its source in volumes.allow_rw", orig, key)
		}
		return fmt.Sprintf("--mount %s is mounted read-only %s; add readonly=false to keep it writable", orig, key)
	case policy.FieldVolumesFrom:
		return fmt.Sprintf("--volumes-from %s mounts its volumes read-only %s; --volumes-from %s:rw keeps their modes", c.Elem, key, c.Elem)
	}
	return ""
}

func publishLine(c policy.Change) string {
	ip, rest, _ := strings.Cut(c.Value, ":")
	if strings.HasPrefix(rest, ":") {
		return fmt.Sprintf("-P publishes port %s on %s only (network.publish_host_ip: %s); -p 0.0.0.0::%s, or --profile web, publishes on every interface", c.Elem, ip, ip, c.Elem)
	}
	return fmt.Sprintf("-p %s is published on %s only (network.publish_host_ip: %s); -p 0.0.0.0:%s, or --profile web, publishes on every interface", rest, ip, ip, rest)
}

// builtinPermits returns, for a refusal under profile current, the first
// built-in profile that permits the item (re-judging the same request),
// "" when none does. unconfined, which permits everything by enforcing
// nothing, is never suggested. Only on the refusal path.
func builtinPermits(current string, judge func(*profiles.Profile) *policy.Plan) func(policy.Refusal) string {
	plans := map[string]*policy.Plan{}
	l := profiles.NewLoader(profiles.SearchOptions{Getenv: func(string) string { return "" }, SystemDir: "/nonexistent/hardrun"})
	return func(r policy.Refusal) string {
		for _, name := range suggestOrder {
			if name == current {
				continue
			}
			plan, ok := plans[name]
			if !ok {
				if p, err := l.Load(name); err == nil {
					plan = judge(p)
				}
				plans[name] = plan
			}
			if plan != nil && !refuses(plan, r) {
				return name
			}
		}
		return ""
	}
}

// suggestOrder: the narrowest built-ins first.
var suggestOrder = []string{"web", "service", "ci", "dev"}

func refuses(plan *policy.Plan, r policy.Refusal) bool {
	for _, x := range plan.Refusals {
		if x.Item == r.Item {
			return true
		}
	}
	return false
}
