package authz

import (
	"context"
	"testing"
)

// BenchmarkDecideCreate is the plugin's own CPU for hardrun's create,
// without the engine round trips (the fake answers them).
func BenchmarkDecideCreate(b *testing.B) {
	j, _ := newTestJudge(b, nil, &fakeEngine{})
	req := call("POST", "/v1.41/containers/create?name=web", createBody(b, hardened(b, "default", plain("alpine"))))
	for b.Loop() {
		if d := j.Decide(context.Background(), req); !d.Allow {
			b.Fatal(d.Message())
		}
	}
}
