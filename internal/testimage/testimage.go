package testimage

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/client"
)

// Image is one image to build.
type Image struct {
	Ref     string   // hardrun-test/root:latest
	Changes []string // USER 1234, VOLUME /data, WORKDIR /work, HEALTHCHECK ...
	Bare    bool     // nothing but the directories: for the probe's scratch test
	// Files replace or add regular files of the full root filesystem, by
	// path without the leading slash ("etc/group"): an image's own user
	// files, for the identity tests.
	Files map[string]string
}

// Images are the test images every integration run builds.
func Images() []Image {
	return []Image{
		{Ref: "hardrun-test/root:latest", Changes: []string{`CMD ["sh"]`}},
		{Ref: "hardrun-test/user:latest", Changes: []string{"USER 1234", `CMD ["sh"]`}},
		{Ref: "hardrun-test/volume:latest", Changes: []string{"VOLUME /data", "WORKDIR /work", `CMD ["sh"]`}},
		{Ref: "hardrun-test/health:latest", Changes: []string{`HEALTHCHECK --interval=5s --timeout=2s CMD ["true"]`, `CMD ["sh"]`}},
		{Ref: "hardrun-test/scratch:latest", Bare: true},
	}
}

// Options say where the parts of the root filesystem come from.
type Options struct {
	Busybox string // static busybox, default /bin/busybox
	Hardrun string // static hardrun binary, copied to /usr/local/bin/hardrun
}

// Build builds imgs through the engine c.
func Build(ctx context.Context, c *client.Client, o Options, imgs []Image) error {
	if o.Busybox == "" {
		o.Busybox = "/bin/busybox"
	}
	full, err := rootfs(o, false)
	if err != nil {
		return err
	}
	bare, err := rootfs(o, true)
	if err != nil {
		return err
	}
	for _, img := range imgs {
		src := full
		if img.Bare {
			src = bare
		}
		if len(img.Files) > 0 {
			if src, err = rootfsWith(o, img.Files); err != nil {
				return err
			}
		}
		if err := importImage(ctx, c, img, src); err != nil {
			return err
		}
	}
	return nil
}

func importImage(ctx context.Context, c *client.Client, img Image, tarball []byte) error {
	res, err := c.ImageImport(ctx,
		client.ImageImportSource{Source: bytes.NewReader(tarball), SourceName: "-"},
		img.Ref, client.ImageImportOptions{Changes: img.Changes, Message: "hardrun test image"})
	if err != nil {
		return fmt.Errorf("import %s: %w", img.Ref, err)
	}
	defer res.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(res); err != nil {
		return fmt.Errorf("import %s: %w", img.Ref, err)
	}
	if strings.Contains(buf.String(), `"error"`) {
		return fmt.Errorf("import %s: %s", img.Ref, buf.String())
	}
	return nil
}

// rootfs makes the tar: busybox with its applets linked, hardrun, the
// directories a shell expects, and passwd/group naming root and 1234.
func rootfs(o Options, bare bool) ([]byte, error) {
	return buildRootfs(o, bare, nil)
}

// rootfsWith is the full root filesystem with files replaced or added.
func rootfsWith(o Options, files map[string]string) ([]byte, error) {
	return buildRootfs(o, false, files)
}

func buildRootfs(o Options, bare bool, files map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Unix(0, 0)
	dir := func(name string, mode int64) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, ModTime: now})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: now}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	dirs := []string{"bin", "etc", "tmp", "data", "work", "usr", "usr/local", "usr/local/bin", "proc", "sys", "dev", "run", "var", "root", "home"}
	if bare {
		// Nothing but the probe's own mount point.
		dirs = []string{".hardrun"}
	}
	for _, d := range dirs {
		mode := int64(0o755)
		if d == "tmp" {
			mode = 0o1777
		}
		if err := dir(d, mode); err != nil {
			return nil, err
		}
	}
	if !bare {
		if err := addBinaries(o, file, tw, now); err != nil {
			return nil, err
		}
		if err := addFiles(file, files); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// defaultFiles are the user files of every full image: root, user 1234
// and nobody, each in its own group.
var defaultFiles = map[string]string{
	"etc/passwd": "root:x:0:0:root:/root:/bin/sh\nuser:x:1234:1234:user:/home:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
	"etc/group":  "root:x:0:\nuser:x:1234:\nnogroup:x:65534:\n",
}

// addFiles writes the default files with files laid over them, in path
// order so the tar (and so the image ID) is the same every time.
func addFiles(file func(string, int64, []byte) error, files map[string]string) error {
	all := maps.Clone(defaultFiles)
	maps.Copy(all, files)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		if err := file(name, 0o644, []byte(all[name])); err != nil {
			return err
		}
	}
	return nil
}

func addBinaries(o Options, file func(string, int64, []byte) error, tw *tar.Writer, now time.Time) error {
	bb, err := os.ReadFile(o.Busybox)
	if err != nil {
		return fmt.Errorf("read busybox (apt-get install busybox-static): %w", err)
	}
	if err := file("bin/busybox", 0o755, bb); err != nil {
		return err
	}
	out, err := exec.Command(o.Busybox, "--list").Output()
	if err != nil {
		return fmt.Errorf("list busybox applets: %w", err)
	}
	for _, applet := range strings.Fields(string(out)) {
		if applet == "busybox" || strings.Contains(applet, "/") {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + applet, Linkname: "busybox", Mode: 0o777, ModTime: now}); err != nil {
			return err
		}
	}
	if o.Hardrun == "" {
		return nil
	}
	hr, err := os.ReadFile(o.Hardrun)
	if err != nil {
		return fmt.Errorf("read hardrun binary: %w", err)
	}
	return file("usr/local/bin/hardrun", 0o755, hr)
}
