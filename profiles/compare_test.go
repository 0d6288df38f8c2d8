package profiles

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Profile)
		want   []string // "effect key: text"
	}{
		{"nothing", func(*Profile) {}, nil},
		{"a requirement relaxed", func(p *Profile) { p.NoNewPrivileges, p.Privileged = false, true },
			[]string{"looser privileged: false -> true", "looser no_new_privileges: true -> false"}},
		{"restriction and permission lists", func(p *Profile) {
			p.Seccomp.Deny = append(slices.Clone(defaultDeny[1:]), "chroot")
			p.CapAllow = []string{"NET_RAW"}
		}, []string{`looser cap_allow: "NET_RAW" added`, `looser seccomp.deny: "keyctl" removed`, `tighter seccomp.deny: "chroot" added`}},
		{"ordered values", func(p *Profile) { p.Seccomp.Base, p.AppArmor.Mode, p.Volumes.DefaultMode = "strict", "off", "rw" },
			[]string{"tighter seccomp.base: default -> strict", "looser apparmor.mode: if-available -> off", "looser volumes.default_mode: ro -> rw"}},
		{"limits: more and unset are looser", func(p *Profile) { p.Limits.Memory, p.Limits.Pids, p.Limits.CPUs = "1g", 0, "0.5" },
			[]string{"looser limits.memory: 512m -> 1g", "tighter limits.cpus: 1.0 -> 0.5", "looser limits.pids: 256 -> (unset)"}},
		{"the same amount spelt otherwise", func(p *Profile) { p.Limits.Memory = "536870912" }, nil},
		{"swap unlimited", func(p *Profile) { p.Limits.MemorySwap = "-1" }, []string{"looser limits.memory_swap: 512m -> -1"}},
		{"publish beyond loopback", func(p *Profile) { p.Network.PublishHostIP = "0.0.0.0" },
			[]string{"looser network.publish_host_ip: 127.0.0.1 -> 0.0.0.0"}},
		{"network default", func(p *Profile) { p.Network.Default = "none" }, []string{"tighter network.default: isolated -> none"}},
		{"tmpfs", func(p *Profile) {
			p.Tmpfs = []string{"/tmp:rw,exec,size=64m", "/run:size=1m", "/dev/x:dev"}
		}, []string{`looser tmpfs: "/dev/x" added`, `changed tmpfs: "/run" added`, "looser tmpfs[/tmp]: /tmp:rw,noexec,nosuid,nodev,size=64m -> /tmp:rw,exec,size=64m"}},
		{"tmpfs smaller", func(p *Profile) { p.Tmpfs = []string{"/tmp:rw,noexec,nosuid,nodev,size=8m"} },
			[]string{"tighter tmpfs[/tmp]: /tmp:rw,noexec,nosuid,nodev,size=64m -> /tmp:rw,noexec,nosuid,nodev,size=8m"}},
		{"ulimits", func(p *Profile) { p.Limits.Ulimits = map[string]string{"nofile": "1024:4096", "core": "0:0"} },
			[]string{"looser limits.ulimits[nofile]: 1024:1024 -> 1024:4096"}},
		{"signature keys", func(p *Profile) { p.Images.Signatures.Keys = []string{"/k.pub"} }, []string{"tighter images.signatures.keys: (unset) -> /k.pub"}},
		{"log driver", func(p *Profile) { p.Logging.Driver, p.LoggingAllow = "local", []string{"local"} },
			[]string{"changed logging.driver: json-file -> local", `tighter logging_allow: "json-file" removed`, `tighter logging_allow: "none" removed`}},
		{"root user", func(p *Profile) { p.User = "0:0" }, []string{"looser user: 10001:10001 -> 0:0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := extendsBase(t, "default")
			b := a.clone()
			tc.change(b)
			var got []string
			for _, c := range Compare(a, b) {
				got = append(got, string(c.Effect)+" "+c.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Compare:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestCompareCoversEverySchemaKey: a key added to the schema without a
// comparison would make `profiles diff` and Weakenings blind to it.
func TestCompareCoversEverySchemaKey(t *testing.T) {
	var keys []string
	var walk func(ks []key, prefix string)
	walk = func(ks []key, prefix string) {
		for _, k := range ks {
			switch {
			case k.kind == kindSection:
				walk(k.keys, prefix+k.name+".")
			case !slices.Contains([]string{"version", "name", "description", "extends"}, k.name):
				keys = append(keys, prefix+k.name)
			}
		}
	}
	walk(fileKeys, "")
	for _, k := range keys {
		if !slices.ContainsFunc(aspects, func(a aspect) bool { return a.key == k }) {
			t.Errorf("schema key %s is not compared (add it to aspects)", k)
		}
	}
}

func TestDiffWrite(t *testing.T) {
	a, b := extendsBase(t, "default"), extendsBase(t, "dev")
	var text, js bytes.Buffer
	if err := NewDiff(a, b).Write(&text, "text"); err != nil {
		t.Fatal(err)
	}
	want := `dev permits what default does not:
  cap_allow: "SYS_PTRACE" added
  seccomp.deny: "ptrace" removed
  seccomp.allow: "ptrace" added
  volumes.allow_rw: "$PWD" added
  volumes.allow_rw: "$PWD/**" added
dev tightens:
  (nothing)
other defaults:
  (nothing)
`
	if text.String() != want {
		t.Errorf("text:\n%s\nwant\n%s", text.String(), want)
	}
	if err := NewDiff(b, a).Write(&js, "json"); err != nil {
		t.Fatal(err)
	}
	var d Diff
	if err := json.Unmarshal(js.Bytes(), &d); err != nil || len(d.Tighter) != 5 || len(d.Looser) != 0 || d.From != "dev" {
		t.Errorf("json: %+v, %v\n%s", d, err, js.String())
	}
}
