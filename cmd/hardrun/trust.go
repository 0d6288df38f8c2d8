package main

import (
	"context"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/launcher"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// trust is image trust under p: nil (nothing of it runs) unless p
// requires signatures (images.signatures.keys).
func (a *app) trust(p *profiles.Profile) *launcher.Trust {
	return launcher.TrustFor(p, a.getenv, a.registryAuth)
}

// verifyForExplain verifies the image as run would (nothing is pulled), so
// explain shows which key verified which digest; a refusal is run's.
func (a *app) verifyForExplain(ctx context.Context, e launcher.Engine, p *profiles.Profile, ref, pull string) (*policy.VerifiedImage, error) {
	t := a.trust(p)
	if t == nil {
		return nil, nil
	}
	return launcher.VerifyImage(ctx, e, t, ref, pull)
}

// imageRef is the reference to inspect: the verified digest when there is one.
func imageRef(ref string, v *policy.VerifiedImage) string {
	if v != nil {
		return v.Pinned
	}
	return ref
}

// imageFacts are the image facts audit judges a container with: under a
// profile that requires signatures, the container's claimed verification
// (label and pinned digest), confirmed against the keys; an unconfirmed
// claim leaves Verified nil, which the judge refuses.
func (a *app) auditImageFacts(e launcher.Engine, p *profiles.Profile) func(context.Context, container.InspectResponse) policy.ImageFacts {
	t := a.trust(p)
	if t == nil {
		return nil
	}
	return func(ctx context.Context, c container.InspectResponse) policy.ImageFacts {
		return policy.ImageFacts{Verified: launcher.ConfirmVerified(ctx, e, t, c.Config)}
	}
}
