package policy

import (
	"os"
	"regexp"
	"testing"
)

// TestFieldConstantsHaveFlags: every Field constant is a key of flagNames,
// so a finding on it always has a flag to show.
func TestFieldConstantsHaveFlags(t *testing.T) {
	src, err := os.ReadFile("field.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := regexp.MustCompile(`(?m)^\t(Field\w+)\s+Field = "([^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(consts) == 0 {
		t.Fatal("no Field constants found in field.go")
	}
	for _, c := range consts {
		if _, ok := flagNames[Field(c[2])]; !ok {
			t.Errorf("%s = %q has no docker flag in flagNames", c[1], c[2])
		}
	}
}
