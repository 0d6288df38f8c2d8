package imagetrust

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Repo is a repository in a registry, as the Docker reference grammar
// normalises it: Domain "docker.io", Path "library/alpine".
type Repo struct {
	Domain string
	Path   string
}

// String is the repository's full name: 127.0.0.1:5000/team/app.
func (r Repo) String() string { return r.Domain + "/" + r.Path }

// Registry is what verification needs of a registry. Not-found answers
// wrap ErrNotFound.
type Registry interface {
	// Resolve returns the digest the registry serves for tag (a HEAD of
	// the manifest, a GET when the registry does not say).
	Resolve(ctx context.Context, repo Repo, tag string) (string, error)
	// Manifest returns the manifest at tag, at most MaxManifestBytes.
	Manifest(ctx context.Context, repo Repo, tag string) ([]byte, error)
	// Blob returns the blob digest, at most max bytes, checked against
	// the digest.
	Blob(ctx context.Context, repo Repo, digest string, max int64) ([]byte, error)
}

// ErrNotFound is wrapped when the registry does not have what was asked.
var ErrNotFound = errors.New("not found in the registry")

// Credentials are docker's for one registry (its config file or helpers).
type Credentials struct {
	Username, Password string
	IdentityToken      string // an OAuth refresh token
	RegistryToken      string // a bearer token to send as is
}

// manifestAccept is every manifest type an engine pulls.
var manifestAccept = strings.Join([]string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}, ", ")

// HTTPRegistry speaks the distribution API over net/http, with docker's
// credentials and docker's rule for plain HTTP: only a registry the
// engine treats as insecure is spoken to over HTTP: a loopback one
// (always insecure to the engine) HTTP first, then HTTPS; others the
// engine's configuration lists, HTTPS without verification first, then
// HTTP, as the engine tries them.
type HTTPRegistry struct {
	// Credentials returns docker's credentials for a registry domain
	// (nil or zero: anonymous).
	Credentials func(domain string) Credentials
	// Insecure reports a registry the engine reaches without TLS
	// verification (and over HTTP); nil: loopback only.
	Insecure func(domain string) bool
	// Timeout bounds each request, headers and body (0: 10 s).
	Timeout time.Duration

	once    sync.Once
	secure  *http.Client
	loose   *http.Client // InsecureSkipVerify, for insecure registries
	mu      sync.Mutex
	auth    map[string]string // "domain repo" → Authorization header
	schemes map[string]string // domain → the scheme that answered
}

const defaultTimeout = 10 * time.Second

func (r *HTTPRegistry) init() {
	r.once.Do(func() {
		t := r.Timeout
		if t == 0 {
			t = defaultTimeout
		}
		base := func(tc *tls.Config) *http.Client {
			tr := &http.Transport{
				Proxy:                 http.ProxyFromEnvironment,
				DialContext:           (&net.Dialer{Timeout: t}).DialContext,
				TLSClientConfig:       tc,
				TLSHandshakeTimeout:   t,
				ResponseHeaderTimeout: t,
				MaxIdleConnsPerHost:   2,
			}
			return &http.Client{Transport: tr, Timeout: t, CheckRedirect: sameSchemeRedirects}
		}
		r.secure = base(nil)
		r.loose = base(&tls.Config{InsecureSkipVerify: true}) //nolint:gosec // the engine's own rule for insecure registries
		r.auth = map[string]string{}
		r.schemes = map[string]string{}
	})
}

// sameSchemeRedirects follows a registry's redirects (blobs are often
// served from a CDN) but never from HTTPS down to HTTP, and at most 5.
func sameSchemeRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("more than 5 redirects")
	}
	if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect from https to %s refused", req.URL.Scheme)
	}
	return nil
}

// endpoint is the host that serves a domain's API.
func endpoint(domain string) string {
	if domain == "docker.io" {
		return "registry-1.docker.io"
	}
	return domain
}

// IsLoopback reports a registry on this host, which the engine always
// treats as insecure (127.0.0.0/8, ::1, localhost).
func IsLoopback(domain string) bool {
	host := domain
	if h, _, err := net.SplitHostPort(domain); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func (r *HTTPRegistry) insecure(domain string) bool {
	if r.Insecure != nil {
		return r.Insecure(domain)
	}
	return IsLoopback(domain)
}

// Resolve implements Registry.
func (r *HTTPRegistry) Resolve(ctx context.Context, repo Repo, tag string) (string, error) {
	resp, err := r.do(ctx, http.MethodHead, repo, "manifests/"+tag, manifestAccept)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if d := resp.Header.Get("Docker-Content-Digest"); validDigest(d) {
		return d, nil
	}
	// A registry that does not say: the digest of what it serves.
	b, err := r.get(ctx, repo, "manifests/"+tag, manifestAccept, MaxManifestBytes)
	if err != nil {
		return "", err
	}
	return sha256Digest(b), nil
}

// Manifest implements Registry.
func (r *HTTPRegistry) Manifest(ctx context.Context, repo Repo, tag string) ([]byte, error) {
	return r.get(ctx, repo, "manifests/"+tag, manifestAccept, MaxManifestBytes)
}

// Blob implements Registry.
func (r *HTTPRegistry) Blob(ctx context.Context, repo Repo, digest string, max int64) ([]byte, error) {
	b, err := r.get(ctx, repo, "blobs/"+digest, "*/*", max)
	if err != nil {
		return nil, err
	}
	if got := sha256Digest(b); got != digest {
		return nil, fmt.Errorf("blob %s: the registry served content of digest %s", digest, got)
	}
	return b, nil
}

func (r *HTTPRegistry) get(ctx context.Context, repo Repo, path, accept string, max int64) ([]byte, error) {
	resp, err := r.do(ctx, http.MethodGet, repo, path, accept)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return readBounded(resp.Body, max, path)
}

func readBounded(rd io.Reader, max int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(rd, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("read %s: more than %d bytes", what, max)
	}
	return b, nil
}

// do sends one request, authenticating once if the registry asks, and
// returns a 2xx response or an error.
func (r *HTTPRegistry) do(ctx context.Context, method string, repo Repo, path, accept string) (*http.Response, error) {
	r.init()
	resp, err := r.send(ctx, method, repo, path, accept)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized {
		challenge := resp.Header.Get("Www-Authenticate")
		drain(resp)
		if err := r.authenticate(ctx, repo, challenge); err != nil {
			return nil, err
		}
		if resp, err = r.send(ctx, method, repo, path, accept); err != nil {
			return nil, err
		}
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	drain(resp)
	what := fmt.Sprintf("%s %s/%s", method, repo, path)
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil, fmt.Errorf("%s: registry answered %s", what, resp.Status)
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// send tries HTTPS and, for an insecure registry, HTTP after it, as the
// engine does; the scheme that answered is kept for the next requests.
func (r *HTTPRegistry) send(ctx context.Context, method string, repo Repo, path, accept string) (*http.Response, error) {
	host := endpoint(repo.Domain)
	r.mu.Lock()
	scheme := r.schemes[repo.Domain]
	authz := r.auth[repo.String()]
	r.mu.Unlock()
	schemes := []string{"https"}
	if scheme != "" {
		schemes = []string{scheme}
	} else if r.insecure(repo.Domain) && IsLoopback(repo.Domain) {
		// The engine's own registry on this host serves plain HTTP as a
		// rule; trying TLS first would cost a handshake per launch.
		schemes = []string{"http", "https"}
	} else if r.insecure(repo.Domain) {
		schemes = []string{"https", "http"}
	}
	var lastErr error // over HTTP, after HTTPS failed, the telling one
	for _, s := range schemes {
		u := s + "://" + host + "/v2/" + repo.Path + "/" + path
		req, err := http.NewRequestWithContext(ctx, method, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", accept)
		req.Header.Set("User-Agent", "hardrun")
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		client := r.secure
		if r.insecure(repo.Domain) {
			client = r.loose
		}
		resp, err := client.Do(req)
		if err == nil {
			r.mu.Lock()
			r.schemes[repo.Domain] = s
			r.mu.Unlock()
			return resp, nil
		}
		lastErr = err
		var ne net.Error
		if ctx.Err() != nil || (errors.As(err, &ne) && ne.Timeout()) {
			break // a registry that hangs is not retried another way
		}
	}
	return nil, fmt.Errorf("%s %s/%s: %w", method, repo, path, lastErr)
}

// authenticate answers a 401's challenge: Basic with the credentials, or
// a Bearer token from the realm for pulling repo.
func (r *HTTPRegistry) authenticate(ctx context.Context, repo Repo, challenge string) error {
	var creds Credentials
	if r.Credentials != nil {
		creds = r.Credentials(repo.Domain)
	}
	scheme, params := ParseChallenge(challenge)
	var authz string
	switch {
	case strings.EqualFold(scheme, "basic"):
		if creds.Username == "" {
			return fmt.Errorf("registry %s wants credentials: docker login %s", repo.Domain, repo.Domain)
		}
		req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
		req.SetBasicAuth(creds.Username, creds.Password)
		authz = req.Header.Get("Authorization")
	case strings.EqualFold(scheme, "bearer"):
		tok, err := r.token(ctx, repo, params, creds)
		if err != nil {
			return err
		}
		authz = "Bearer " + tok
	default:
		return fmt.Errorf("registry %s: unsupported authentication challenge %q", repo.Domain, challenge)
	}
	r.mu.Lock()
	r.auth[repo.String()] = authz
	r.mu.Unlock()
	return nil
}

// token fetches a pull token for repo from the challenge's realm.
// Credentials go to a realm over HTTPS only, unless the registry itself
// is one the engine reaches over HTTP.
func (r *HTTPRegistry) token(ctx context.Context, repo Repo, params map[string]string, creds Credentials) (string, error) {
	if creds.RegistryToken != "" {
		return creds.RegistryToken, nil
	}
	realm, err := url.Parse(params["realm"])
	if err != nil || realm.Host == "" || (realm.Scheme != "https" && (realm.Scheme != "http" || !r.insecure(repo.Domain))) {
		return "", fmt.Errorf("registry %s: token realm %q refused (want https)", repo.Domain, params["realm"])
	}
	q := url.Values{}
	if s := params["service"]; s != "" {
		q.Set("service", s)
	}
	q.Set("scope", "repository:"+repo.Path+":pull")
	var req *http.Request
	if creds.IdentityToken != "" {
		q.Set("grant_type", "refresh_token")
		q.Set("refresh_token", creds.IdentityToken)
		q.Set("client_id", "hardrun")
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, realm.String(), strings.NewReader(q.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		realm.RawQuery = q.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, realm.String(), nil)
		if err == nil && creds.Username != "" {
			req.SetBasicAuth(creds.Username, creds.Password)
		}
	}
	if err != nil {
		return "", err
	}
	return r.fetchToken(req, repo)
}

func (r *HTTPRegistry) fetchToken(req *http.Request, repo Repo) (string, error) {
	client := r.secure
	if r.insecure(repo.Domain) {
		client = r.loose
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("registry %s: token: %w", repo.Domain, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("registry %s: token: %s (docker login %s?)", repo.Domain, resp.Status, repo.Domain)
	}
	b, err := readBounded(resp.Body, 1<<20, "token")
	if err != nil {
		return "", err
	}
	var t struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return "", fmt.Errorf("registry %s: token: %w", repo.Domain, err)
	}
	if t.Token == "" {
		t.Token = t.AccessToken
	}
	if t.Token == "" {
		return "", fmt.Errorf("registry %s: token: empty", repo.Domain)
	}
	return t.Token, nil
}

// ParseChallenge reads a WWW-Authenticate header: `Bearer
// realm="https://auth",service="registry",scope="repository:x:pull"`.
func ParseChallenge(h string) (scheme string, params map[string]string) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	params = map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimLeft(rest, ", ") {
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v, rest = challengeValue(v)
		params[k] = v
	}
	return scheme, params
}

// challengeValue reads a token or a quoted string (with \ escapes).
func challengeValue(s string) (value, rest string) {
	if !strings.HasPrefix(s, `"`) {
		v, r, _ := strings.Cut(s, ",")
		return strings.TrimSpace(v), r
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}
