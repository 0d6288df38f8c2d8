package launcher

import (
	"errors"
	"fmt"
	"os"
)

// cidFile is docker's --cidfile: refused when the file exists (another
// container may own it), created before the create call, filled with the
// ID after it, and removed again when the create fails.
type cidFile struct {
	path string
	f    *os.File
}

func newCIDFile(path string) (*cidFile, error) {
	if path == "" {
		return &cidFile{}, nil
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("container ID file found, make sure the other container isn't running or delete %s", path)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("failed to create the container ID file: %w", err)
	}
	return &cidFile{path: path, f: f}, nil
}

func (c *cidFile) write(id string) error {
	if c.f == nil {
		return nil
	}
	_, err := c.f.WriteString(id)
	err = errors.Join(err, c.f.Close())
	c.f = nil
	if err != nil {
		return fmt.Errorf("failed to write the container ID to the file: %w", err)
	}
	return nil
}

func (c *cidFile) abandon() {
	if c.path == "" {
		return
	}
	if c.f != nil {
		c.f.Close()
		c.f = nil
	}
	os.Remove(c.path)
}
