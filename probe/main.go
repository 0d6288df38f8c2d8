package probe

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes of Main.
const (
	ExitOK    = 0 // a report was printed
	ExitWrite = 1 // the report could not be written to stdout
	ExitUsage = 2 // bad flags, an unknown attempt name, or --help
)

// stringsFlag is a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string { return strings.Join(*s, ",") }

func (s *stringsFlag) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// Main is the probe's hidden entry point: args are the arguments after the
// mode name. It prints one JSON report on stdout and returns ExitOK, or
// prints a usage error on stderr and returns ExitUsage.
//
//	--volume PATH    also test PATH for write (repeatable)
//	--attempt NAME   run only the named attempts (repeatable; see AttemptNames)
//	--json           print JSON (the default and only format)
func Main(args []string, stdout, stderr io.Writer) int {
	opts, err := parseArgs(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "hardrun probe: %v\n", err)
		}
		return ExitUsage
	}
	return writeJSON(stdout, stderr, Collect(opts))
}

func parseArgs(args []string, stderr io.Writer) (Options, error) {
	var opts Options
	var volumes, attempts stringsFlag
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&volumes, "volume", "also test `PATH` for write (repeatable)")
	fs.Var(&attempts, "attempt", "run only the attempt `NAME` (repeatable): "+strings.Join(AttemptNames(), ", "))
	fs.Bool("json", true, "print the report as JSON (the default and only format)")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, a := range attempts {
		if !isAttemptName(a) {
			return opts, fmt.Errorf("unknown attempt %q (known: %s)", a, strings.Join(AttemptNames(), ", "))
		}
	}
	opts.Volumes, opts.Attempts = volumes, attempts
	return opts, nil
}

func writeJSON(stdout, stderr io.Writer, r Report) int {
	b, err := json.MarshalIndent(r, "", "  ")
	if err == nil {
		_, err = stdout.Write(append(b, '\n'))
	}
	if err != nil {
		fmt.Fprintf(stderr, "hardrun probe: write report: %v\n", err)
		return ExitWrite
	}
	return ExitOK
}
