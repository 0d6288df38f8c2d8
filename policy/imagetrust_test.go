package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
)

const trustDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

func TestJudgeImageTrust(t *testing.T) {
	pinned := "127.0.0.1:5000/team/app@" + trustDigest
	verified := &VerifiedImage{Pinned: pinned, Digest: trustDigest, Key: "/k.pub (sha256:abcd)"}
	for _, tc := range []struct {
		name, image string
		v           *VerifiedImage
		refused     bool
	}{
		{"tag verified", "127.0.0.1:5000/team/app:1", verified, false},
		{"untagged verified", "127.0.0.1:5000/team/app", verified, false},
		{"pinned verified", pinned, verified, false},
		{"not verified", "127.0.0.1:5000/team/app:1", nil, true},
		{"verification of another repository", "127.0.0.1:5000/team/other:1", verified, true},
		{"verification of another digest", "127.0.0.1:5000/team/app@sha256:" + strings.Repeat("2", 64), verified, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testProfile("default")
			p.Images.Allow = []string{"*"}
			p.Images.Signatures.Keys = []string{"/k.pub"}
			req := Request{Config: &container.Config{Image: tc.image}, HostConfig: &container.HostConfig{}}
			plan, err := Evaluate(req, p, ImageFacts{Verified: tc.v}, testHost())
			if tc.refused {
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "images.signatures.keys") {
					t.Fatalf("want a refusal naming images.signatures.keys, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.Request.Config.Image; got != pinned {
				t.Errorf("the engine would create from %q, want %q", got, pinned)
			}
			if got := plan.Request.Config.Labels[LabelImageVerified]; got != trustDigest {
				t.Errorf("label %s = %q", LabelImageVerified, got)
			}
			var b strings.Builder
			if err := plan.WriteExplain(&b, "text"); err != nil {
				t.Fatal(err)
			}
			if tc.image != pinned && !strings.Contains(b.String(), "verified by /k.pub (sha256:abcd)") {
				t.Errorf("explain does not say which key verified the digest:\n%s", b.String())
			}
		})
	}
}

func TestJudgeImageTrustNoKeys(t *testing.T) {
	req := Request{Config: &container.Config{Image: "alpine:3"}, HostConfig: &container.HostConfig{}}
	plan, err := Evaluate(req, testProfile("default"), ImageFacts{}, testHost())
	if err != nil || plan.Request.Config.Image != "alpine:3" || plan.Request.Config.Labels[LabelImageVerified] != "" {
		t.Fatalf("without keys nothing changes: %v %+v", err, plan.Request.Config)
	}
}

func TestClaimedVerification(t *testing.T) {
	pinned := "r/app@" + trustDigest
	for _, tc := range []struct {
		image, label string
		want         bool
	}{
		{pinned, trustDigest, true},
		{"r/app:1", trustDigest, false},
		{"r/app@sha256:" + strings.Repeat("2", 64), trustDigest, false},
		{pinned, "", false},
	} {
		got := ClaimedVerification(&container.Config{Image: tc.image, Labels: map[string]string{LabelImageVerified: tc.label}})
		if (got != nil) != tc.want {
			t.Errorf("image %s label %q: claimed %+v, want %v", tc.image, tc.label, got, tc.want)
		}
	}
}
