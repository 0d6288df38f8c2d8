package authz

import (
	"context"
	"sync"

	"github.com/hardrun/hardrun/policy"
)

// Reading a container's /etc/passwd and /etc/group through the engine
// mounts its root file system, hundreds of milliseconds on some storage
// drivers, at every start. Before its first start a container's files are
// its image's, unless something was copied in (PUT archive, which passes
// through the plugin): so for a container created while this plugin ran,
// never started and with no copy-in since, the files are its image's and
// are cached by image ID (content addressed, immutable).
const (
	maxFreshContainers = 4096
	maxCachedImages    = 256
)

// userFilesCache tracks the fresh containers and the image files.
type userFilesCache struct {
	mu     sync.Mutex
	fresh  map[string]bool // container IDs created while the plugin ran, no copy-in since
	images map[string]policy.UserFiles
}

func newUserFilesCache() *userFilesCache {
	return &userFilesCache{fresh: map[string]bool{}, images: map[string]policy.UserFiles{}}
}

// created records a container the engine created (from AuthZRes).
func (c *userFilesCache) created(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.fresh) >= maxFreshContainers {
		clear(c.fresh) // only the fast path is lost
	}
	c.fresh[id] = true
}

// copiedIn forgets every fresh container: the request may name one by a
// name or a short ID, and copy-ins are rare.
func (c *userFilesCache) copiedIn() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.fresh)
}

// files returns the user files of the container ref names (whose full ID
// is id, of image, never started when neverStarted), from the cache when
// they are the image's.
func (c *userFilesCache) files(ctx context.Context, e Engine, ref, id, image string, neverStarted bool) (policy.UserFiles, error) {
	c.mu.Lock()
	cacheable := neverStarted && image != "" && id != "" && c.fresh[id]
	f, ok := c.images[image]
	c.mu.Unlock()
	if cacheable && ok {
		return f, nil
	}
	f, err := e.UserFiles(ctx, ref)
	if err != nil || !cacheable {
		return f, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.images) >= maxCachedImages {
		clear(c.images)
	}
	c.images[image] = f
	return f, nil
}
