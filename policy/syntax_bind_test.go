package policy

import (
	"path"
	"reflect"
	"strings"
	"testing"
)

func TestParseBind(t *testing.T) {
	tests := []struct {
		spec    string
		want    Bind
		wantErr string
	}{
		{spec: "/data", want: Bind{Target: "/data"}},
		{spec: "/data:rw", want: Bind{Target: "/data", Mode: "rw"}},
		{spec: "/data:ro,z", want: Bind{Target: "/data", Mode: "ro", Options: []string{"z"}}},
		{spec: "name:/data", want: Bind{Source: "name", Target: "/data"}},
		{spec: "/srv:/data:ro", want: Bind{Source: "/srv", Target: "/data", Mode: "ro"}},
		{spec: "/srv:/data:rw,ro", want: Bind{Source: "/srv", Target: "/data", Mode: "ro"}},
		{spec: "/srv:/data:Z,rshared,nocopy", want: Bind{Source: "/srv", Target: "/data", Options: []string{"Z", "rshared", "nocopy"}}},
		{spec: "/srv:/data:", want: Bind{Source: "/srv", Target: "/data"}},
		{spec: "./rel:/data", want: Bind{Source: "./rel", Target: "/data"}},
		// No drive letters: volume C on /x with an option the engine refuses.
		{spec: "C:/x:/data", want: Bind{Source: "C", Target: "/x", Options: []string{"/data"}}},
		{spec: "/a:/b:ro:z", wantErr: "invalid volume specification"},
		{spec: "data", wantErr: "the destination must be an absolute path"},
		{spec: "/srv:data", wantErr: "the destination must be an absolute path"},
		{spec: "", wantErr: "the destination must be an absolute path"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := ParseBind(tc.spec)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestBindMethods(t *testing.T) {
	b, err := ParseBind("/srv:/data:rslave,ro")
	if err != nil {
		t.Fatal(err)
	}
	if b.Propagation() != "rslave" || !b.ReadOnly() || !b.IsHostPath() || b.String() != "/srv:/data:ro,rslave" {
		t.Errorf("got %+v: propagation %q ro %v host %v string %q", b, b.Propagation(), b.ReadOnly(), b.IsHostPath(), b.String())
	}
	for src, host := range map[string]bool{"name": false, "": false, "./x": true, ".x": true, "/x": true, "a/b": true} {
		if IsHostPath(src) != host {
			t.Errorf("IsHostPath(%q) = %v", src, !host)
		}
	}
}

func TestSplitVolumeKey(t *testing.T) {
	for key, want := range map[string][2]string{"/data": {"/data", ""}, "/data:ro": {"/data", "ro"}} {
		if dst, mode := SplitVolumeKey(key); dst != want[0] || mode != want[1] {
			t.Errorf("SplitVolumeKey(%q) = %q, %q", key, dst, mode)
		}
	}
}

// FuzzParseBind: a value either fails or has an absolute target and a mode
// of ro, rw or none, no mode among its other options, and (with a source)
// spells itself back to an equal Bind.
func FuzzParseBind(f *testing.F) {
	for _, s := range []string{"/data", "/data:rw", "name:/data:ro,z", "/srv:/d:rshared", "a:b:c:d", ":/x:ro", "/x:ro,,rw"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		b, err := ParseBind(spec)
		if err != nil {
			return
		}
		if !path.IsAbs(b.Target) {
			t.Errorf("ParseBind(%q): target %q not absolute", spec, b.Target)
		}
		if b.Mode != "" && b.Mode != "ro" && b.Mode != "rw" {
			t.Errorf("ParseBind(%q): mode %q", spec, b.Mode)
		}
		for _, o := range b.Options {
			if o == "" || o == "ro" || o == "rw" {
				t.Errorf("ParseBind(%q): option %q kept", spec, o)
			}
		}
		if b.Source == "" {
			return
		}
		again, err := ParseBind(b.String())
		if err != nil || !reflect.DeepEqual(again, b) {
			t.Errorf("ParseBind(%q) = %+v; its String %q reads back as %+v, %v", spec, b, b.String(), again, err)
		}
	})
}
