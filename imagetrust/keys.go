package imagetrust

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// maxKeyFileBytes bounds a key file: a PEM RSA-8192 public key is under 2 KiB.
const maxKeyFileBytes = 64 << 10

// minRSABits refuses RSA keys too short to trust (NIST SP 800-57).
const minRSABits = 2048

// Key is one trusted public key.
type Key struct {
	Path        string // the file it came from
	Fingerprint string // sha256:<hex> of its DER (SubjectPublicKeyInfo)
	der         []byte
	pub         crypto.PublicKey // parsed on first use (see KeySet.parse)
}

// String names the key as explain shows it: path (sha256:1234abcd…).
func (k Key) String() string {
	return fmt.Sprintf("%s (%s)", k.Path, shortFingerprint(k.Fingerprint))
}

func shortFingerprint(fp string) string {
	if len(fp) > len("sha256:")+16 {
		return fp[:len("sha256:")+16]
	}
	return fp
}

// KeySet is the keys of one profile.
type KeySet struct {
	Keys []Key
	// ID identifies the set whatever the order or paths of its files:
	// sha256 of the sorted fingerprints. Verifications are cached by
	// (digest, ID).
	ID     string
	parsed bool
	err    error
}

// ReadKeys reads the PEM files and fingerprints the keys. It only decodes
// the PEM armour: the keys are parsed (and refused if malformed) on the
// first verification that needs them, so a launch whose verification is
// cached pays for a hash, not for parsing.
func ReadKeys(paths []string) (*KeySet, error) {
	if len(paths) == 0 {
		return nil, errors.New("read signature keys: no key")
	}
	ks := &KeySet{}
	for _, p := range paths {
		k, err := readKey(p)
		if err != nil {
			return nil, fmt.Errorf("read signature key %s: %w", p, err)
		}
		ks.Keys = append(ks.Keys, k)
	}
	fps := make([]string, len(ks.Keys))
	for i, k := range ks.Keys {
		fps[i] = k.Fingerprint
	}
	slices.Sort(fps)
	sum := sha256.Sum256([]byte(strings.Join(fps, "\n")))
	ks.ID = "sha256:" + hex.EncodeToString(sum[:])
	return ks, nil
}

func readKey(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return Key{}, err
	}
	if len(b) > maxKeyFileBytes {
		return Key{}, fmt.Errorf("larger than %d bytes: not a public key", maxKeyFileBytes)
	}
	der, err := decodePEM(b)
	if err != nil {
		return Key{}, err
	}
	sum := sha256.Sum256(der)
	return Key{Path: path, Fingerprint: "sha256:" + hex.EncodeToString(sum[:]), der: der}, nil
}

// decodePEM takes exactly one "PUBLIC KEY" block (cosign's cosign.pub) and
// nothing else but blank space: a second block or a private key is an
// error, never silently ignored.
func decodePEM(b []byte) ([]byte, error) {
	block, rest := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM block: want a PEM \"PUBLIC KEY\" (cosign.pub)")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("PEM block %q: want \"PUBLIC KEY\" (cosign.pub)", block.Type)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("more than one PEM block")
	}
	return block.Bytes, nil
}

// parse parses every key once; any key that does not parse fails the
// set, so a verification never passes with part of a broken set.
func (ks *KeySet) parse() error {
	if ks.parsed {
		return ks.err
	}
	ks.parsed = true
	for i := range ks.Keys {
		pub, err := parsePublicKey(ks.Keys[i].der)
		if err != nil {
			ks.err = fmt.Errorf("signature key %s: %w", ks.Keys[i].Path, err)
			return ks.err
		}
		ks.Keys[i].pub = pub
	}
	return nil
}

// parsePublicKey accepts the key types cosign signs with.
func parsePublicKey(der []byte) (crypto.PublicKey, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, err
	}
	switch k := pub.(type) {
	case *ecdsa.PublicKey, ed25519.PublicKey:
		return k, nil
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits: at least %d required", k.N.BitLen(), minRSABits)
		}
		return k, nil
	}
	return nil, fmt.Errorf("unsupported key type %T", pub)
}
