package runopts

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// This file reads --platform as docker does (containerd's platform
// specifier syntax, with its normalisation of OS and architecture names).

// platform parses --platform; docker sends none to a daemon older than
// API 1.41.
func (b *requestBuilder) platform() (*ocispec.Platform, error) {
	if b.o.Platform == "" || b.env.apiBefore("1.41") {
		return nil, nil
	}
	p, err := platformFromSpecifier(b.o.Platform)
	if err != nil {
		return nil, fmt.Errorf("error parsing specified platform: %w", err)
	}
	return &p, nil
}

var (
	platformOSRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.-]*)\))?$`)
	})
	platformPartRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.-]+$`) })
)

// platformFromSpecifier reads OS[/ARCH[/VARIANT]] or a lone OS or ARCH.
func platformFromSpecifier(spec string) (ocispec.Platform, error) {
	invalid := func(format string, args ...any) (ocispec.Platform, error) {
		return ocispec.Platform{}, fmt.Errorf(format+": invalid argument", args...)
	}
	if strings.Contains(spec, "*") {
		return invalid("%q: wildcards not yet supported", spec)
	}
	parts := strings.SplitN(spec, "/", 4)
	var p ocispec.Platform
	osv := platformOSRe().FindStringSubmatch(parts[0])
	if osv == nil {
		return invalid("%q is an invalid OS component of %q: OSAndVersion specifier component must match %q", parts[0], spec, platformOSRe().String())
	}
	p.OS, p.OSVersion = normalizePlatformOS(osv[1]), osv[2]
	for _, part := range parts[1:] {
		if !platformPartRe().MatchString(part) {
			return invalid("%q is an invalid component of %q: platform specifier component must match %q", part, spec, platformPartRe().String())
		}
	}
	switch len(parts) {
	case 1:
		return platformFromOneComponent(p, parts[0], spec)
	case 2:
		p.Architecture, p.Variant = normalizePlatformArch(parts[1], "")
		if p.Architecture == "arm" && p.Variant == "v7" {
			p.Variant = ""
		}
		return p, nil
	case 3:
		p.Architecture, p.Variant = normalizePlatformArch(parts[1], parts[2])
		if p.Architecture == "arm64" && p.Variant == "" {
			p.Variant = "v8"
		}
		return p, nil
	}
	return invalid("%q: cannot parse platform specifier", spec)
}

// platformFromOneComponent reads "linux" (this client's architecture) or
// "arm64" (this client's OS).
func platformFromOneComponent(p ocispec.Platform, part, spec string) (ocispec.Platform, error) {
	if knownPlatformOS[p.OS] {
		p.Architecture = runtime.GOARCH
		return p, nil
	}
	p.Architecture, p.Variant = normalizePlatformArch(part, "")
	if p.Architecture == "arm" && p.Variant == "v7" {
		p.Variant = ""
	}
	if knownPlatformArch[p.Architecture] {
		p.OS = runtime.GOOS
		return p, nil
	}
	return ocispec.Platform{}, fmt.Errorf("%q: unknown operating system or architecture: invalid argument", spec)
}

var knownPlatformOS = platformNameSet("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios",
	"js", "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos")

var knownPlatformArch = platformNameSet("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64",
	"ppc64le", "loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc",
	"riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm")

func platformNameSet(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}

func normalizePlatformOS(os string) string {
	if os == "" {
		return runtime.GOOS
	}
	os = strings.ToLower(os)
	if os == "macos" {
		return "darwin"
	}
	return os
}

// normalizePlatformArch maps architecture aliases (x86_64, aarch64,
// armhf, ...) and variant spellings to their canonical names.
func normalizePlatformArch(arch, variant string) (string, string) {
	arch, variant = strings.ToLower(arch), strings.ToLower(variant)
	switch arch {
	case "i386":
		return "386", ""
	case "x86_64", "x86-64", "amd64":
		if variant == "v1" {
			variant = ""
		}
		return "amd64", variant
	case "aarch64", "arm64":
		switch variant {
		case "8", "v8", "v8.0":
			variant = ""
		case "9", "9.0", "v9.0":
			variant = "v9"
		}
		return "arm64", variant
	case "armhf":
		return "arm", "v7"
	case "armel":
		return "arm", "v6"
	case "arm":
		switch variant {
		case "", "7":
			variant = "v7"
		case "5", "6", "8":
			variant = "v" + variant
		}
	}
	return arch, variant
}
