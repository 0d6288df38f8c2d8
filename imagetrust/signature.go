package imagetrust

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// What cosign writes (github.com/sigstore/cosign/v2/pkg/oci/static and
// github.com/sigstore/sigstore/pkg/signature/payload).
const (
	SignatureLayerType  = "application/vnd.dev.cosign.simplesigning.v1+json"
	SignatureAnnotation = "dev.cosignproject.cosign/signature"
	PayloadType         = "cosign container image signature"
)

// Bounds on what a registry may hand us. A cosign payload is a few hundred
// bytes (more with -a annotations); a signature at most 512 (RSA-4096);
// each `cosign sign` appends one layer.
const (
	MaxManifestBytes  = 1 << 20
	MaxPayloadBytes   = 64 << 10
	MaxSignatureBytes = 2048
	MaxLayers         = 64
)

// SignatureLayer is one signature of a signature manifest: the payload's
// digest and size (a blob in the repository) and the signature over it.
type SignatureLayer struct {
	Digest    string // sha256:<hex> of the payload
	Size      int64
	Signature []byte
}

// Manifest media types a signature manifest may have: cosign writes OCI;
// registries that convert may serve Docker's schema 2.
var manifestTypes = map[string]bool{
	"": true, // OCI allows the field to be absent
	"application/vnd.oci.image.manifest.v1+json":           true,
	"application/vnd.docker.distribution.manifest.v2+json": true,
}

type manifestJSON struct {
	SchemaVersion int    `json:"schemaVersion"`
	MediaType     string `json:"mediaType"`
	Layers        []struct {
		MediaType   string            `json:"mediaType"`
		Digest      string            `json:"digest"`
		Size        int64             `json:"size"`
		Annotations map[string]string `json:"annotations"`
	} `json:"layers"`
}

// ParseSignatureManifest reads the signature layers of a signature
// manifest. Layers of another type are skipped; a manifest with none, or
// with a malformed signature layer, is an error.
func ParseSignatureManifest(b []byte) ([]SignatureLayer, error) {
	if len(b) > MaxManifestBytes {
		return nil, fmt.Errorf("signature manifest of %d bytes: more than %d", len(b), MaxManifestBytes)
	}
	var m manifestJSON
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("signature manifest: %w", err)
	}
	if m.SchemaVersion != 2 || !manifestTypes[m.MediaType] {
		return nil, fmt.Errorf("signature manifest: schema %d, media type %q: not an image manifest", m.SchemaVersion, m.MediaType)
	}
	if len(m.Layers) > MaxLayers {
		return nil, fmt.Errorf("signature manifest: %d layers, more than %d", len(m.Layers), MaxLayers)
	}
	var out []SignatureLayer
	for i, l := range m.Layers {
		if l.MediaType != SignatureLayerType {
			continue
		}
		sl, err := signatureLayer(l.Digest, l.Size, l.Annotations[SignatureAnnotation])
		if err != nil {
			return nil, fmt.Errorf("signature manifest: layer %d: %w", i, err)
		}
		out = append(out, sl)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("signature manifest: no %s layer", SignatureLayerType)
	}
	return out, nil
}

func signatureLayer(digest string, size int64, sig64 string) (SignatureLayer, error) {
	if !validDigest(digest) {
		return SignatureLayer{}, fmt.Errorf("digest %q: want sha256:<64 hex>", digest)
	}
	if size <= 0 || size > MaxPayloadBytes {
		return SignatureLayer{}, fmt.Errorf("payload size %d: want 1 to %d bytes", size, MaxPayloadBytes)
	}
	if sig64 == "" {
		return SignatureLayer{}, fmt.Errorf("no %s annotation", SignatureAnnotation)
	}
	if len(sig64) > base64.StdEncoding.EncodedLen(MaxSignatureBytes) {
		return SignatureLayer{}, fmt.Errorf("signature longer than %d bytes", MaxSignatureBytes)
	}
	sig, err := base64.StdEncoding.DecodeString(sig64)
	if err != nil {
		return SignatureLayer{}, fmt.Errorf("signature: %w", err)
	}
	return SignatureLayer{Digest: digest, Size: size, Signature: sig}, nil
}

// validDigest: sha256:<64 lower-case hex>, the only digest hardrun pins to.
func validDigest(d string) bool {
	h, ok := strings.CutPrefix(d, "sha256:")
	if !ok || len(h) != 64 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// SignatureTag is where cosign stores the signatures of digest.
func SignatureTag(digest string) string {
	return strings.Replace(digest, ":", "-", 1) + ".sig"
}

// payloadJSON is the part of the simple-signing payload that binds it.
type payloadJSON struct {
	Critical *struct {
		Image *struct {
			Digest string `json:"docker-manifest-digest"`
		} `json:"image"`
		Type string `json:"type"`
	} `json:"critical"`
}

// ErrPayload is wrapped when a payload does not bind the digest.
var ErrPayload = errors.New("signature payload does not bind the image")

// CheckPayload checks that payload is a cosign image signature of digest.
// Duplicate keys are refused: encoding/json keeps the last, another reader
// the first, and the signed statement must mean one thing.
func CheckPayload(payload []byte, digest string) error {
	if len(payload) > MaxPayloadBytes {
		return fmt.Errorf("%w: payload of %d bytes, more than %d", ErrPayload, len(payload), MaxPayloadBytes)
	}
	if err := noDuplicateKeys(payload); err != nil {
		return fmt.Errorf("%w: %v", ErrPayload, err)
	}
	var p payloadJSON
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("%w: %v", ErrPayload, err)
	}
	switch {
	case p.Critical == nil:
		return fmt.Errorf("%w: no critical section", ErrPayload)
	case p.Critical.Type != PayloadType:
		return fmt.Errorf("%w: type %q, want %q", ErrPayload, p.Critical.Type, PayloadType)
	case p.Critical.Image == nil || p.Critical.Image.Digest != digest:
		got := ""
		if p.Critical.Image != nil {
			got = p.Critical.Image.Digest
		}
		return fmt.Errorf("%w: it names %q, not %s", ErrPayload, got, digest)
	}
	return nil
}

// noDuplicateKeys walks the JSON and refuses an object with a key twice.
func noDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := walkJSON(dec, 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("data after the JSON value")
	}
	return nil
}

// maxDepth bounds the nesting walkJSON follows (encoding/json allows 10000).
const maxDepth = 32

func walkJSON(dec *json.Decoder, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("nested deeper than %d", maxDepth)
	}
	t, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if seen[key] {
				return fmt.Errorf("key %q twice", key)
			}
			seen[key] = true
			if err := walkJSON(dec, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for dec.More() {
			if err := walkJSON(dec, depth+1); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

// VerifySignature reports whether sig is k's signature over payload, as
// cosign signs: ECDSA (ASN.1) and RSA PKCS #1 v1.5 over SHA-256, or over
// the hash cosign's newer default picks for the key size (SHA-384 for
// P-384 and RSA-3072, SHA-512 for P-521 and RSA-4096); Ed25519 over the
// payload itself (or Ed25519ph). Every hash accepted is collision-
// resistant, so accepting either adds no forgery.
func VerifySignature(k crypto.PublicKey, payload, sig []byte) bool {
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		for _, h := range ecdsaHashes(k.Curve) {
			if ecdsa.VerifyASN1(k, digestOf(h, payload), sig) {
				return true
			}
		}
	case ed25519.PublicKey:
		if ed25519.Verify(k, payload, sig) {
			return true
		}
		sum := sha512.Sum512(payload)
		return ed25519.VerifyWithOptions(k, sum[:], sig, &ed25519.Options{Hash: crypto.SHA512}) == nil
	case *rsa.PublicKey:
		for _, h := range rsaHashes(k.N.BitLen()) {
			if rsa.VerifyPKCS1v15(k, h, digestOf(h, payload), sig) == nil {
				return true
			}
		}
	}
	return false
}

func ecdsaHashes(c elliptic.Curve) []crypto.Hash {
	switch c {
	case elliptic.P384():
		return []crypto.Hash{crypto.SHA256, crypto.SHA384}
	case elliptic.P521():
		return []crypto.Hash{crypto.SHA256, crypto.SHA512}
	}
	return []crypto.Hash{crypto.SHA256}
}

func rsaHashes(bits int) []crypto.Hash {
	switch {
	case bits >= 4096:
		return []crypto.Hash{crypto.SHA256, crypto.SHA512}
	case bits >= 3072:
		return []crypto.Hash{crypto.SHA256, crypto.SHA384}
	}
	return []crypto.Hash{crypto.SHA256}
}

func digestOf(h crypto.Hash, b []byte) []byte {
	switch h {
	case crypto.SHA384:
		s := sha512.Sum384(b)
		return s[:]
	case crypto.SHA512:
		s := sha512.Sum512(b)
		return s[:]
	}
	s := sha256.Sum256(b)
	return s[:]
}

// sha256Digest is b's digest in OCI form.
func sha256Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// StandardPayload is the payload `cosign sign` writes for digest in repo
// when no annotation is given. When a layer's digest equals its hash the
// verifier need not fetch the blob: the signature is still checked over
// exactly these bytes, so this saves a round trip without trusting anything.
func StandardPayload(repo, digest string) []byte {
	return []byte(`{"critical":{"identity":{"docker-reference":"` + repo + `"},"image":{"docker-manifest-digest":"` +
		digest + `"},"type":"` + PayloadType + `"},"optional":null}`)
}
