package authz

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// Profile cache bounds: profiles are a handful of small files, but a label
// is the caller's to write, so the names looked up are not.
const (
	maxCachedProfiles = 64
	profileTTL        = 30 * time.Second // an edited profile holds within this
)

// profileSource picks the profile that judges a request.
type profileSource struct {
	load func(string) (*profiles.Profile, error)
	def  *profiles.Profile
	site *SitePolicy

	mu    sync.Mutex
	cache map[string]cachedProfile
	now   func() time.Time
}

type cachedProfile struct {
	p    *profiles.Profile
	err  error
	when time.Time
}

func newProfileSource(load func(string) (*profiles.Profile, error), def *profiles.Profile, site *SitePolicy) *profileSource {
	return &profileSource{load: load, def: def, site: site, cache: map[string]cachedProfile{}, now: time.Now}
}

// forLabel returns the profile an io.hardrun.profile label value names
// when the site policy allows it, else the default; note says why the
// label's profile was not used ("" when it was, or when there is none).
func (s *profileSource) forLabel(label string) (p *profiles.Profile, note string) {
	name, _, _ := strings.Cut(label, "@")
	if name == "" {
		return s.def, ""
	}
	if profiles.IsFileRef(name) || strings.ContainsAny(name, `/\`) {
		return s.def, fmt.Sprintf("label %s names no profile", policy.LabelProfile)
	}
	if !s.site.allowsName(name) {
		return s.def, fmt.Sprintf("the site policy does not allow profile %q", name)
	}
	p, err := s.get(name)
	switch {
	case err != nil:
		return s.def, fmt.Sprintf("profile %q: %v", name, err)
	case !p.Enforce && !s.site.listsName(name):
		// Without a site policy naming it, a label cannot opt out.
		return s.def, fmt.Sprintf("profile %q enforces nothing and the site policy does not list it", name)
	}
	return p, ""
}

// get loads a profile by name through the bounded cache.
func (s *profileSource) get(name string) (*profiles.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if c, ok := s.cache[name]; ok && now.Sub(c.when) < profileTTL {
		return c.p, c.err
	}
	p, err := s.load(name)
	if len(s.cache) >= maxCachedProfiles {
		s.evict(now)
	}
	s.cache[name] = cachedProfile{p: p, err: err, when: now}
	return p, err
}

// evict drops expired entries, or everything when none has expired.
func (s *profileSource) evict(now time.Time) {
	for k, c := range s.cache {
		if now.Sub(c.when) >= profileTTL {
			delete(s.cache, k)
		}
	}
	if len(s.cache) >= maxCachedProfiles {
		clear(s.cache)
	}
}
