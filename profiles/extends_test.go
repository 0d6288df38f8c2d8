package profiles

import (
	"reflect"
	"testing"
)

// TestExtends checks how a child applies to its parent: each case states
// the expected profile as a change to a base (the built-in default, or the
// schema defaults for a profile without extends).
func TestExtends(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // in one --profile-dir
		ref   string            // loaded
		base  string            // "default" = built-in default, "" = schema defaults
		want  func(p *Profile)  // applied to base
	}{
		{
			name:  "keys override",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\nuser: \"2000:2000\"\ninit: false\n"},
			ref:   "app",
			base:  "default",
			want:  func(p *Profile) { p.User, p.Init = "2000:2000", false },
		},
		{
			name:  "lists replace",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\ncap_add: [chown]\nrestart_allow: []\n"},
			ref:   "app",
			base:  "default",
			want:  func(p *Profile) { p.CapAdd, p.RestartAllow = []string{"CHOWN"}, []string{} },
		},
		{
			name:  "sections merge key by key",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\nseccomp:\n  base: strict\nlimits:\n  memory: 1g\n  memory_swap: 1g\n"},
			ref:   "app",
			base:  "default",
			want: func(p *Profile) {
				p.Seccomp.Base = "strict" // deny stays default's
				p.Limits.Memory, p.Limits.MemorySwap = "1g", "1g"
			},
		},
		{
			name:  "ulimits merge by name",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\nlimits:\n  ulimits: {nofile: 4096}\n"},
			ref:   "app",
			base:  "default",
			want: func(p *Profile) {
				p.Limits.Ulimits = map[string]string{"nofile": "4096", "core": "0:0"}
			},
		},
		{
			name:  "log options merge under the same driver",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\nlogging:\n  options: {compress: \"true\"}\n"},
			ref:   "app",
			base:  "default",
			want: func(p *Profile) {
				p.Logging.Options = map[string]string{"max-size": "10m", "max-file": "3", "compress": "true"}
			},
		},
		{
			name:  "another log driver starts from no options",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\nlogging:\n  driver: journald\nlogging_allow: [journald]\n"},
			ref:   "app",
			base:  "default",
			want:  func(p *Profile) { p.Logging, p.LoggingAllow = Logging{Driver: "journald"}, []string{"journald"} },
		},
		{
			name:  "null clears a plain default",
			files: map[string]string{"app.yaml": "version: 1\nextends: default\nuser: null\nlimits:\n  memory: ~\n  memory_swap: ~\nmax: null\n"},
			ref:   "app",
			base:  "default",
			want: func(p *Profile) {
				p.User, p.Limits.Memory, p.Limits.MemorySwap, p.Max = "", "", "", Max{}
			},
		},
		{
			name: "three levels",
			files: map[string]string{
				"a.yaml": "version: 1\nextends: b\ncap_add: [NET_RAW]\n",
				"b.yaml": "version: 1\nextends: c\nread_only: false\nnetwork: {publish: false}\n",
				"c.yaml": "version: 1\nuser: \"1:1\"\nnetwork: {default: none}\n",
			},
			ref: "a",
			want: func(p *Profile) {
				p.CapAdd = []string{"NET_RAW"}
				p.ReadOnly, p.Network.Publish = false, false
				p.User, p.Network.Default = "1:1", "none"
			},
		},
		{
			name:  "extending its own name gets the next one down",
			files: map[string]string{"default.yaml": "version: 1\nextends: default\nprivileged: false\ninit: false\n"},
			ref:   "default",
			base:  "default",
			want:  func(p *Profile) { p.Init = false },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			got, err := testLoader(t, dir).Load(tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			want := extendsBase(t, tc.base)
			tc.want(want)
			if a, b := content(got), content(want); !reflect.DeepEqual(a, b) {
				t.Errorf("Load(%q):\n got %+v\nwant %+v", tc.ref, a, b)
			}
		})
	}
}

func extendsBase(t *testing.T, name string) *Profile {
	t.Helper()
	if name == "" {
		p := schemaDefaults()
		return &p
	}
	p, err := testLoader(t).Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// content is p without what says where it came from, for comparisons.
func content(p *Profile) *Profile {
	c := p.clone()
	c.Name, c.Description, c.Extends, c.Source, c.Hash = "", "", "", "", ""
	c.Weakened, c.Warned = nil, nil // history and advice, not content
	return c
}

func TestExtendsOwnKeys(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.yaml": "version: 1\nextends: web\n"})
	p, err := testLoader(t, dir).Load("app")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "app" || p.Description != "" || p.Extends != "web" || p.Source != dir+"/app.yaml" {
		t.Errorf("Name, Description, Extends, Source = %q, %q, %q, %q; want app, \"\", web, %s/app.yaml",
			p.Name, p.Description, p.Extends, p.Source, dir)
	}
	if p.Network.PublishHostIP != "0.0.0.0" {
		t.Errorf("PublishHostIP = %q, want web's 0.0.0.0", p.Network.PublishHostIP)
	}
}
