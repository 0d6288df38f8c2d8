package imagetrust

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadKeysRefuses(t *testing.T) {
	good := newTestKey(t, "p256")
	pub, _ := os.ReadFile(good.path)
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	privDER, _ := x509.MarshalECPrivateKey(priv)
	for _, tc := range []struct {
		name, content, want string
	}{
		{"empty", "", "no PEM block"},
		{"not PEM", "ssh-ed25519 AAAA", "no PEM block"},
		{"private key", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: privDER})), `"EC PRIVATE KEY"`},
		{"two keys", string(pub) + string(pub), "more than one PEM block"},
		{"huge", strings.Repeat("x", maxKeyFileBytes+1), "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "k.pub")
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadKeys([]string{good.path, p})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("want an error naming %s and saying %q, got %v", p, tc.want, err)
			}
		})
	}
	if _, err := ReadKeys([]string{filepath.Join(t.TempDir(), "absent.pub")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: got %v", err)
	}
	if _, err := ReadKeys(nil); err == nil {
		t.Error("no key: want an error")
	}
}

// TestKeyParsedOnFirstVerification: a key that is PEM but not a usable key
// fails every verification of its set, never lets another key pass alone.
func TestKeyParsedOnFirstVerification(t *testing.T) {
	good := newTestKey(t, "p256")
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	der, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	for name, b := range map[string][]byte{
		"rsa-1024": der,
		"garbage":  []byte("not DER"),
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "k.pub")
			if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: b}), 0o600); err != nil {
				t.Fatal(err)
			}
			ks, err := ReadKeys([]string{good.path, p})
			if err != nil {
				t.Fatal(err)
			}
			std := StandardPayload(testRepo.String(), testDigest)
			reg := &fakeRegistry{manifests: map[string][]byte{SignatureTag(testDigest): manifestOf(sigLayer{std, good.sign(t, std)})}}
			_, err = (&Verifier{Keys: ks, Registry: reg}).Verify(context.Background(), testRepo, testDigest)
			if !errors.Is(err, ErrUnverified) || !strings.Contains(err.Error(), p) {
				t.Fatalf("want a refusal naming %s, got %v", p, err)
			}
		})
	}
}

func TestKeySetIDIgnoresOrder(t *testing.T) {
	a, b := newTestKey(t, "p256"), newTestKey(t, "ed25519")
	x, y := keySetOf(t, a, b), keySetOf(t, b, a)
	if x.ID != y.ID {
		t.Errorf("same keys, different IDs: %s %s", x.ID, y.ID)
	}
	if z := keySetOf(t, a); z.ID == x.ID {
		t.Error("a subset has the same ID")
	}
}
