package main

import (
	"strings"

	"github.com/spf13/pflag"
)

// positionalIndexes returns where in args the non-flag arguments pflag
// found are, reading args by pflag's own rules against fs's flags (which
// take a value, which are booleans), so that a container's name can be
// replaced by its ID in place. args must already have parsed with fs.
func positionalIndexes(fs *pflag.FlagSet, args []string) []int {
	var at []int
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			for j := i + 1; j < len(args); j++ {
				at = append(at, j)
			}
			return at
		case strings.HasPrefix(a, "--"):
			name, _, hasValue := strings.Cut(a[2:], "=")
			if f := fs.Lookup(name); f != nil && !hasValue && f.NoOptDefVal == "" {
				i++ // --flag VALUE
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if shortTakesNext(fs, a[1:]) {
				i++ // -f VALUE, or -bf VALUE after booleans
			}
		default:
			at = append(at, i)
		}
	}
	return at
}

// shortTakesNext reports whether a group of shorthand flags ends with one
// that takes the next argument as its value (pflag parseSingleShortArg).
func shortTakesNext(fs *pflag.FlagSet, shorts string) bool {
	for shorts != "" {
		if len(shorts) > 2 && shorts[1] == '=' {
			return false // -f=VALUE
		}
		f := fs.ShorthandLookup(shorts[:1])
		if f == nil {
			return false
		}
		if f.NoOptDefVal == "" {
			return len(shorts) == 1 // -fVALUE takes the rest
		}
		shorts = shorts[1:]
	}
	return false
}
