package shellwords

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "run -p 8080:80 img", want: []string{"run", "-p", "8080:80", "img"}},
		{in: `--mount 'type=bind,src=/a b,dst=/x' sh -c "echo hi"`, want: []string{"--mount", "type=bind,src=/a b,dst=/x", "sh", "-c", "echo hi"}},
		{in: `''`, want: []string{""}},
		{in: "  a\tb\n", want: []string{"a", "b"}},
		{in: `"open`, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Split(tt.in)
			if (err != nil) != tt.err || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}
