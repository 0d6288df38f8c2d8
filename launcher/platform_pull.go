package launcher

import (
	"github.com/moby/moby/api/types/image"
)

// platformMismatch reports whether a local image is not of the platform
// --platform asks for. docker then treats it as missing: the engine's
// create answers "was found but does not match the specified platform"
// (a not-found error) and the CLI pulls that platform's image. A platform
// hardrun cannot read, or an image that records no platform, is left to
// the engine.
func platformMismatch(img image.InspectResponse, want string) bool {
	if want == "" {
		return false
	}
	p, err := parsePlatform(want)
	if err != nil || img.Os == "" {
		return false
	}
	arch := normalizeArch(img.Architecture)
	switch {
	case p.OS != img.Os:
		return true
	case p.Architecture != "" && normalizeArch(p.Architecture) != arch:
		return true
	case p.Variant != "" && img.Variant != "" && p.Variant != img.Variant:
		return true
	}
	return false
}

// normalizeArch spells architectures as the engine records them.
func normalizeArch(a string) string {
	switch a {
	case "x86_64", "x86-64":
		return "amd64"
	case "aarch64":
		return "arm64"
	}
	return a
}
