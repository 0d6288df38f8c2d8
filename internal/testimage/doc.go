// Package testimage builds the small images the integration tests and the
// demo run, through the Engine API: no registry is reachable, so each image
// is a tar of a root filesystem (Debian's static busybox and hardrun's own
// static binary) imported with Dockerfile-style changes.
package testimage
