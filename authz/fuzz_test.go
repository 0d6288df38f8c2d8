package authz

import (
	"bytes"
	"context"
	"testing"
)

// FuzzAuthZRequest feeds arbitrary plugin calls to the decoder and the
// judge: never a panic, and a create is never allowed unless its body
// decodes.
func FuzzAuthZRequest(f *testing.F) {
	f.Add([]byte(`{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create?name=x","RequestBody":"eyJJbWFnZSI6ImFscGluZSJ9"}`))
	f.Add([]byte(`{"RequestMethod":"POST","RequestUri":"/containers/web/exec","RequestBody":"eyJVc2VyIjoiMCJ9"}`))
	f.Add([]byte(`{"RequestMethod":"GET","RequestUri":"/_ping"}`))
	f.Add([]byte(`{"RequestMethod":"POST","RequestUri":"/v1.41/volumes/create","RequestBody":"e30="}`))
	f.Add([]byte(`{"RequestMethod":"POST","RequestUri":"//v1.41/containers%2Fcreate/","RequestBody":"bnVsbA=="}`))
	j, _ := newTestJudge(f, nil, running("default"))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := DecodeRequest(bytes.NewReader(data))
		if err != nil {
			return
		}
		d := j.Decide(context.Background(), req)
		if !d.Allow && len(d.Reasons) == 0 {
			t.Fatalf("denied without a reason: %+v", d)
		}
		if r, err := parseRoute(req.RequestMethod, req.RequestURI); d.Allow && err == nil && r.kind == kindCreate {
			if _, err := DecodeCreate(req.RequestBody, "", ""); err != nil {
				t.Fatalf("create allowed with an undecodable body: %v", err)
			}
		}
	})
}
