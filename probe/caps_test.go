package probe

import (
	"slices"
	"testing"
)

func TestCapNamesTable(t *testing.T) {
	if got := len(capNames); got != 41 {
		t.Fatalf("len(capNames) = %d, want 41 (CAP_CHOWN..CAP_CHECKPOINT_RESTORE)", got)
	}
	for bit, want := range map[int]string{
		capChown: "CAP_CHOWN", capSetuid: "CAP_SETUID", capNetRaw: "CAP_NET_RAW",
		capSysRawio: "CAP_SYS_RAWIO", capSysPtrace: "CAP_SYS_PTRACE", capSysAdmin: "CAP_SYS_ADMIN",
		capMknod: "CAP_MKNOD", capPerfmon: "CAP_PERFMON", capBPF: "CAP_BPF",
		40: "CAP_CHECKPOINT_RESTORE",
	} {
		if got := capName(bit); got != want {
			t.Errorf("capName(%d) = %q, want %q", bit, got, want)
		}
	}
}

func TestDecodeCaps(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want []string
	}{
		{"empty", "0000000000000000", []string{}},
		{"net bind service only", "0000000000000400", []string{"CAP_NET_BIND_SERVICE"}},
		{"docker default", "00000000a80425fb", []string{
			"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
			"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",
			"CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
		}},
		{"last known bit", "0000010000000000", []string{"CAP_CHECKPOINT_RESTORE"}},
		{"unknown bits", "8000060000000000", []string{"CAP_41", "CAP_42", "CAP_63"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, _, err := capSetFromHex(tt.hex)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(set.Names, tt.want) {
				t.Errorf("names = %v, want %v", set.Names, tt.want)
			}
			if set.Hex != tt.hex {
				t.Errorf("hex = %q, want %q", set.Hex, tt.hex)
			}
		})
	}
}

func TestDecodeCapsAllKnown(t *testing.T) {
	names := decodeCaps(1<<41 - 1)
	if !slices.Equal(names, capNames[:]) {
		t.Errorf("decodeCaps(all 41 bits) = %v", names)
	}
}

func TestParseCapMaskRejectsGarbage(t *testing.T) {
	for _, hex := range []string{"", "zz", "0x10", "10000000000000000"} {
		t.Run(hex, func(t *testing.T) {
			if _, err := parseCapMask(hex); err == nil {
				t.Errorf("parseCapMask(%q) succeeded, want an error", hex)
			}
		})
	}
}

func TestCapSetHas(t *testing.T) {
	set := CapSet{Hex: "0000000000002000", Names: []string{"CAP_NET_RAW"}}
	tests := []struct {
		name string
		want bool
	}{
		{"CAP_NET_RAW", true},
		{"net_raw", true},
		{"Cap_Net_Raw", true},
		{"NET_ADMIN", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := set.Has(tt.name); got != tt.want {
				t.Errorf("Has(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}
