package imagetrust

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// testServer is a plain-HTTP registry on loopback with a handler per path.
func testServer(t *testing.T, h http.HandlerFunc) (Repo, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return Repo{Domain: strings.TrimPrefix(srv.URL, "http://"), Path: "team/app"}, srv
}

func TestHTTPRegistryResolveAndBearer(t *testing.T) {
	var tokenAsks int
	var repo Repo
	repo, srv := testServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/token":
			tokenAsks++
			u, p, ok := r.BasicAuth()
			if !ok || u != "me" || p != "pw" || r.URL.Query().Get("scope") != "repository:team/app:pull" || r.URL.Query().Get("service") != "reg" {
				http.Error(w, "no", http.StatusUnauthorized)
				return
			}
			_, _ = w.Write([]byte(`{"token":"T"}`))
		case r.Header.Get("Authorization") != "Bearer T":
			w.Header().Set("WWW-Authenticate", `Bearer realm="http://`+r.Host+`/token",service="reg",scope="repository:team/app:pull"`)
			w.WriteHeader(http.StatusUnauthorized)
		case r.URL.Path == "/v2/team/app/manifests/1" && r.Method == http.MethodHead:
			if !strings.Contains(r.Header.Get("Accept"), "application/vnd.oci.image.index.v1+json") {
				t.Errorf("Accept lacks the OCI index: %q", r.Header.Get("Accept"))
			}
			w.Header().Set("Docker-Content-Digest", testDigest)
		default:
			http.NotFound(w, r)
		}
	})
	_ = srv
	reg := &HTTPRegistry{Credentials: func(d string) Credentials {
		if d != repo.Domain {
			t.Errorf("credentials asked for %s", d)
		}
		return Credentials{Username: "me", Password: "pw"}
	}}
	d, err := reg.Resolve(context.Background(), repo, "1")
	if err != nil || d != testDigest {
		t.Fatalf("want %s, got %q, %v", testDigest, d, err)
	}
	if _, err := reg.Manifest(context.Background(), repo, "absent"); !errors.Is(err, ErrNotFound) {
		t.Errorf("absent tag: want ErrNotFound, got %v", err)
	}
	if tokenAsks != 1 {
		t.Errorf("want the token fetched once, got %d", tokenAsks)
	}
}

func TestHTTPRegistryRefuses(t *testing.T) {
	big := strings.Repeat(" ", MaxManifestBytes+1)
	repo, _ := testServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/team/app/manifests/hang":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/v2/team/app/manifests/error":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "/v2/team/app/manifests/big":
			_, _ = w.Write([]byte(big))
		case "/v2/team/app/manifests/basic":
			w.Header().Set("WWW-Authenticate", `Basic realm="r"`)
			w.WriteHeader(http.StatusUnauthorized)
		case "/v2/team/app/manifests/https-realm":
			w.Header().Set("WWW-Authenticate", `Bearer realm="ftp://evil/token"`)
			w.WriteHeader(http.StatusUnauthorized)
		case "/v2/team/app/blobs/" + testDigest:
			_, _ = w.Write([]byte("not what the digest says"))
		}
	})
	reg := &HTTPRegistry{Timeout: 300 * time.Millisecond}
	for _, tc := range []struct{ tag, want string }{
		{"hang", "Client.Timeout"},
		{"error", "500 Internal Server Error"},
		{"big", "more than"},
		{"basic", "wants credentials"},
		{"https-realm", "token realm"},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			start := time.Now()
			_, err := reg.Manifest(context.Background(), repo, tc.tag)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error saying %q, got %v", tc.want, err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	if _, err := reg.Blob(context.Background(), repo, testDigest, 100); err == nil || !strings.Contains(err.Error(), "served content of digest") {
		t.Errorf("a blob that does not match its digest: got %v", err)
	}
}

// TestHTTPRegistrySecureNeverHTTP: a registry the engine does not treat as
// insecure is never spoken to over plain HTTP.
func TestHTTPRegistrySecureNeverHTTP(t *testing.T) {
	asked := false
	repo, _ := testServer(t, func(w http.ResponseWriter, r *http.Request) { asked = true })
	reg := &HTTPRegistry{Insecure: func(string) bool { return false }, Timeout: time.Second}
	if _, err := reg.Manifest(context.Background(), repo, "1"); err == nil || asked {
		t.Fatalf("want a failure without a plain HTTP request, got %v (asked: %v)", err, asked)
	}
}

func TestIsLoopback(t *testing.T) {
	for d, want := range map[string]bool{
		"127.0.0.1:5000": true, "127.1.2.3": true, "localhost:5000": true, "[::1]:5000": true,
		"10.0.0.1:5000": false, "docker.io": false, "registry.local:5000": false, "localhost.evil.com": false,
	} {
		if got := IsLoopback(d); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", d, got, want)
		}
	}
}
