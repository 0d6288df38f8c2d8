package main

import (
	"fmt"
	"strconv"
	"strings"
)

// globalFlag describes one of docker's global flags.
type globalFlag struct {
	long, short string
	boolean     bool
	set         func(g *globals, v string) error
}

var globalFlags = []globalFlag{
	{long: "host", short: "H", set: func(g *globals, v string) error { g.Hosts = append(g.Hosts, v); return nil }},
	{long: "context", short: "c", set: func(g *globals, v string) error { g.Context = v; return nil }},
	{long: "config", set: func(g *globals, v string) error { g.ConfigDir = v; return nil }},
	{long: "debug", short: "D", boolean: true, set: boolSetter(func(g *globals) *bool { return &g.Debug })},
	{long: "log-level", short: "l", set: func(g *globals, v string) error { g.LogLevel = v; return nil }},
	{long: "tls", boolean: true, set: boolSetter(func(g *globals) *bool { return &g.TLS })},
	{long: "tlsverify", boolean: true, set: boolSetter(func(g *globals) *bool { return &g.TLSVerify })},
	{long: "tlscacert", set: func(g *globals, v string) error { g.TLSCACert = v; return nil }},
	{long: "tlscert", set: func(g *globals, v string) error { g.TLSCert = v; return nil }},
	{long: "tlskey", set: func(g *globals, v string) error { g.TLSKey = v; return nil }},
	// hardrun's own, accepted in front of the command too, so that
	// `hardrun --profile-dir DIR run ...` never falls through to docker.
	{long: "profile", set: func(g *globals, v string) error { g.Profile = v; return nil }},
	{long: "profile-dir", set: func(g *globals, v string) error { g.ProfileDirs = append(g.ProfileDirs, v); return nil }},
}

func boolSetter(field func(*globals) *bool) func(*globals, string) error {
	return func(g *globals, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("invalid boolean value %q", v)
		}
		*field(g) = b
		return nil
	}
}

// parseGlobals reads docker's global flags in front of the command and
// returns the rest (command first). An unknown flag ends the globals: it
// belongs to the command line docker itself will judge.
func parseGlobals(args []string) (*globals, []string, error) {
	g := &globals{set: map[string]bool{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return g, args[i+1:], nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return g, args[i:], nil
		}
		f, value, hasValue := lookupGlobal(a)
		if f == nil {
			return g, args[i:], nil
		}
		if !hasValue && !f.boolean {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			value, hasValue = args[i], true
		}
		if !hasValue {
			value = "true"
		}
		if err := f.set(g, value); err != nil {
			return nil, nil, fmt.Errorf("invalid argument for %s: %w", a, err)
		}
		g.set[f.long] = true
	}
	return g, nil, nil
}

// lookupGlobal matches --long, --long=v, -s, -s=v and -sVALUE.
func lookupGlobal(arg string) (*globalFlag, string, bool) {
	if strings.HasPrefix(arg, "--") {
		name, value, has := strings.Cut(arg[2:], "=")
		for i := range globalFlags {
			if globalFlags[i].long == name {
				return &globalFlags[i], value, has
			}
		}
		return nil, "", false
	}
	name, rest := arg[1:2], arg[2:]
	for i := range globalFlags {
		f := &globalFlags[i]
		if f.short != name {
			continue
		}
		switch {
		case rest == "":
			return f, "", false
		case strings.HasPrefix(rest, "="):
			return f, rest[1:], true
		case !f.boolean:
			return f, rest, true
		}
	}
	return nil, "", false
}
