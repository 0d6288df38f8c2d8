package imagetrust

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// testKey is a signing key and its public half written as cosign.pub.
type testKey struct {
	signer crypto.Signer
	hash   crypto.Hash // 0: sign the message itself (Ed25519)
	path   string
}

func newTestKey(t testing.TB, kind string) testKey {
	t.Helper()
	var s crypto.Signer
	var err error
	h := crypto.SHA256
	switch kind {
	case "p256":
		s, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "p384":
		s, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		h = crypto.SHA384
	case "ed25519":
		_, s, err = ed25519.GenerateKey(rand.Reader)
		h = 0
	case "rsa":
		s, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("unknown key kind %s", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), kind+".pub")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return testKey{signer: s, hash: h, path: path}
}

func (k testKey) sign(t testing.TB, payload []byte) []byte {
	t.Helper()
	msg := payload
	var opts crypto.SignerOpts = crypto.Hash(0)
	if k.hash != 0 {
		msg = digestOf(k.hash, payload)
		opts = k.hash
	}
	sig, err := k.signer.Sign(rand.Reader, msg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// sigLayer is one layer of a signature manifest under test.
type sigLayer struct {
	payload []byte
	sig     []byte
}

func manifestOf(layers ...sigLayer) []byte {
	type layer struct {
		MediaType   string            `json:"mediaType"`
		Digest      string            `json:"digest"`
		Size        int               `json:"size"`
		Annotations map[string]string `json:"annotations"`
	}
	m := struct {
		SchemaVersion int     `json:"schemaVersion"`
		MediaType     string  `json:"mediaType"`
		Layers        []layer `json:"layers"`
	}{SchemaVersion: 2, MediaType: "application/vnd.oci.image.manifest.v1+json"}
	for _, l := range layers {
		m.Layers = append(m.Layers, layer{MediaType: SignatureLayerType, Digest: sha256Digest(l.payload), Size: len(l.payload),
			Annotations: map[string]string{SignatureAnnotation: base64.StdEncoding.EncodeToString(l.sig)}})
	}
	b, _ := json.Marshal(m)
	return b
}

// fakeRegistry serves manifests and blobs from maps; err, if set, is
// returned for everything.
type fakeRegistry struct {
	manifests map[string][]byte // tag → manifest
	blobs     map[string][]byte // digest → blob
	err       error
	calls     int
}

func (f *fakeRegistry) Resolve(ctx context.Context, repo Repo, tag string) (string, error) {
	f.calls++
	if f.err != nil {
		return "", f.err
	}
	b, ok := f.manifests[tag]
	if !ok {
		return "", fmt.Errorf("resolve %s: %w", tag, ErrNotFound)
	}
	return sha256Digest(b), nil
}

func (f *fakeRegistry) Manifest(ctx context.Context, repo Repo, tag string) ([]byte, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	b, ok := f.manifests[tag]
	if !ok {
		return nil, fmt.Errorf("manifest %s: %w", tag, ErrNotFound)
	}
	return b, nil
}

func (f *fakeRegistry) Blob(ctx context.Context, repo Repo, digest string, max int64) ([]byte, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	b, ok := f.blobs[digest]
	if !ok {
		return nil, fmt.Errorf("blob %s: %w", digest, ErrNotFound)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("blob %s: too large", digest)
	}
	return b, nil
}

func (f *fakeRegistry) addBlob(b []byte) {
	if f.blobs == nil {
		f.blobs = map[string][]byte{}
	}
	f.blobs[sha256Digest(b)] = b
}

const (
	testDigest  = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	otherDigest = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

var testRepo = Repo{Domain: "127.0.0.1:5000", Path: "team/app"}
