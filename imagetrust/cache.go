package imagetrust

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// Cache remembers verifications on disk, one small file per (digest, key
// set): a repeated launch of a verified digest then reads one file instead
// of asking the registry and checking signatures. It records only what
// was verified, never a failure: an image signed later passes next time.
//
// The directory is the user's own ($XDG_CACHE_HOME/hardrun/trust, 0700):
// whoever can write there already runs docker as that user.
type Cache struct{ Dir string }

// cacheEntry is one verification.
type cacheEntry struct {
	Digest   string    `json:"digest"`
	KeySet   string    `json:"key_set"`
	Key      string    `json:"key"`      // the fingerprint of the key that verified it
	KeyPath  string    `json:"key_path"` // its file then
	Verified time.Time `json:"verified"`
}

func (c *Cache) file(digest, keySet string) string {
	sum := sha256.Sum256([]byte(digest + "\x00" + keySet))
	return filepath.Join(c.Dir, hex.EncodeToString(sum[:])+".json")
}

// Lookup returns the key of ks that verified digest, if one did before.
func (c *Cache) Lookup(digest string, ks *KeySet) (Key, bool) {
	if c == nil || c.Dir == "" {
		return Key{}, false
	}
	b, err := os.ReadFile(c.file(digest, ks.ID))
	if err != nil || len(b) > 4096 {
		return Key{}, false
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil || e.Digest != digest || e.KeySet != ks.ID {
		return Key{}, false
	}
	for _, k := range ks.Keys {
		if k.Fingerprint == e.Key {
			return k, true
		}
	}
	return Key{}, false
}

// Store records that k of ks verified digest. Failing to write only costs
// the next launch a verification.
func (c *Cache) Store(digest string, ks *KeySet, k Key) {
	if c == nil || c.Dir == "" {
		return
	}
	if os.MkdirAll(c.Dir, 0o700) != nil {
		return
	}
	b, err := json.Marshal(cacheEntry{Digest: digest, KeySet: ks.ID, Key: k.Fingerprint, KeyPath: k.Path, Verified: time.Now().UTC()})
	if err != nil {
		return
	}
	f, err := os.CreateTemp(c.Dir, ".entry-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr != nil || cerr != nil {
		os.Remove(f.Name())
		return
	}
	if os.Rename(f.Name(), c.file(digest, ks.ID)) != nil {
		os.Remove(f.Name())
	}
}

// DefaultCacheDir is $XDG_CACHE_HOME/hardrun/trust (~/.cache/hardrun/trust).
func DefaultCacheDir(getenv func(string) string) string {
	base := getenv("XDG_CACHE_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "hardrun", "trust")
}
