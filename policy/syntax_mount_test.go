package policy

import (
	"strings"
	"testing"

	"github.com/moby/moby/api/types/mount"
)

func TestParseMount(t *testing.T) {
	tests := []struct {
		value   string
		check   func(t *testing.T, m MountSpec)
		wantErr string
	}{
		{value: "Type=BIND,Source=/x,Target=/y,RO", check: func(t *testing.T, m MountSpec) {
			if m.Type != mount.TypeBind || m.Source != "/x" || m.Target != "/y" || !m.ReadOnly {
				t.Errorf("got %+v", m)
			}
		}},
		{value: "dst=/v", check: func(t *testing.T, m MountSpec) {
			if m.Type != mount.TypeVolume || m.VolumeOptions != nil {
				t.Errorf("got %+v, want a plain volume mount", m)
			}
		}},
		{value: "type=bind,src=/x,dst=/y,bind-nonrecursive", check: func(t *testing.T, m MountSpec) {
			if m.BindOptions == nil || !m.BindOptions.NonRecursive {
				t.Errorf("got %+v: docker 28 still takes bind-nonrecursive", m.BindOptions)
			}
		}},
		{value: `dst=/v,volume-label=a=b=c,"volume-opt=o=x,y",volume-driver=local`, check: func(t *testing.T, m MountSpec) {
			v := m.VolumeOptions
			if v == nil || v.Labels["a"] != "b=c" || v.DriverConfig.Options["o"] != "x,y" || v.DriverConfig.Name != "local" {
				t.Errorf("got %+v", v)
			}
		}},
		{value: "type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=700", check: func(t *testing.T, m MountSpec) {
			if m.TmpfsOptions == nil || m.TmpfsOptions.SizeBytes != 64<<20 || m.TmpfsOptions.Mode != 0o700 {
				t.Errorf("got %+v", m.TmpfsOptions)
			}
		}},
		{value: "type=bind,src=./rel,dst=/y", check: func(t *testing.T, m MountSpec) {
			if m.Source != "./rel" {
				t.Errorf("Source %q: relative sources are resolved by Request, not while parsing", m.Source)
			}
		}},
		{value: "type=volume,src=v,dst=/v,readonly=false", check: func(t *testing.T, m MountSpec) {
			if m.ReadOnly || !m.ExplicitRW {
				t.Errorf("got ReadOnly %v ExplicitRW %v, want an explicit rw", m.ReadOnly, m.ExplicitRW)
			}
		}},
		{value: "dst=/v,ro=0,readonly", check: func(t *testing.T, m MountSpec) {
			if !m.ReadOnly || m.ExplicitRW {
				t.Errorf("got ReadOnly %v ExplicitRW %v: the last readonly field wins", m.ReadOnly, m.ExplicitRW)
			}
		}},
		{value: "dst=/v", check: func(t *testing.T, m MountSpec) {
			if m.ExplicitRW {
				t.Error("ExplicitRW without a readonly field")
			}
		}},
		{value: "", wantErr: "EOF"},
		{value: "type=bind,src=/x", wantErr: "target is required"},
		{value: "type=,dst=/x", wantErr: "type is required"},
		{value: "dst=/x,bogus=1", wantErr: "unexpected key 'bogus' in 'bogus=1'"},
		{value: "dst=/x,bogus", wantErr: "invalid field 'bogus' must be a key=value pair"},
		{value: "dst=/x,ro=maybe", wantErr: "invalid value for ro: maybe"},
		{value: "type=bind,dst=/x,volume-nocopy", wantErr: "cannot mix 'volume-*' options with mount type 'bind'"},
		{value: "type=tmpfs,dst=/x,tmpfs-size=1q", wantErr: "invalid value for tmpfs-size: 1q"},
		{value: "type=bind,dst=/x,bind-recursive=sometimes", wantErr: `invalid value for bind-recursive: sometimes (must be "enabled", "disabled", "writable", or "readonly")`},
		{value: "type=bind,dst=/x,bind-recursive=writable", wantErr: "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction"},
		{value: "type=bind,dst=/x,ro,bind-recursive=readonly", wantErr: "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction"},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			m, err := ParseMount(tc.value)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, m)
		})
	}
}

// FuzzParseMount: any input either fails or gives a mount with a type and
// a target, whose explicit rw agrees with its mode.
func FuzzParseMount(f *testing.F) {
	for _, s := range []string{"type=bind,src=/x,dst=/y,ro", "dst=/v,readonly=false", `"volume-opt=o=a,b",dst=/v`, "type=tmpfs,dst=/t,tmpfs-size=1g"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		m, err := ParseMount(spec)
		if err != nil {
			return
		}
		if m.Type == "" || m.Target == "" {
			t.Errorf("ParseMount(%q) = %+v: no type or target", spec, m)
		}
		if m.ExplicitRW && m.ReadOnly {
			t.Errorf("ParseMount(%q): explicit rw on a read-only mount", spec)
		}
		if m.ExplicitRW && !strings.Contains(strings.ToLower(spec), "r") {
			t.Errorf("ParseMount(%q): explicit rw without a readonly field", spec)
		}
	})
}
