package profiles

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// builtinFS holds the built-in profiles, the last place searched.
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

const (
	// BuiltinSource is Profile.Source and Entry.Source of a built-in profile.
	BuiltinSource = "built-in"
	// DefaultProfile is the profile used when neither --profile nor
	// $HARDRUN_PROFILE names one.
	DefaultProfile = "default"

	systemDir   = "/etc/hardrun/profiles"
	maxFileSize = 1 << 20 // a profile is a page of YAML; refuse to read a disk image
)

// builtinsCurrent reports whether resolvedBuiltins were generated from the
// built-in YAML this binary embeds. A build from edited YAML whose
// generated file was not refreshed resolves the YAML instead (the tests
// fail until it is refreshed): stale values are never used.
var builtinsCurrent = sync.OnceValue(func() bool { return builtinDigest() == resolvedBuiltinsFrom })

// builtinDigest is a SHA-256 over the embedded built-in profile files.
func builtinDigest() string {
	h := sha256.New()
	for _, name := range builtinNames() {
		data, _ := builtinFS.ReadFile("builtin/" + name + ".yaml") // embedded: cannot fail
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SearchOptions says where profiles are looked for.
type SearchOptions struct {
	ProfileDirs []string            // --profile-dir, in order; searched first
	Getenv      func(string) string // nil: os.Getenv
	// SystemDir replaces /etc/hardrun/profiles ("" keeps it): unit tests
	// pass an empty directory so that the host's profiles never change
	// what they load.
	SystemDir string
}

// Loader finds, decodes and resolves profiles. It caches every file it
// decodes and every profile it resolves, so a profile is read once per
// process. It is safe for concurrent use.
type Loader struct {
	dirs   []string // the search order before the built-ins
	getenv func(string) string

	mu       sync.Mutex
	layers   map[string]layerResult
	resolved map[string]resolvedResult

	// fromYAML turns off the precomputed built-ins (resolvedBuiltins), so
	// the test that keeps them up to date resolves the YAML itself.
	fromYAML bool
}

type layerResult struct {
	l   *layer
	err error
}

type resolvedResult struct {
	p     *Profile
	where *placed
	depth int
	err   error
	fresh bool            // p is a new value nobody else holds: no copy needed
	leaf  string          // the file resolved last
	up    *resolvedResult // the parent's result (the schema defaults' for a profile without extends)
}

// NewLoader returns a Loader that searches, in order: o.ProfileDirs,
// $HARDRUN_PROFILE_PATH (colon-separated), $XDG_CONFIG_HOME/hardrun/profiles
// (else $HOME/.config/hardrun/profiles), /etc/hardrun/profiles, then the
// built-ins. The environment is read once, here.
func NewLoader(o SearchOptions) *Loader {
	if o.SystemDir != "" {
		return newLoader(o, o.SystemDir)
	}
	return newLoader(o, systemDir)
}

// newLoader is NewLoader with another system directory, for tests.
func newLoader(o SearchOptions, sysDir string) *Loader {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Loader{
		dirs:     searchDirs(o.ProfileDirs, getenv, sysDir),
		getenv:   getenv,
		layers:   map[string]layerResult{},
		resolved: map[string]resolvedResult{},
	}
}

func searchDirs(profileDirs []string, getenv func(string) string, sysDir string) []string {
	dirs := slices.Clone(profileDirs)
	dirs = append(dirs, filepath.SplitList(getenv("HARDRUN_PROFILE_PATH"))...)
	// XDG Base Directory spec: a relative XDG_CONFIG_HOME is invalid and ignored.
	if xdg := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(xdg) {
		dirs = append(dirs, filepath.Join(xdg, "hardrun", "profiles"))
	} else if home := getenv("HOME"); home != "" {
		dirs = append(dirs, filepath.Join(home, ".config", "hardrun", "profiles"))
	}
	dirs = append(dirs, sysDir)
	return dedupDirs(dirs)
}

// dedupDirs drops empty entries and later repeats of a directory.
func dedupDirs(dirs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range dirs {
		if d == "" || seen[filepath.Clean(d)] {
			continue
		}
		seen[filepath.Clean(d)] = true
		out = append(out, d)
	}
	return out
}

// SearchPath returns the directories searched, in order; the built-ins
// come after them.
func (l *Loader) SearchPath() []string { return slices.Clone(l.dirs) }

// DefaultName is the profile used when --profile is not given:
// $HARDRUN_PROFILE, else "default".
func (l *Loader) DefaultName() string {
	if name := l.getenv("HARDRUN_PROFILE"); name != "" {
		return name
	}
	return DefaultProfile
}

// IsFileRef reports whether a --profile value names a file rather than a
// profile: it contains a '/' or ends in .yaml or .yml.
func IsFileRef(ref string) bool {
	return strings.ContainsRune(ref, '/') || strings.ContainsRune(ref, filepath.Separator) ||
		strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml")
}

// Load returns the profile ref names, fully resolved (extends applied,
// schema defaults filled in, every key validated), with Source and Hash
// set. ref is a profile name, a file (see IsFileRef), or "" for
// DefaultName(). The result is the caller's to modify.
//
// Errors: a *NotFoundError (errors.Is ErrNotFound) for an unknown name; an
// ErrorList of every problem in the profile's files, each FILE:LINE:COL;
// or an error reading a file.
func (l *Loader) Load(ref string) (*Profile, error) {
	if ref == "" {
		ref = l.DefaultName()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if IsFileRef(ref) {
		return l.loaded(l.loadFile(ref))
	}
	return l.loaded(l.loadNamed(ref))
}

// loaded hands out a copy of a resolved profile, its hash computed once
// (only for the profiles handed out, not for every parent).
func (l *Loader) loaded(r resolvedResult) (*Profile, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.p.Hash == "" {
		r.p.Hash = r.p.hash()
	}
	p := r.p
	if !r.fresh {
		p = r.clone()
	}
	if r.where != nil {
		// Computed here, for the profile handed out, not at every step of
		// its extends chain: the resolved profile is the same.
		p.Warned = append(p.Warned, resolvedWarnings(p, r.where, r.leaf)...)
	}
	return p, nil
}

func (r resolvedResult) clone() *Profile { return r.p.clone() }

// LoadFile is Load for a file, whatever its name looks like.
func (l *Loader) LoadFile(file string) (*Profile, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.loaded(l.loadFile(file))
}

// candidate is a profile file found in the search order.
type candidate struct {
	name  string // the profile name its file name gives it
	file  string // path shown in errors; built-in/NAME.yaml for a built-in
	id    string // identity: absolute path, or built-in/NAME.yaml
	level int    // its place in the search order; len(order) = the built-ins
}

func (c candidate) source() string {
	if c.builtin() {
		return BuiltinSource
	}
	return c.file
}

func (c candidate) builtin() bool { return strings.HasPrefix(c.id, "built-in/") }

// order is a search order: directories, then the built-ins. key tells
// apart the orders used for resolution, in the caches.
type order struct {
	key  string
	dirs []string
}

func (l *Loader) loadNamed(name string) resolvedResult {
	if !validName(name) {
		return resolvedResult{err: fmt.Errorf("%q is not a profile name (letters, digits, '_', '.', '-') nor a file", name)}
	}
	o := order{dirs: l.dirs}
	c, err := find(name, o, 0)
	if err != nil {
		return resolvedResult{err: err}
	}
	if c == nil {
		return resolvedResult{err: &NotFoundError{Name: name, Searched: searched(o, 0), Suggest: l.nearestName(name)}}
	}
	if c.builtin() && !l.fromYAML && builtinsCurrent() {
		if p, ok := resolvedBuiltins[name]; ok {
			return resolvedResult{p: p(), fresh: true}
		}
	}
	return l.resolve(*c, o, nil)
}

// loadFile loads a file named directly. A file in one of the search
// directories resolves exactly as if it had been found there by name.
// Any other file looks for its parents first in its own directory, then
// in the search order: a directory of profiles can be used (and
// validated) before it is installed.
func (l *Loader) loadFile(file string) resolvedResult {
	abs, err := filepath.Abs(file)
	if err != nil {
		return resolvedResult{err: fmt.Errorf("read profile %s: %w", file, err)}
	}
	dir := filepath.Dir(abs)
	c := candidate{name: nameOf(file), file: file, id: abs}
	for i, d := range l.dirs {
		if a, err := filepath.Abs(d); err == nil && a == dir {
			c.level = i
			return l.resolve(c, order{dirs: l.dirs}, nil)
		}
	}
	return l.resolve(c, order{key: dir, dirs: append([]string{dir}, l.dirs...)}, nil)
}

// nameOf is the profile name a file name gives: its base name without
// .yaml or .yml.
func nameOf(file string) string {
	base := filepath.Base(file)
	if s, ok := strings.CutSuffix(base, ".yaml"); ok {
		return s
	}
	return strings.TrimSuffix(base, ".yml")
}

// find looks name up in o from level from on; nil when it is nowhere.
func find(name string, o order, from int) (*candidate, error) {
	for i := from; i < len(o.dirs); i++ {
		c, err := findIn(o.dirs[i], name)
		if err != nil || c != nil {
			if c != nil {
				c.level = i
			}
			return c, err
		}
	}
	file := "builtin/" + name + ".yaml"
	if _, err := fs.Stat(builtinFS, file); from <= len(o.dirs) && err == nil {
		id := "built-in/" + name + ".yaml"
		return &candidate{name: name, file: id, id: id, level: len(o.dirs)}, nil
	}
	return nil, nil
}

// findIn looks for NAME.yaml or NAME.yml in dir. A file that exists but
// cannot be looked at is an error, not a reason to fall through to the
// next directory: that would silently apply a different profile.
func findIn(dir, name string) (*candidate, error) {
	var found []string
	for _, ext := range []string{".yaml", ".yml"} {
		file := filepath.Join(dir, name+ext)
		fi, err := os.Stat(file)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return nil, fmt.Errorf("look up profile %q: %w", name, err)
		case fi.IsDir():
			return nil, fmt.Errorf("look up profile %q: %s is a directory", name, file)
		}
		found = append(found, file)
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 2:
		return nil, fmt.Errorf("look up profile %q: both %s and %s exist", name, found[0], found[1])
	}
	abs, err := filepath.Abs(found[0])
	if err != nil {
		return nil, fmt.Errorf("look up profile %q: %w", name, err)
	}
	return &candidate{name: name, file: found[0], id: abs}, nil
}

// searched lists the places o searches from level from on, for messages.
func searched(o order, from int) []string {
	var s []string
	if from < len(o.dirs) {
		s = slices.Clone(o.dirs[from:])
	}
	return append(s, BuiltinSource)
}

// resolve decodes c, resolves its parent chain and applies it. chain is
// the profiles being resolved below this one (for cycle detection).
func (l *Loader) resolve(c candidate, o order, chain []candidate) resolvedResult {
	key := o.key + "\x00" + c.id + "\x00" + c.file
	if r, ok := l.resolved[key]; ok {
		return r
	}
	r := l.resolveUncached(c, o, chain)
	l.resolved[key] = r
	return r
}

func (l *Loader) resolveUncached(c candidate, o order, chain []candidate) resolvedResult {
	lay, err := l.layer(c)
	if err != nil {
		return resolvedResult{err: err}
	}
	base := resolvedResult{p: &Profile{}}
	*base.p = schemaDefaults()
	if lay.prof.Extends != "" {
		base = l.parent(c, lay, o, chain)
		if base.err != nil {
			return base
		}
	}
	inherit := lay.prof.Extends != ""
	p := base.p
	if inherit { // the parent is cached and shared; the schema defaults are new
		p = base.p.clone()
	}
	where := &placed{set: lay.set, depth: base.depth + 1, parent: base.where}
	overlay(p, lay, where, inherit)
	// name and description describe this file; they are not inherited.
	p.Name, p.Description, p.Extends = lay.prof.Name, lay.prof.Description, lay.prof.Extends
	p.Source = c.source()
	p.Hash = "" // the parent's, if it was handed out before: computed anew in loaded
	if errs := checkResolved(p, where, c.file); len(errs) > 0 {
		return resolvedResult{err: errs.sort()}
	}
	p.Weakened = nil
	if inherit {
		p.Weakened = weakenings(&base, p, lay, c.file)
	}
	p.Warned = layerWarnings(lay, inherit)
	return resolvedResult{p: p, where: where, depth: base.depth + 1, leaf: c.file, up: &base}
}

// parent finds and resolves the profile lay extends. A profile that
// extends its own name (a user default.yaml with `extends: default`) gets
// the next profile of that name further down the search order. A built-in
// extends only built-ins, whatever shadows them.
func (l *Loader) parent(c candidate, lay *layer, o order, chain []candidate) resolvedResult {
	name, at := lay.prof.Extends, lay.set["extends"]
	from := 0
	switch {
	case name == c.name:
		from = c.level + 1
	case c.builtin():
		from = c.level
	}
	pc, err := find(name, o, from)
	if err != nil {
		return resolvedResult{err: err}
	}
	if pc == nil {
		msg := fmt.Sprintf("extends: profile %q not found (searched %s)", name, strings.Join(searched(o, from), ", "))
		if from > 0 {
			msg = fmt.Sprintf("extends: no profile %q after %s in the search order (searched %s)", name, c.source(), strings.Join(searched(o, from), ", "))
		}
		return resolvedResult{err: ErrorList{at.errorf("%s", msg)}}
	}
	chain = append(slices.Clone(chain), c)
	for i, x := range chain {
		if x.id == pc.id {
			return resolvedResult{err: ErrorList{at.errorf("extends: cycle: %s", cycleText(chain[i:], *pc))}}
		}
	}
	return l.resolve(*pc, o, chain)
}

func cycleText(chain []candidate, back candidate) string {
	var names []string
	for _, c := range append(chain, back) {
		names = append(names, fmt.Sprintf("%s (%s)", c.name, c.source()))
	}
	return strings.Join(names, " -> ")
}

// layer reads and decodes c, once per Loader.
func (l *Loader) layer(c candidate) (*layer, error) {
	key := c.id + "\x00" + c.file
	if r, ok := l.layers[key]; ok {
		return r.l, r.err
	}
	var r layerResult
	data, err := readProfile(c)
	if err != nil {
		r.err = err
	} else if lay, errs := decodeFile(c.file, c.name, data); errs != nil {
		r.err = errs
	} else {
		r.l = lay
	}
	l.layers[key] = r
	return r.l, r.err
}

func readProfile(c candidate) ([]byte, error) {
	if c.builtin() {
		return builtinFS.ReadFile("builtin/" + c.name + ".yaml")
	}
	f, err := os.Open(c.file)
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read profile %s: %w", c.file, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("read profile %s: larger than %d bytes", c.file, maxFileSize)
	}
	return data, nil
}

// nearestName is the visible profile name nearest to a name that was not
// found ("devv" → "dev"), or "". Only on the error path: it lists the
// search directories.
func (l *Loader) nearestName(name string) string {
	names := builtinNames()
	for _, dir := range l.dirs {
		files, _ := profileFiles(dir) // a directory that cannot be listed suggests nothing
		for _, f := range files {
			names = append(names, nameOf(f))
		}
	}
	return nearest(name, names, nil)
}
