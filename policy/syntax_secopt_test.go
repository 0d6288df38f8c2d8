package policy

import (
	"strings"
	"testing"
)

func TestParseSecurityOpt(t *testing.T) {
	tests := []struct {
		raw                string
		key, value, sep    string
		inlineJSON, isBool bool
		boolValue          bool
	}{
		{raw: "no-new-privileges", key: "no-new-privileges", value: "true", isBool: true, boolValue: true},
		{raw: "no-new-privileges=0", key: "no-new-privileges", value: "0", sep: "=", isBool: true},
		{raw: "no-new-privileges:true", key: "no-new-privileges", value: "true", sep: ":", isBool: true, boolValue: true},
		{raw: "no-new-privileges=yes", key: "no-new-privileges", value: "yes", sep: "="},
		{raw: "disable", key: "label", value: "disable"},
		{raw: "label=disable", key: "label", value: "disable", sep: "="},
		{raw: "label:type:svirt_t", key: "label", value: "type:svirt_t", sep: ":"},
		{raw: "apparmor=a:b", key: "apparmor", value: "a:b", sep: "="},
		{raw: "a:b=c", key: "a:b", value: "c", sep: "="},
		{raw: `seccomp={"defaultAction":"SCMP_ACT_ALLOW"}`, key: "seccomp", value: `{"defaultAction":"SCMP_ACT_ALLOW"}`, sep: "=", inlineJSON: true},
		{raw: "seccomp=unconfined", key: "seccomp", value: "unconfined", sep: "="},
		{raw: "bogus", key: "bogus"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			o := ParseSecurityOpt(tc.raw)
			if o.Raw != tc.raw || o.Key != tc.key || o.Value != tc.value || o.Sep != tc.sep {
				t.Errorf("got %+v, want key %q value %q sep %q", o, tc.key, tc.value, tc.sep)
			}
			if o.IsInlineJSON() != tc.inlineJSON {
				t.Errorf("IsInlineJSON = %v", !tc.inlineJSON)
			}
			if v, err := o.Bool(); (err == nil) != tc.isBool || v != tc.boolValue {
				t.Errorf("Bool() = %v, %v", v, err)
			}
		})
	}
	if !HasSecurityOpt([]string{"seccomp=x", "disable"}, "label") || HasSecurityOpt([]string{"seccomp=x"}, "apparmor") {
		t.Error("HasSecurityOpt")
	}
}

// FuzzParseSecurityOpt: the key and value always come from the raw text:
// KEY SEP VALUE spells it again, except the two bare legacy words.
func FuzzParseSecurityOpt(f *testing.F) {
	for _, s := range []string{"no-new-privileges", "seccomp=x", "label:disable", "disable", "a=b:c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		o := ParseSecurityOpt(raw)
		if o.Raw != raw {
			t.Fatalf("Raw %q, want %q", o.Raw, raw)
		}
		if raw == "disable" || raw == "no-new-privileges" {
			return
		}
		if o.Key+o.Sep+o.Value != raw {
			t.Errorf("ParseSecurityOpt(%q) = %+v: does not spell the input", raw, o)
		}
		if o.Sep == ":" && strings.Contains(raw, "=") {
			t.Errorf("ParseSecurityOpt(%q): split at ':' though there is an '='", raw)
		}
	})
}
