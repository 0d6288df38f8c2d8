package policy

import "sync"

// memo is a concurrency-safe memo with a size cap, for the generated
// seccomp and AppArmor profiles. A hardrun process judges one request, but
// a long-running one (the authorization plugin, a benchmark loop) judges
// requests from many callers, each able to name a new spec; an unbounded
// memo would grow with them. At the cap it forgets one arbitrary entry
// (Go's map order): the entries are pure functions of their key, cheap to
// rebuild, and the hot ones come straight back.
type memo[V any] struct {
	mu  sync.RWMutex
	max int
	m   map[string]V
}

func newMemo[V any](max int) *memo[V] { return &memo[V]{max: max, m: map[string]V{}} }

func (c *memo[V]) get(key string) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *memo[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = v
}

func (c *memo[V]) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
