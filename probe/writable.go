package probe

import (
	"fmt"
	"os"
)

// errNotFileOrDir: a volume that is a socket, FIFO or device is not opened,
// because opening one can block or act.
var errNotFileOrDir = fmt.Errorf("not a regular file or directory")

// tryWrite tests path for write without changing it: in a directory it
// creates a temporary file and removes it; a regular file is opened for
// writing and closed, nothing is written. The detail says what was done.
func tryWrite(path string) (detail string, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	switch {
	case fi.IsDir():
		return createAndRemove(path)
	case fi.Mode().IsRegular():
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return "", err
		}
		f.Close()
		return "opened the file for writing, wrote nothing", nil
	default:
		return "", errNotFileOrDir
	}
}

// createAndRemove creates a temporary file in dir and removes it.
func createAndRemove(dir string) (string, error) {
	f, err := os.CreateTemp(dir, ".hardrun-probe-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Sprintf("created %s but could not remove it: %v", name, err), nil
	}
	return "created and removed a temporary file", nil
}
