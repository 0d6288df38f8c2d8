package apparmor

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// call is one recorded Runner.Run.
type call struct {
	name  string
	args  []string
	stdin string
}

// fakeRunner records every call and answers with fixed output.
type fakeRunner struct {
	calls  []call
	stderr string
	err    error
}

func (f *fakeRunner) Run(_ context.Context, name string, args []string, stdin []byte) ([]byte, []byte, error) {
	f.calls = append(f.calls, call{name: name, args: slices.Clone(args), stdin: string(stdin)})
	return nil, []byte(f.stderr), f.err
}

// requireParser skips the test when apparmor_parser is not installed, except
// under CI=true, where the check it guards must run.
func requireParser(t *testing.T) {
	t.Helper()
	if _, err := lookProgram(Parser); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("apparmor_parser is required under CI=true: %v", err)
		}
		t.Skipf("apparmor_parser not installed (%v); install the apparmor package to run this check", err)
	}
}

const sampleText = "profile hardrun-x flags=(attach_disconnected) {\n  file,\n}\n"

func TestParserCalls(t *testing.T) {
	tests := []struct {
		name     string
		run      func(context.Context, Runner, string) error
		wantArgs []string
		wantErr  string // prefix of the error when the parser fails
	}{
		{"check", Check, []string{"-Q", "-K"}, `check apparmor profile "hardrun-x": apparmor_parser: `},
		{"load", Load, []string{"-Kr"}, `load apparmor profile "hardrun-x": apparmor_parser: `},
	}
	for _, tc := range tests {
		t.Run(tc.name+"/success", func(t *testing.T) {
			f := &fakeRunner{stderr: "Cache read/write disabled: interface file missing.\n"}
			if err := tc.run(t.Context(), f, sampleText); err != nil {
				t.Fatalf("error: %v", err)
			}
			want := []call{{name: "apparmor_parser", args: tc.wantArgs, stdin: sampleText}}
			if !slices.EqualFunc(f.calls, want, equalCall) {
				t.Errorf("calls = %+v, want %+v", f.calls, want)
			}
		})
		t.Run(tc.name+"/failure carries the parser message", func(t *testing.T) {
			exitErr := errors.New("exit status 1")
			f := &fakeRunner{
				stderr: "Cache read/write disabled: interface file missing.\nAppArmor parser error at line 2: syntax error\n",
				err:    exitErr,
			}
			err := tc.run(t.Context(), f, sampleText)
			want := tc.wantErr + "exit status 1: AppArmor parser error at line 2: syntax error"
			if err == nil || err.Error() != want {
				t.Fatalf("error = %v, want %q", err, want)
			}
			if !errors.Is(err, exitErr) {
				t.Errorf("error does not wrap the runner's error")
			}
		})
	}
}

func equalCall(a, b call) bool {
	return a.name == b.name && slices.Equal(a.args, b.args) && a.stdin == b.stdin
}

func TestParserMissing(t *testing.T) {
	f := &fakeRunner{err: exec.ErrNotFound}
	err := Check(t.Context(), f, "no profile line")
	if !errors.Is(err, exec.ErrNotFound) {
		t.Fatalf("error %v does not wrap exec.ErrNotFound", err)
	}
	if want := "check apparmor profile: apparmor_parser: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want prefix %q", err, want)
	}
}

// TestCheckCatchesBrokenProfile feeds the real parser broken profiles: the
// check must refuse them, with the parser's own message.
func TestCheckCatchesBrokenProfile(t *testing.T) {
	requireParser(t)
	good, err := Generate(goldenSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		text    string
		wantErr string
	}{
		{"syntax error", strings.Replace(good, "  deny mount,\n", "  deny mount bogus rule,\n", 1), "syntax error"},
		{"injected close brace", strings.Replace(good, "  deny /sys/** wl,\n", "  deny /sys/x} wl,\n", 1), "Regex grouping error"},
		{"missing include", strings.Replace(good, "<abstractions/base>", "<abstractions/hardrun-missing>", 1), "Could not open 'abstractions/hardrun-missing'"},
		{"unknown permission", strings.Replace(good, "deny /proc/sys/** wl,", "deny /proc/sys/** wq,", 1), "AppArmor parser error at line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.text == good {
				t.Fatal("test did not break the profile")
			}
			err := Check(t.Context(), ExecRunner{}, tc.text)
			if err == nil {
				t.Fatal("Check accepted a broken profile")
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestExecRunner(t *testing.T) {
	t.Run("stdin and stdout", func(t *testing.T) {
		out, _, err := ExecRunner{}.Run(t.Context(), "cat", nil, []byte("profile text"))
		if err != nil || string(out) != "profile text" {
			t.Errorf("Run(cat) = %q, %v", out, err)
		}
	})
	t.Run("stderr and exit status", func(t *testing.T) {
		_, stderr, err := ExecRunner{}.Run(t.Context(), "sh", []string{"-c", "echo oops >&2; exit 3"}, nil)
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 3 || string(stderr) != "oops\n" {
			t.Errorf("Run(sh) = stderr %q, err %v", stderr, err)
		}
	})
	t.Run("missing program", func(t *testing.T) {
		_, _, err := ExecRunner{}.Run(t.Context(), "hardrun-no-such-program", nil, nil)
		if !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("error %v does not wrap exec.ErrNotFound", err)
		}
	})
}

func TestProfileName(t *testing.T) {
	tests := []struct {
		name, text, want string
		ok               bool
	}{
		{"generated", "# c\nabi <abi/3.0>,\nprofile hardrun-web flags=(x) {\n}\n", "hardrun-web", true},
		{"indented", "  profile p {\n}\n", "p", true},
		{"none", "/usr/bin/x {\n}\n", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ProfileName(tc.text)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ProfileName = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
