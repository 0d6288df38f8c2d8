package imagetrust

import (
	"context"
	"errors"
	"fmt"
)

// ErrUnverified is wrapped by every failure to verify: no signature, no
// signature by these keys, a malformed signature manifest, a registry that
// errs or does not answer. The caller refuses the image.
var ErrUnverified = errors.New("image signature not verified")

// Verifier verifies digests against one key set.
type Verifier struct {
	Keys     *KeySet
	Registry Registry
	Cache    *Cache // nil: no cache
}

// Result is a verified digest and the key that verified it.
type Result struct {
	Digest string
	Key    Key
	Cached bool // found in the cache: no registry was asked
}

// Verify checks that digest, in repo, carries a cosign signature by one of
// the keys. A cached verification is returned without asking the registry.
func (v *Verifier) Verify(ctx context.Context, repo Repo, digest string) (Result, error) {
	if !validDigest(digest) {
		return Result{}, fmt.Errorf("%w: digest %q is not sha256:<hex>", ErrUnverified, digest)
	}
	if k, ok := v.Cache.Lookup(digest, v.Keys); ok {
		return Result{Digest: digest, Key: k, Cached: true}, nil
	}
	if err := v.Keys.parse(); err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrUnverified, err)
	}
	k, err := v.verifyAtRegistry(ctx, repo, digest)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %s@%s: %v", ErrUnverified, repo, digest, err)
	}
	v.Cache.Store(digest, v.Keys, k)
	return Result{Digest: digest, Key: k}, nil
}

func (v *Verifier) verifyAtRegistry(ctx context.Context, repo Repo, digest string) (Key, error) {
	m, err := v.Registry.Manifest(ctx, repo, SignatureTag(digest))
	if errors.Is(err, ErrNotFound) {
		return Key{}, fmt.Errorf("not signed: no signature manifest at tag %s", SignatureTag(digest))
	}
	if err != nil {
		return Key{}, fmt.Errorf("fetch signatures: %w", err)
	}
	layers, err := ParseSignatureManifest(m)
	if err != nil {
		return Key{}, err
	}
	var reasons []error
	for _, l := range layers {
		k, err := v.verifyLayer(ctx, repo, digest, l)
		if err == nil {
			return k, nil
		}
		reasons = append(reasons, err)
	}
	return Key{}, summarize(reasons, len(layers))
}

// errNoKey: the layer is well formed but no trusted key signed it.
var errNoKey = errors.New("signed by none of the keys")

// verifyLayer checks one signature: by a trusted key, over a payload that
// binds digest.
func (v *Verifier) verifyLayer(ctx context.Context, repo Repo, digest string, l SignatureLayer) (Key, error) {
	payload, err := v.payload(ctx, repo, digest, l)
	if err != nil {
		return Key{}, err
	}
	for _, k := range v.Keys.Keys {
		if !VerifySignature(k.pub, payload, l.Signature) {
			continue
		}
		if err := CheckPayload(payload, digest); err != nil {
			return Key{}, err
		}
		return k, nil
	}
	return Key{}, errNoKey
}

// payload returns the layer's payload: cosign's standard payload when its
// hash is the layer's digest (no round trip), else the blob.
func (v *Verifier) payload(ctx context.Context, repo Repo, digest string, l SignatureLayer) ([]byte, error) {
	names := []string{repo.String()}
	if repo.Domain == "docker.io" {
		names = append(names, "index."+repo.String()) // go-containerregistry's spelling
	}
	for _, name := range names {
		if p := StandardPayload(name, digest); int64(len(p)) == l.Size && sha256Digest(p) == l.Digest {
			return p, nil
		}
	}
	b, err := v.Registry.Blob(ctx, repo, l.Digest, MaxPayloadBytes)
	if err != nil {
		return nil, fmt.Errorf("fetch signature payload: %w", err)
	}
	if int64(len(b)) != l.Size {
		return nil, fmt.Errorf("signature payload %s: %d bytes, the manifest says %d", l.Digest, len(b), l.Size)
	}
	return b, nil
}

// summarize says why no layer verified: the most telling reason first.
func summarize(reasons []error, n int) error {
	for _, r := range reasons {
		if errors.Is(r, ErrPayload) {
			return r
		}
	}
	for _, r := range reasons {
		if !errors.Is(r, errNoKey) {
			return r
		}
	}
	if n == 1 {
		return errors.New("the signature is by none of the keys in images.signatures.keys")
	}
	return fmt.Errorf("none of the %d signatures is by a key in images.signatures.keys", n)
}
