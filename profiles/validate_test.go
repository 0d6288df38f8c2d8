package profiles

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestValidatePaths(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"good.yaml":  "version: 1\nextends: base\n",
		"base.yaml":  "version: 1\ndescription: a parent beside its child\n",
		"bad1.yaml":  "version: 1\ncap_add: [NET_RAWW]\nread_only: 1\n",
		"bad2.yml":   "version: 3\nextends: good\nname: other\n",
		"README.md":  "not a profile",
		"child.yaml": "version: 1\nextends: bad1\n", // bad1's errors once, not twice
	})
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{
			name:  "a directory",
			paths: []string{dir},
			want: []string{
				`bad1.yaml:2:11: unknown capability "NET_RAWW" (did you mean "NET_RAW"?)`,
				`bad1.yaml:3:12: read_only: want a boolean (true or false), got integer 1`,
				`bad2.yml:1:10: version: unsupported version 3 (this hardrun reads version 1)`,
				`bad2.yml:3:7: name: "other" does not match the file name (want "bad2")`,
			},
		},
		{
			name:  "good files",
			paths: []string{filepath.Join(dir, "good.yaml"), filepath.Join(dir, "base.yaml")},
		},
		{
			name:  "a missing path and an empty directory",
			paths: []string{filepath.Join(dir, "missing"), filepath.Join(dir, "empty")},
			want: []string{
				"validate: stat missing: no such file or directory",
				"validate: no NAME.yaml files in empty",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidatePaths(testLoader(t), tc.paths)
			if got := errLines(err, dir); !slices.Equal(got, tc.want) {
				t.Errorf("ValidatePaths:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
