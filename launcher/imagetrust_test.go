package launcher

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/types/image"

	"github.com/hardrun/hardrun/imagetrust"
	"github.com/hardrun/hardrun/profiles"
	"github.com/hardrun/hardrun/runopts"
)

// signedRegistry is a loopback registry serving one tag, its manifest and
// a cosign signature of it by key; it counts requests.
type signedRegistry struct {
	host, repo, digest string
	// The registry's handler runs on the server's goroutines.
	requests atomic.Int32
	hang     atomic.Bool
}

func newSignedRegistry(t testing.TB, key *ecdsa.PrivateKey) *signedRegistry {
	t.Helper()
	manifest := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}`)
	sum := sha256.Sum256(manifest)
	r := &signedRegistry{repo: "team/app", digest: "sha256:" + hex.EncodeToString(sum[:])}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		if r.hang.Load() {
			<-req.Context().Done()
			return
		}
		switch req.URL.Path {
		case "/v2/team/app/manifests/1", "/v2/team/app/manifests/" + r.digest:
			w.Header().Set("Docker-Content-Digest", r.digest)
			_, _ = w.Write(manifest)
		case "/v2/team/app/manifests/" + imagetrust.SignatureTag(r.digest):
			payload := imagetrust.StandardPayload(r.host+"/"+r.repo, r.digest)
			h := sha256.Sum256(payload)
			sig, _ := ecdsa.SignASN1(rand.Reader, key, h[:])
			fmt.Fprintf(w, `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[{"mediaType":%q,"digest":"sha256:%x","size":%d,"annotations":{%q:%q}}]}`,
				imagetrust.SignatureLayerType, h, len(payload), imagetrust.SignatureAnnotation, base64.StdEncoding.EncodeToString(sig))
		default:
			http.NotFound(w, req)
		}
	}))
	t.Cleanup(srv.Close)
	r.host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

func writePub(t testing.TB, k crypto.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cosign.pub")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func trustFixture(t testing.TB) (*signedRegistry, *Trust) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	reg := newSignedRegistry(t, key)
	p := &profiles.Profile{Name: "trusted", Enforce: true, Images: profiles.Images{Allow: []string{reg.host + "/team/*"},
		Signatures: profiles.Signatures{Keys: []string{writePub(t, &key.PublicKey)}}}}
	return reg, &Trust{Profile: p, CacheDir: t.TempDir(), RequestTimeout: 300 * time.Millisecond, Timeout: time.Second}
}

func TestVerifyImage(t *testing.T) {
	reg, tr := trustFixture(t)
	e := &fakeEngine{}
	v, err := VerifyImage(context.Background(), e, tr, reg.host+"/team/app:1", runopts.PullMissing)
	if err != nil {
		t.Fatal(err)
	}
	if v.Pinned != reg.host+"/team/app@"+reg.digest || v.Digest != reg.digest || !strings.Contains(v.Key, "cosign.pub (sha256:") {
		t.Errorf("got %+v", v)
	}
	if reg.requests.Load() != 2 {
		t.Errorf("want 2 requests (resolve, signature), got %d", reg.requests.Load())
	}
	reg.requests.Store(0)
	if _, err := VerifyImage(context.Background(), e, tr, reg.host+"/team/app:1", runopts.PullMissing); err != nil || reg.requests.Load() != 1 {
		t.Errorf("cached: want only the resolve, got %d requests, %v", reg.requests.Load(), err)
	}

	for _, tc := range []struct {
		name, ref, pull, want string
		hang                  bool
		local                 image.InspectResponse
	}{
		{name: "outside images.allow", ref: "127.0.0.1:1/x/y:1", want: "images.allow"},
		{name: "hanging registry", ref: reg.host + "/team/app:1", hang: true, want: "images.signatures.keys"},
		{name: "local only", ref: reg.host + "/team/app:absent", want: "exists only locally"},
		{name: "pull never, local only", ref: reg.host + "/team/app:1", pull: runopts.PullNever, want: "exists only locally"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg.hang.Store(tc.hang)
			defer reg.hang.Store(false)
			tr.CacheDir = t.TempDir()
			e := &fakeEngine{imageInspectFn: func(string) (image.InspectResponse, error) { return tc.local, nil }}
			start := time.Now()
			_, err := VerifyImage(context.Background(), e, tr, tc.ref, orDefault(tc.pull, runopts.PullMissing))
			var late *LateRefusalError
			if !errors.As(err, &late) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("want a one-line refusal saying %q, got %v", tc.want, err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkVerifyImageCached is what a repeated launch of a verified tag
// adds: keys read, the tag resolved (one HEAD), the cache read. The
// registry runs in this process, so cpu-ns/op counts both ends.
func BenchmarkVerifyImageCached(b *testing.B) {
	reg, tr := trustFixture(b)
	ref := reg.host + "/team/app:1"
	if _, err := VerifyImage(context.Background(), &fakeEngine{}, tr, ref, runopts.PullMissing); err != nil {
		b.Fatal(err)
	}
	benchVerify(b, tr, ref)
}

// BenchmarkVerifyImageCachedDigest: the same for a reference pinned by
// digest: no request at all.
func BenchmarkVerifyImageCachedDigest(b *testing.B) {
	reg, tr := trustFixture(b)
	ref := reg.host + "/team/app@" + reg.digest
	if _, err := VerifyImage(context.Background(), &fakeEngine{}, tr, ref, runopts.PullMissing); err != nil {
		b.Fatal(err)
	}
	benchVerify(b, tr, ref)
}

// BenchmarkVerifyImageFirst is a first verification: resolve, signature
// manifest, P-256 check, cache write.
func BenchmarkVerifyImageFirst(b *testing.B) {
	reg, tr := trustFixture(b)
	ref := reg.host + "/team/app:1"
	dir := tr.CacheDir
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		tr.CacheDir = filepath.Join(dir, fmt.Sprint(i)) // a cold cache each time
		if _, err := VerifyImage(context.Background(), &fakeEngine{}, tr, ref, runopts.PullMissing); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func benchVerify(b *testing.B, tr *Trust, ref string) {
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := VerifyImage(context.Background(), &fakeEngine{}, tr, ref, runopts.PullMissing); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}
