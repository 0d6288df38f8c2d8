package imagetrust

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestVerify(t *testing.T) {
	p256, p384, ed, rsaKey, other := newTestKey(t, "p256"), newTestKey(t, "p384"), newTestKey(t, "ed25519"), newTestKey(t, "rsa"), newTestKey(t, "p256")
	std := StandardPayload(testRepo.String(), testDigest)
	annotated := []byte(`{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"` + testDigest + `"},"type":"` + PayloadType + `"},"optional":{"team":"a"}}`)
	wrongDigest := StandardPayload(testRepo.String(), otherDigest)
	wrongType := []byte(`{"critical":{"image":{"docker-manifest-digest":"` + testDigest + `"},"type":"cosign attestation"}}`)
	dup := []byte(`{"critical":{"image":{"docker-manifest-digest":"` + otherDigest + `"},"image":{"docker-manifest-digest":"` + testDigest + `"},"type":"` + PayloadType + `"}}`)

	for _, tc := range []struct {
		name    string
		keys    []testKey
		layers  []sigLayer
		blobs   [][]byte // payloads the registry also serves
		regErr  error
		wantKey string // path of the verifying key; "" = refused
		wantErr string
	}{
		{name: "p256", keys: []testKey{p256}, layers: []sigLayer{{std, p256.sign(t, std)}}, wantKey: p256.path},
		{name: "p384", keys: []testKey{p384}, layers: []sigLayer{{std, p384.sign(t, std)}}, wantKey: p384.path},
		{name: "ed25519", keys: []testKey{ed}, layers: []sigLayer{{std, ed.sign(t, std)}}, wantKey: ed.path},
		{name: "rsa", keys: []testKey{rsaKey}, layers: []sigLayer{{std, rsaKey.sign(t, std)}}, wantKey: rsaKey.path},
		{name: "second key of two", keys: []testKey{other, p256}, layers: []sigLayer{{std, p256.sign(t, std)}}, wantKey: p256.path},
		{name: "second signature", keys: []testKey{p256}, layers: []sigLayer{{std, other.sign(t, std)}, {std, p256.sign(t, std)}}, wantKey: p256.path},
		{name: "annotated payload fetched as blob", keys: []testKey{p256}, layers: []sigLayer{{annotated, p256.sign(t, annotated)}},
			blobs: [][]byte{annotated}, wantKey: p256.path},
		{name: "unsigned", keys: []testKey{p256}, wantErr: "not signed: no signature manifest at tag sha256-1111"},
		{name: "another key", keys: []testKey{p256}, layers: []sigLayer{{std, other.sign(t, std)}}, wantErr: "by none of the keys"},
		{name: "signature of another digest", keys: []testKey{p256}, layers: []sigLayer{{wrongDigest, p256.sign(t, wrongDigest)}},
			blobs: [][]byte{wrongDigest}, wantErr: "not " + testDigest},
		{name: "wrong payload type", keys: []testKey{p256}, layers: []sigLayer{{wrongType, p256.sign(t, wrongType)}},
			blobs: [][]byte{wrongType}, wantErr: `type "cosign attestation"`},
		{name: "duplicate keys in payload", keys: []testKey{p256}, layers: []sigLayer{{dup, p256.sign(t, dup)}},
			blobs: [][]byte{dup}, wantErr: "twice"},
		{name: "payload missing from registry", keys: []testKey{p256}, layers: []sigLayer{{annotated, p256.sign(t, annotated)}},
			wantErr: "fetch signature payload"},
		{name: "garbage signature", keys: []testKey{p256}, layers: []sigLayer{{std, []byte("garbage")}}, wantErr: "by none of the keys"},
		{name: "registry error", keys: []testKey{p256}, regErr: errors.New("connection refused"), wantErr: "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ks := keySetOf(t, tc.keys...)
			reg := &fakeRegistry{err: tc.regErr, manifests: map[string][]byte{}}
			if len(tc.layers) > 0 {
				reg.manifests[SignatureTag(testDigest)] = manifestOf(tc.layers...)
			}
			for _, b := range tc.blobs {
				reg.addBlob(b)
			}
			v := &Verifier{Keys: ks, Registry: reg, Cache: &Cache{Dir: t.TempDir()}}
			res, err := v.Verify(context.Background(), testRepo, testDigest)
			if tc.wantKey == "" {
				if err == nil || !errors.Is(err, ErrUnverified) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want a refusal wrapping ErrUnverified and saying %q, got %v (%+v)", tc.wantErr, err, res)
				}
				if _, ok := v.Cache.Lookup(testDigest, ks); ok {
					t.Error("a failed verification was cached")
				}
				return
			}
			if err != nil || res.Key.Path != tc.wantKey || res.Digest != testDigest || res.Cached {
				t.Fatalf("want verified by %s, got %+v, %v", tc.wantKey, res, err)
			}
			calls := reg.calls
			again, err := v.Verify(context.Background(), testRepo, testDigest)
			if err != nil || !again.Cached || again.Key.Path != tc.wantKey || reg.calls != calls {
				t.Fatalf("want the second verification from the cache, got %+v, %v (%d registry calls)", again, err, reg.calls-calls)
			}
		})
	}
}

// TestVerifyStandardPayloadOneRoundTrip: cosign's standard payload is
// recognised by its digest, so the signature costs one request.
func TestVerifyStandardPayloadOneRoundTrip(t *testing.T) {
	k := newTestKey(t, "p256")
	std := StandardPayload(testRepo.String(), testDigest)
	reg := &fakeRegistry{manifests: map[string][]byte{SignatureTag(testDigest): manifestOf(sigLayer{std, k.sign(t, std)})}}
	v := &Verifier{Keys: keySetOf(t, k), Registry: reg}
	if _, err := v.Verify(context.Background(), testRepo, testDigest); err != nil {
		t.Fatal(err)
	}
	if reg.calls != 1 {
		t.Errorf("want 1 registry request, got %d", reg.calls)
	}
}

func TestVerifyCacheIsPerKeySet(t *testing.T) {
	k, other := newTestKey(t, "p256"), newTestKey(t, "p256")
	std := StandardPayload(testRepo.String(), testDigest)
	reg := &fakeRegistry{manifests: map[string][]byte{SignatureTag(testDigest): manifestOf(sigLayer{std, k.sign(t, std)})}}
	cache := &Cache{Dir: t.TempDir()}
	if _, err := (&Verifier{Keys: keySetOf(t, k), Registry: reg, Cache: cache}).Verify(context.Background(), testRepo, testDigest); err != nil {
		t.Fatal(err)
	}
	_, err := (&Verifier{Keys: keySetOf(t, other), Registry: reg, Cache: cache}).Verify(context.Background(), testRepo, testDigest)
	if !errors.Is(err, ErrUnverified) {
		t.Fatalf("another key set must not reuse the verification, got %v", err)
	}
}

func TestVerifyRefusesBadDigest(t *testing.T) {
	v := &Verifier{Keys: keySetOf(t, newTestKey(t, "p256")), Registry: &fakeRegistry{}}
	for _, d := range []string{"", "sha256:abc", "sha512:" + strings.Repeat("a", 128), "sha256:" + strings.Repeat("A", 64)} {
		if _, err := v.Verify(context.Background(), testRepo, d); !errors.Is(err, ErrUnverified) {
			t.Errorf("digest %q: want ErrUnverified, got %v", d, err)
		}
	}
}

func keySetOf(t testing.TB, keys ...testKey) *KeySet {
	t.Helper()
	var paths []string
	for _, k := range keys {
		paths = append(paths, k.path)
	}
	ks, err := ReadKeys(paths)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}
