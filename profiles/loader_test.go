package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// searchTree is a set of search directories under one temporary root.
type searchTree struct {
	root string
}

func (s searchTree) dir(key string) string {
	switch key {
	case "xdg":
		return filepath.Join(s.root, "xdg", "hardrun", "profiles")
	case "home":
		return filepath.Join(s.root, "home", ".config", "hardrun", "profiles")
	}
	return filepath.Join(s.root, key)
}

// put writes NAME.yaml into the directory key, with key as description.
func (s searchTree) put(t *testing.T, key, name string) {
	t.Helper()
	writeFiles(t, s.dir(key), map[string]string{
		name + ".yaml": "version: 1\nextends: default\ndescription: " + key + "\n",
	})
}

func (s searchTree) loader(envKV ...string) *Loader {
	for i := 1; i < len(envKV); i += 2 {
		envKV[i] = strings.ReplaceAll(envKV[i], "ROOT", s.root)
	}
	return newLoader(SearchOptions{
		ProfileDirs: []string{s.dir("flag1"), s.dir("flag2")},
		Getenv:      env(envKV...),
	}, s.dir("etc"))
}

func TestSearchOrder(t *testing.T) {
	allEnv := []string{
		"HARDRUN_PROFILE_PATH", "ROOT/path1:ROOT/path2",
		"XDG_CONFIG_HOME", "ROOT/xdg",
		"HOME", "ROOT/home",
	}
	tests := []struct {
		name string
		in   []string // directories holding web.yaml
		env  []string
		want string // description of the winner; "" = the built-in
	}{
		{name: "profile-dir first", in: []string{"flag1", "flag2", "path1", "xdg", "etc"}, env: allEnv, want: "flag1"},
		{name: "profile-dirs in order", in: []string{"flag2", "path1"}, env: allEnv, want: "flag2"},
		{name: "HARDRUN_PROFILE_PATH before XDG", in: []string{"path2", "xdg", "etc"}, env: allEnv, want: "path2"},
		{name: "HARDRUN_PROFILE_PATH in order", in: []string{"path1", "path2"}, env: allEnv, want: "path1"},
		{name: "XDG before /etc", in: []string{"xdg", "home", "etc"}, env: allEnv, want: "xdg"},
		{name: "XDG_CONFIG_HOME replaces HOME", in: []string{"home", "etc"}, env: allEnv, want: "etc"},
		{name: "HOME without XDG_CONFIG_HOME", in: []string{"home", "etc"}, env: []string{"HOME", "ROOT/home"}, want: "home"},
		{name: "relative XDG_CONFIG_HOME is ignored", in: []string{"home"}, env: []string{"XDG_CONFIG_HOME", "xdg", "HOME", "ROOT/home"}, want: "home"},
		{name: "/etc before the built-in", in: []string{"etc"}, env: allEnv, want: "etc"},
		{name: "the built-in last", env: allEnv, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := searchTree{root: t.TempDir()}
			for _, key := range tc.in {
				s.put(t, key, "web")
			}
			p, err := s.loader(slices.Clone(tc.env)...).Load("web")
			if err != nil {
				t.Fatal(err)
			}
			want, wantSource := tc.want, filepath.Join(s.dir(tc.want), "web.yaml")
			if tc.want == "" {
				want, wantSource = "Public network service - default, with -p published on every interface", BuiltinSource
			}
			if p.Description != want || p.Source != wantSource {
				t.Errorf("Load(web) = %q from %s, want %q from %s", p.Description, p.Source, want, wantSource)
			}
		})
	}
}

// TestBuiltinsExtendBuiltins: a user's loosened default shadows the
// built-in default, but strict still extends the built-in one.
func TestBuiltinsExtendBuiltins(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"default.yaml": "version: 1\nextends: default\nprivileged: true\nno_new_privileges: false\n"})
	l := testLoader(t, dir)
	def, err := l.Load("default")
	if err != nil || !def.Privileged {
		t.Fatalf("Load(default) = %+v, %v; want the user's, privileged", def, err)
	}
	strict, err := l.Load("strict")
	if err != nil {
		t.Fatal(err)
	}
	if strict.Privileged || !strict.NoNewPrivileges {
		t.Errorf("strict inherited the user's default: privileged %v, no_new_privileges %v", strict.Privileged, strict.NoNewPrivileges)
	}
}

func TestList(t *testing.T) {
	s := searchTree{root: t.TempDir()}
	s.put(t, "xdg", "default")
	s.put(t, "etc", "default")
	s.put(t, "flag1", "app")
	writeFiles(t, s.dir("flag2"), map[string]string{"broken.yaml": "version: 1\nnope: 1\n", "notes.txt": "not a profile"})
	entries, err := s.loader("XDG_CONFIG_HOME", "ROOT/xdg").List()
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Name: "app", Source: s.dir("flag1") + "/app.yaml", Description: "flag1", Shadows: []string{}},
		{Name: "broken", Source: s.dir("flag2") + "/broken.yaml", Shadows: []string{},
			Error: s.dir("flag2") + `/broken.yaml:2:1: unknown key "nope"`},
		{Name: "ci", Source: BuiltinSource, Description: "CI/build step - rw binds under the current directory (the workspace), build-sized limits", Shadows: []string{}},
		{Name: "default", Source: s.dir("xdg") + "/default.yaml", Description: "xdg",
			Shadows: []string{s.dir("etc") + "/default.yaml", BuiltinSource}},
		{Name: "dev", Source: BuiltinSource, Description: "Development - rw binds under the current directory, SYS_PTRACE permitted", Shadows: []string{}},
		{Name: "service", Source: BuiltinSource, Description: "Stateful service - named volumes rw by default, restart always/unless-stopped, /run writable", Shadows: []string{}},
		{Name: "strict", Source: BuiltinSource, Description: "Untrusted workloads - no network, strict seccomp, AppArmor required, no host binds", Shadows: []string{}},
		{Name: "unconfined", Source: BuiltinSource, Description: "Applies nothing and refuses nothing - exactly docker run (prints a warning)", Shadows: []string{}},
		{Name: "web", Source: BuiltinSource, Description: "Public network service - default, with -p published on every interface", Shadows: []string{}},
	}
	if !reflect.DeepEqual(entries, want) {
		t.Errorf("List():\n got %+v\nwant %+v", entries, want)
	}

	t.Run("text", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteList(&b, entries, "text"); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(b.String(), "\n")
		if !strings.HasPrefix(lines[0], "NAME") || !strings.Contains(lines[4], "(shadows "+s.dir("etc")+"/default.yaml, built-in)") ||
			!strings.Contains(lines[2], "INVALID: ") {
			t.Errorf("WriteList text:\n%s", b.String())
		}
	})
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteList(&b, entries, "json"); err != nil {
			t.Fatal(err)
		}
		var back []Entry
		if err := json.Unmarshal(b.Bytes(), &back); err != nil || !reflect.DeepEqual(back, entries) {
			t.Errorf("WriteList json does not read back (%v):\n%s", err, b.String())
		}
	})
	t.Run("unknown format", func(t *testing.T) {
		if err := WriteList(&bytes.Buffer{}, entries, "xml"); err == nil || err.Error() != `unknown format "xml" (want text or json)` {
			t.Errorf("WriteList xml: %v", err)
		}
	})
}

func TestDefaultName(t *testing.T) {
	tests := []struct {
		name string
		env  func(string) string
		want string
	}{
		{name: "unset", env: env(), want: "default"},
		{name: "HARDRUN_PROFILE", env: env("HARDRUN_PROFILE", "strict"), want: "strict"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoader(SearchOptions{Getenv: tc.env}, noSystemDir)
			if got := l.DefaultName(); got != tc.want {
				t.Errorf("DefaultName() = %q, want %q", got, tc.want)
			}
			p, err := l.Load("")
			if err != nil || p.Name != tc.want {
				t.Errorf("Load(\"\") = %v, %v; want %s", p, err, tc.want)
			}
		})
	}
}

func TestLoadRefs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app.yaml":    "version: 1\nextends: base\n",
		"base.yaml":   "version: 1\ndescription: sibling base\ninit: true\n",
		"short.yml":   "version: 1\n",
		"both.yaml":   "version: 1\n",
		"both.yml":    "version: 1\n",
		"noext":       "version: 1\nname: noext\n",
		"default.yml": "version: 1\nextends: default\ninit: false\n",
	})
	writeFiles(t, filepath.Join(dir, "a"), map[string]string{"default.yaml": "version: 1\nextends: default\ninit: false\n"})
	writeFiles(t, filepath.Join(dir, "b"), map[string]string{"default.yaml": "version: 1\nextends: default\nread_only: false\n"})
	tests := []struct {
		name    string
		dirs    []string
		ref     string
		wantErr string
		check   func(t *testing.T, p *Profile)
	}{
		{
			name: "a file's parent is found beside it",
			ref:  filepath.Join(dir, "app.yaml"),
			check: func(t *testing.T, p *Profile) {
				if !p.Init || p.Source != filepath.Join(dir, "app.yaml") {
					t.Errorf("Init, Source = %v, %s; want true from base.yaml, %s/app.yaml", p.Init, p.Source, dir)
				}
			},
		},
		{
			name:  "NAME.yml",
			dirs:  []string{dir},
			ref:   "short",
			check: func(t *testing.T, p *Profile) { checkSource(t, p, filepath.Join(dir, "short.yml")) },
		},
		{
			name:    "NAME.yaml and NAME.yml",
			dirs:    []string{dir},
			ref:     "both",
			wantErr: `look up profile "both": both both.yaml and both.yml exist`,
		},
		{
			name:  "a file without extension",
			ref:   filepath.Join(dir, "noext"),
			check: func(t *testing.T, p *Profile) { checkSource(t, p, filepath.Join(dir, "noext")) },
		},
		{
			name: "a shadowing default extends the built-in",
			dirs: []string{dir},
			ref:  "default",
			check: func(t *testing.T, p *Profile) {
				if p.Init || p.User != "10001:10001" {
					t.Errorf("Init, User = %v, %q; want false, the built-in's 10001:10001", p.Init, p.User)
				}
			},
		},
		{
			name: "a file in the search order resolves as if found there",
			dirs: []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")},
			ref:  filepath.Join(dir, "b", "default.yaml"),
			check: func(t *testing.T, p *Profile) {
				if !p.Init || p.ReadOnly {
					t.Errorf("Init, ReadOnly = %v, %v; want true (the built-in, not a/default.yaml), false", p.Init, p.ReadOnly)
				}
			},
		},
		{
			name:    "unknown name",
			dirs:    []string{dir},
			ref:     "nope",
			wantErr: `profile "nope" not found (searched DIR, /nonexistent/hardrun/profiles, built-in)`,
		},
		{
			name:    "not a name",
			ref:     "a b",
			wantErr: `"a b" is not a profile name (letters, digits, '_', '.', '-') nor a file`,
		},
		{
			name:    "missing file",
			ref:     filepath.Join(dir, "missing.yaml"),
			wantErr: "read profile: open missing.yaml: no such file or directory",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := testLoader(t, tc.dirs...).Load(tc.ref)
			if tc.wantErr != "" {
				if got := strings.Join(errLines(err, dir), "\n"); got != tc.wantErr {
					t.Fatalf("Load(%q) error = %q, want %q", tc.ref, got, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, p)
		})
	}
}

func checkSource(t *testing.T, p *Profile, want string) {
	t.Helper()
	if p.Source != want {
		t.Errorf("Source = %q, want %q", p.Source, want)
	}
}

func TestNotFound(t *testing.T) {
	_, err := testLoader(t).Load("nope")
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, ErrProfileNotFound) {
		t.Errorf("Load(nope) = %v, want ErrNotFound", err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": "version: 1\nextends: nope\n"})
	if _, err := testLoader(t, dir).Load("app"); errors.Is(err, ErrNotFound) {
		t.Errorf("a missing parent is ErrNotFound (%v): the profile exists and is invalid", err)
	}
}

func TestLoaderCache(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": "version: 1\nextends: default\n"})
	l := testLoader(t, dir)
	first, err := l.Load("app")
	if err != nil {
		t.Fatal(err)
	}
	first.CapAdd[0] = "SYS_ADMIN" // the caller's copy, not the cache
	if err := os.WriteFile(filepath.Join(dir, "app.yaml"), []byte("broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	second, err := l.Load("app")
	if err != nil {
		t.Fatalf("second Load read the file again: %v", err)
	}
	if second.CapAdd[0] != "NET_BIND_SERVICE" {
		t.Errorf("second Load CapAdd = %v: the cached profile was modified", second.CapAdd)
	}
}

func TestHash(t *testing.T) {
	a, _ := testLoader(t).Load("default")
	b, _ := testLoader(t).Load("web")
	if len(a.Hash) != 64 || a.Hash == b.Hash {
		t.Errorf("Hash default = %q, web = %q: want distinct hex SHA-256", a.Hash, b.Hash)
	}
}

// TestLoaderConcurrent is for -race: one Loader shared by goroutines.
func TestLoaderConcurrent(t *testing.T) {
	l := testLoader(t)
	done := make(chan error)
	for _, name := range []string{"default", "strict", "web", "dev", "unconfined", "default"} {
		go func() {
			p, err := l.Load(name)
			if err == nil {
				_, err = l.List()
				p.CapDrop = nil
			}
			done <- err
		}()
	}
	for range 6 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestHashIsTheProfilesOwn: a profile's hash is of its own content even
// when its parent was handed out first by the same loader (the child's
// copy of the parent once carried the parent's hash).
func TestHashIsTheProfilesOwn(t *testing.T) {
	l := testLoader(t)
	l.fromYAML = true
	parent, err := l.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	child, err := l.Load("web")
	if err != nil {
		t.Fatal(err)
	}
	alone := testLoader(t)
	alone.fromYAML = true
	want, err := alone.Load("web")
	if err != nil {
		t.Fatal(err)
	}
	if child.Hash == parent.Hash || child.Hash != want.Hash || child.Hash != child.hash() {
		t.Errorf("web's hash %s after default's %s; alone it is %s, its content's is %s", child.Hash, parent.Hash, want.Hash, child.hash())
	}
}
