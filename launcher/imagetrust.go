package launcher

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/imagetrust"
	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
	"github.com/hardrun/hardrun/runopts"
)

// Trust is image trust for one command. The caller sets it only when the
// profile requires signatures (TrustFor), so a launch without keys never
// reads a key, a cache entry or a registry.
type Trust struct {
	Profile  *profiles.Profile
	CacheDir string // $XDG_CACHE_HOME/hardrun/trust; "" for no cache
	// RegistryAuth returns docker's encoded credentials for a registry
	// (Launch.RegistryAuth), nil for anonymous.
	RegistryAuth func(registryHost string) string
	// Timeout bounds the whole resolve and verification (0: 30 s); each
	// registry request is bounded by RequestTimeout (0: 10 s).
	Timeout, RequestTimeout time.Duration
}

// TrustFor is the trust a profile asks for: nil unless it enforces and
// names signature keys. Verifications are cached under
// $XDG_CACHE_HOME/hardrun/trust.
func TrustFor(p *profiles.Profile, getenv func(string) string, auth func(string) string) *Trust {
	if p == nil || !p.Enforce || len(p.Images.Signatures.Keys) == 0 {
		return nil
	}
	return &Trust{Profile: p, CacheDir: imagetrust.DefaultCacheDir(getenv), RegistryAuth: auth}
}

const defaultTrustTimeout = 30 * time.Second

// trustImage resolves the launch's image to one registry digest, verifies
// its signature and returns the pinned reference the engine must pull and
// create from (repo@sha256:...). Without Trust it returns the reference
// unchanged.
func trustImage(ctx context.Context, e Engine, l *Launch) (string, *policy.VerifiedImage, error) {
	ref := l.Request.Config.Image
	if l.Trust == nil {
		return ref, nil, nil
	}
	v, err := VerifyImage(ctx, e, l.Trust, ref, l.Pull)
	if err != nil {
		return "", nil, err
	}
	return v.Pinned, v, nil
}

// VerifyImage is trustImage for any caller (explain): ref is judged
// against images.allow before any registry is asked, resolved to a digest
// (the registry's for its tag; the local image's registry digest with
// --pull never) and verified. Every failure is a refusal naming
// images.signatures (or images.allow); nothing is pulled.
func VerifyImage(ctx context.Context, e Engine, t *Trust, ref, pull string) (*policy.VerifiedImage, error) {
	p := t.Profile
	if rs := policy.JudgeImageReference(p, ref); len(rs) > 0 {
		return nil, refusal(p, rs[0])
	}
	timeout := t.Timeout
	if timeout == 0 {
		timeout = defaultTrustTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ks, err := imagetrust.ReadKeys(p.Images.Signatures.Keys)
	if err != nil {
		return nil, trustRefusal(p, ref, err.Error())
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return nil, fmt.Errorf("invalid reference format: %w", err)
	}
	repo := imagetrust.Repo{Domain: reference.Domain(named), Path: reference.Path(named)}
	reg := t.registry(ctx, e)
	digest, err := resolveDigest(ctx, e, reg, named, repo, pull)
	if err != nil {
		var refused *LateRefusalError
		if errors.As(err, &refused) || errors.Is(err, ErrNoSuchObject) {
			return nil, err
		}
		return nil, trustRefusal(p, ref, err.Error())
	}
	res, err := (&imagetrust.Verifier{Keys: ks, Registry: reg, Cache: t.cache()}).Verify(ctx, repo, digest)
	if err != nil {
		return nil, trustRefusal(p, ref, err.Error())
	}
	return &policy.VerifiedImage{Pinned: repo.String() + "@" + digest, Digest: digest, Key: res.Key.String()}, nil
}

// resolveDigest is the one digest the launch runs: the reference's own,
// the registry's for its tag, or (--pull never) the local image's.
func resolveDigest(ctx context.Context, e Engine, reg imagetrust.Registry, named reference.Named, repo imagetrust.Repo, pull string) (string, error) {
	if c, ok := named.(reference.Canonical); ok {
		return c.Digest().String(), nil
	}
	tag := reference.TagNameOnly(named).(reference.Tagged).Tag()
	if pull == runopts.PullNever {
		return localDigest(ctx, e, named, repo)
	}
	d, err := reg.Resolve(ctx, repo, tag)
	if errors.Is(err, imagetrust.ErrNotFound) {
		if _, lerr := localDigest(ctx, e, named, repo); lerr != nil && !errors.Is(lerr, ErrNoSuchObject) {
			return "", lerr // local only: say so rather than "not found"
		}
		return "", fmt.Errorf("%s:%s: tag not found in the registry", repo, tag)
	}
	return d, err
}

// localDigest is the registry digest the engine recorded for the local
// image of that name. An image never pushed or pulled has none, and
// cannot be verified.
func localDigest(ctx context.Context, e Engine, named reference.Named, repo imagetrust.Repo) (string, error) {
	ref := reference.FamiliarString(reference.TagNameOnly(named))
	img, err := e.ImageInspect(ctx, reference.TagNameOnly(named).String())
	if errors.Is(err, ErrNoSuchObject) {
		return "", fmt.Errorf("Error response from daemon: No such image: %s: %w", ref, ErrNoSuchObject)
	}
	if err != nil {
		return "", err
	}
	for _, rd := range img.RepoDigests {
		n, err := reference.ParseNormalizedNamed(rd)
		if c, ok := n.(reference.Canonical); err == nil && ok && n.Name() == repo.String() {
			return c.Digest().String(), nil
		}
	}
	return "", errors.New("the image exists only locally (no registry digest for " + repo.String() +
		"): only an image pulled from or pushed to its registry can be verified")
}

// trustRefusal is a refusal of ref under images.signatures, on one line.
func trustRefusal(p *profiles.Profile, ref, why string) error {
	return refusal(p, policy.Refusal{
		Item: "image " + ref,
		Key:  "images.signatures.keys: [" + strings.Join(p.Images.Signatures.Keys, ", ") + "]",
		Why:  strings.Join(strings.Fields(why), " "),
	})
}

// refusal is printed by main, one line, exit 125; nothing was created.
func refusal(p *profiles.Profile, r policy.Refusal) error {
	return lateRefusal(p.Name, r)
}

func (t *Trust) cache() *imagetrust.Cache {
	if t.CacheDir == "" {
		return nil
	}
	return &imagetrust.Cache{Dir: t.CacheDir}
}

// registry is the registry client with docker's credentials and the
// engine's idea of which registries are insecure.
func (t *Trust) registry(ctx context.Context, e Engine) *imagetrust.HTTPRegistry {
	return &imagetrust.HTTPRegistry{
		Credentials: t.credentials,
		Insecure:    insecureRegistries(ctx, e),
		Timeout:     t.RequestTimeout,
	}
}

func (t *Trust) credentials(domain string) imagetrust.Credentials {
	if t.RegistryAuth == nil {
		return imagetrust.Credentials{}
	}
	enc := t.RegistryAuth(domain)
	if enc == "" {
		return imagetrust.Credentials{}
	}
	ac, err := authconfig.Decode(enc)
	if err != nil || ac == nil {
		return imagetrust.Credentials{}
	}
	return imagetrust.Credentials{Username: ac.Username, Password: ac.Password, IdentityToken: ac.IdentityToken, RegistryToken: ac.RegistryToken}
}

// insecureRegistries is the engine's rule: loopback always; otherwise what
// its configuration (--insecure-registry) says, asked only when a
// registry off this host is contacted. A hostname is matched by name, not
// resolved against the CIDRs (the engine resolves it; hardrun then uses
// HTTPS, which fails closed).
func insecureRegistries(ctx context.Context, e Engine) func(string) bool {
	var info *struct {
		cidrs    []netip.Prefix
		insecure map[string]bool
	}
	return func(domain string) bool {
		if imagetrust.IsLoopback(domain) {
			return true
		}
		if info == nil {
			info = &struct {
				cidrs    []netip.Prefix
				insecure map[string]bool
			}{insecure: map[string]bool{}}
			if i, err := e.Info(ctx); err == nil && i.RegistryConfig != nil {
				info.cidrs = i.RegistryConfig.InsecureRegistryCIDRs
				for name, ic := range i.RegistryConfig.IndexConfigs {
					if ic != nil && !ic.Secure {
						info.insecure[name] = true
					}
				}
			}
		}
		if info.insecure[domain] {
			return true
		}
		host := domain
		if h, _, err := net.SplitHostPort(domain); err == nil {
			host = h
		}
		if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
			for _, c := range info.cidrs {
				if c.Contains(ip) {
					return true
				}
			}
		}
		return false
	}
}

// ConfirmVerified confirms what a container claims (audit): its label and
// pinned image, verified against the keys again (from the cache, else the
// registry). nil: not verified.
func ConfirmVerified(ctx context.Context, e Engine, t *Trust, cfg *container.Config) *policy.VerifiedImage {
	claim := policy.ClaimedVerification(cfg)
	if claim == nil || t == nil {
		return nil
	}
	v, err := VerifyImage(ctx, e, &Trust{Profile: allowAll(t.Profile), CacheDir: t.CacheDir, RegistryAuth: t.RegistryAuth,
		Timeout: t.Timeout, RequestTimeout: t.RequestTimeout}, claim.Pinned, runopts.PullAlways)
	if err != nil || v.Digest != claim.Digest {
		return nil
	}
	return v
}

// allowAll is p without images.allow and require_digest: audit judges
// those itself, on the request; here only the signature counts.
func allowAll(p *profiles.Profile) *profiles.Profile {
	c := *p
	c.Images.Allow = []string{"*"}
	c.Images.RequireDigest = false
	return &c
}
