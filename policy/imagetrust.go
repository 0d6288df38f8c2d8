package policy

import (
	"strings"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/profiles"
)

// LabelImageVerified records on a container the registry digest whose
// signature was verified against the profile's images.signatures.keys.
const LabelImageVerified = "io.hardrun.image.verified"

// keySignatures is the key every signature refusal and change names.
const keySignatures = "images.signatures.keys"

// VerifiedImage is an image whose registry digest the caller verified
// against the profile's keys (package imagetrust; the judge does no I/O).
type VerifiedImage struct {
	Pinned string // repo@sha256:...: what the engine must create from
	Digest string // sha256:...
	Key    string // the key that verified it: path (sha256:fingerprint…)
}

// judgeImageTrust, under a profile with signature keys, makes the
// verified digest what the engine creates from (a tag moved since cannot
// slip in) and labels the container with it. An image the caller did not
// verify is refused: the judge fails closed when a path forgets to verify.
// It runs after judgeImage, which judges the reference as the user wrote it.
func (e *evaluation) judgeImageTrust() {
	if len(e.p.Images.Signatures.Keys) == 0 {
		return
	}
	v := e.img.Verified
	if v == nil || !samePinned(e.cfg.Image, v) {
		e.refuse(item("Config.Image", e.cfg.Image), keyList(keySignatures, e.p.Images.Signatures.Keys),
			"its registry digest was not verified against the keys")
		return
	}
	if e.cfg.Image != v.Pinned {
		e.cfg.Image = v.Pinned
		e.change("Config.Image", v.Pinned, keySignatures, "verified by "+v.Key)
	}
	if e.cfg.Labels == nil {
		e.cfg.Labels = map[string]string{}
	}
	e.setLabel(LabelImageVerified, v.Digest)
}

// samePinned: the verification is of the image the request names (the
// pinned reference, or a reference of the same repository).
func samePinned(ref string, v *VerifiedImage) bool {
	repo, _, _ := strings.Cut(v.Pinned, "@")
	if ref == v.Pinned {
		return true
	}
	name := normalizeImageRef(ref)
	name, digest, hasDigest := strings.Cut(name, "@")
	if hasDigest && digest != v.Digest {
		return false
	}
	if !hasDigest {
		if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
			name = name[:i]
		}
	}
	return name == normalizeRepo(repo)
}

// normalizeRepo spells a repository as normalizeImageRef does, without a tag.
func normalizeRepo(repo string) string {
	n := normalizeImageRef(repo + "@x")
	return strings.TrimSuffix(n, "@x")
}

// ClaimedVerification reads what a container claims: the verified label
// and an image pinned to that digest. The caller must confirm the claim
// (anyone can set a label) before passing it to Evaluate as
// ImageFacts.Verified; nil when the container claims nothing coherent.
func ClaimedVerification(cfg *container.Config) *VerifiedImage {
	if cfg == nil {
		return nil
	}
	digest := cfg.Labels[LabelImageVerified]
	_, pinned, ok := strings.Cut(cfg.Image, "@")
	if digest == "" || !ok || pinned != digest {
		return nil
	}
	return &VerifiedImage{Pinned: cfg.Image, Digest: digest}
}

// JudgeImageReference judges a reference alone against images.allow and
// images.require_digest, with the judge's own rule, so that the caller can
// refuse an image before asking its registry anything.
func JudgeImageReference(p *profiles.Profile, ref string) []Refusal {
	e := newEvaluation(Request{Config: &container.Config{Image: ref}}, p, ImageFacts{}, HostFacts{})
	e.judgeImage()
	return e.plan.Refusals
}
