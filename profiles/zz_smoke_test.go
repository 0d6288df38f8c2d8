package profiles

import (
	"fmt"
	"testing"
)

func TestSmoke(t *testing.T) {
	l := newLoader(SearchOptions{Getenv: func(string) string { return "" }}, t.TempDir())
	for _, n := range []string{"default", "strict", "web", "dev", "unconfined"} {
		p, err := l.Load(n)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := p.YAML()
		fmt.Printf("=== %s %s\n%s", n, p.Hash, b)
	}
}
