package apparmor

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeHost creates the two AppArmor files under a temporary root; an empty
// string leaves a file out.
func writeHost(t *testing.T, enabled, profiles string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range map[string]string{enabledFile: enabled, profilesFile: profiles} {
		if content == "" {
			continue
		}
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestReadHost(t *testing.T) {
	tests := []struct {
		name          string
		enabled       string
		profiles      string
		wantEnabled   bool
		wantModes     map[string]string
		wantLoadedLen int
	}{
		{
			name:    "enabled with profiles",
			enabled: "Y\n",
			profiles: "docker-default (enforce)\n" +
				"hardrun-web (enforce)\n" +
				"hardrun-dev (complain)\n" +
				"/usr/bin/man (enforce)\n" +
				"/opt/my app (x) (kill)\n" +
				"\n" +
				"garbage line\n",
			wantEnabled: true,
			wantModes: map[string]string{
				"docker-default": "enforce", "hardrun-web": "enforce", "hardrun-dev": "complain",
				"/usr/bin/man": "enforce", "/opt/my app (x)": "kill",
			},
		},
		{name: "enabled, nothing loaded", enabled: "Y", wantEnabled: true, wantModes: map[string]string{}},
		{name: "disabled", enabled: "N\n", profiles: "x (enforce)\n", wantModes: map[string]string{"x": "enforce"}},
		{name: "lower-case y is not Y", enabled: "y\n", wantModes: map[string]string{}},
		{name: "missing files", wantModes: map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := ReadHost(writeHost(t, tc.enabled, tc.profiles))
			if h.KernelEnabled != tc.wantEnabled {
				t.Errorf("KernelEnabled = %v, want %v", h.KernelEnabled, tc.wantEnabled)
			}
			if !maps.Equal(h.Modes, tc.wantModes) {
				t.Errorf("Modes = %v, want %v", h.Modes, tc.wantModes)
			}
			if len(h.Loaded) != len(tc.wantModes) {
				t.Errorf("Loaded = %v, want the names of %v", h.Loaded, tc.wantModes)
			}
			for name := range tc.wantModes {
				if !h.Loaded[name] {
					t.Errorf("Loaded lacks %q", name)
				}
			}
			if h.Root != (os.Geteuid() == 0) {
				t.Errorf("Root = %v, euid %d", h.Root, os.Geteuid())
			}
		})
	}
}

func TestInstall(t *testing.T) {
	text := sampleText
	tests := []struct {
		name      string
		host      Host
		runErr    error
		wantIs    error
		wantErr   string
		wantCalls int
	}{
		{
			name:    "kernel without apparmor",
			host:    Host{Root: true},
			wantIs:  ErrUnavailable,
			wantErr: `install apparmor profile "hardrun-x": apparmor is not enabled in this kernel`,
		},
		{
			name:    "not root",
			host:    Host{KernelEnabled: true},
			wantIs:  ErrNotRoot,
			wantErr: `install apparmor profile "hardrun-x": loading an apparmor profile requires root`,
		},
		{
			name:      "loads",
			host:      Host{KernelEnabled: true, Root: true},
			wantCalls: 1,
		},
		{
			name:      "parser fails",
			host:      Host{KernelEnabled: true, Root: true},
			runErr:    errors.New("exit status 1"),
			wantErr:   `load apparmor profile "hardrun-x": apparmor_parser: exit status 1: boom`,
			wantCalls: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeRunner{err: tc.runErr, stderr: "boom\n"}
			err := Install(t.Context(), f, tc.host, text)
			if got := errString(err); got != tc.wantErr {
				t.Errorf("error = %q, want %q", got, tc.wantErr)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("errors.Is(%v, %v) is false", err, tc.wantIs)
			}
			if len(f.calls) != tc.wantCalls {
				t.Fatalf("%d parser calls, want %d: %+v", len(f.calls), tc.wantCalls, f.calls)
			}
			if tc.wantCalls == 1 && !equalCall(f.calls[0], call{"apparmor_parser", []string{"-Kr"}, text}) {
				t.Errorf("call = %+v", f.calls[0])
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestLoadOnEnabledHost loads a generated profile into the real kernel, sees
// it listed, and removes it again. It runs only as root where the kernel
// enforces AppArmor.
func TestLoadOnEnabledHost(t *testing.T) {
	h := ReadHost("/")
	if !h.KernelEnabled {
		t.Skip("AppArmor not enabled in this kernel")
	}
	if !h.Root {
		t.Skip("loading an AppArmor profile needs root")
	}
	requireParser(t)
	name := fmt.Sprintf("hardrun-test-%d", os.Getpid())
	text, err := Generate(Spec{Name: name, DenyWrite: procSysDenyWrite})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t.Context() is already canceled when cleanups run.
		_, stderr, err := ExecRunner{}.Run(context.Background(), Parser, []string{"-R"}, []byte(text))
		if err != nil {
			t.Errorf("remove %s: %v: %s", name, err, strings.TrimSpace(string(stderr)))
		}
	})
	if err := Install(t.Context(), ExecRunner{}, h, text); err != nil {
		t.Fatalf("Install: %v", err)
	}
	if mode := ReadHost("/").Modes[name]; mode != "enforce" {
		t.Errorf("after Install, %s has mode %q, want enforce", name, mode)
	}
}
