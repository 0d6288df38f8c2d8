package policy

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/profiles"
)

// judgeFilesystem: the read-only root and its tmpfs, binds (-v and --mount),
// named and anonymous volumes (the image's included), --volumes-from and the
// Docker API socket.
func (e *evaluation) judgeFilesystem() {
	e.judgeReadOnly()
	e.judgeWritableRoot()
	e.judgeUserFileMounts()
	taken := e.mountDestinations()
	e.applyTmpfs(taken)
	e.judgeVolumeDriver()
	e.judgeBinds()
	e.judgeMounts()
	e.judgeAnonymousVolumes()
	e.applyImageVolumes(taken)
	e.judgeUserFileRoutes() // after every mount the plan adds: the profile's tmpfs too
	e.judgeVolumesFrom()
	if e.given("use-api-socket") {
		e.refuse(item("use-api-socket", ""), keyEnforce, "it gives the container the Docker API, that is root on the host")
	}
}

// userFilePaths are where the engine and runc read the user database: the
// engine resolves --user against the image's files, runc the groups
// against what is mounted there, so a mount over them makes the two differ
// from what hardrun judged.
var userFilePaths = []string{"/etc", "/etc/passwd", "/etc/group"}

// judgeUserFileRoutes refuses a mount on the image's own route to its user
// files (a symlinked /etc, a link through /tmp), when a launch has read
// them: the request's mounts and the ones the plan added (the profile's
// tmpfs), or the engine's own (/dev/shm).
func (e *evaluation) judgeUserFileRoutes() {
	if e.img.Users == nil {
		return
	}
	seen := map[string]bool{}
	paths := e.img.Users.Paths
	for i := len(paths) - 1; i >= 0; i-- { // the deepest path names the route best
		p := paths[i]
		t := e.req.MountTargetOver(p)
		if t == "" {
			t = EngineMountOver(p)
		}
		if t != "" && !seen[t] {
			seen[t] = true
			e.refuse(itemAs(FieldMounts, "a mount at "+t), keyEnforce, "the image's user files are reached through "+p+": "+userFileWhy)
		}
	}
}

func (e *evaluation) judgeUserFileMounts() {
	for _, b := range e.hc.Binds {
		if s, err := ParseBind(b); err == nil && slices.Contains(userFilePaths, path.Clean(s.Target)) {
			e.refuse(item("HostConfig.Binds", b), keyEnforce, userFileWhy)
		}
	}
	for _, m := range e.hc.Mounts {
		if slices.Contains(userFilePaths, path.Clean(m.Target)) {
			e.refuse(item("HostConfig.Mounts", mountSpec(m)), keyEnforce, userFileWhy)
		}
	}
	for dst := range e.hc.Tmpfs {
		if slices.Contains(userFilePaths, path.Clean(dst)) {
			e.refuse(item("HostConfig.Tmpfs", dst), keyEnforce, userFileWhy)
		}
	}
	for v := range e.cfg.Volumes {
		if dst, _ := SplitVolumeKey(v); slices.Contains(userFilePaths, path.Clean(dst)) {
			e.refuse(item("Config.Volumes", v), keyEnforce, userFileWhy)
		}
	}
	for _, v := range e.img.Volumes {
		if slices.Contains(userFilePaths, path.Clean(v)) {
			e.refuse(itemAs(FieldVolumes, "the image's VOLUME "+v), keyEnforce, userFileWhy)
		}
	}
}

const userFileWhy = "a mount over the image's /etc, /etc/passwd or /etc/group changes the user and groups the container gets from what was judged"

func (e *evaluation) judgeReadOnly() {
	if !e.p.ReadOnly || e.hc.ReadonlyRootfs {
		return
	}
	if e.given("read-only") {
		e.refuse(itemAs(FieldReadonlyRootfs, flagFor(FieldReadonlyRootfs)+"=false"), "read_only: true", "")
		return
	}
	e.hc.ReadonlyRootfs = true
	e.change("HostConfig.ReadonlyRootfs", "", "read_only", "default")
}

// judgeWritableRoot refuses a writable root file system under a profile
// that refuses uid 0 or group 0. The engine and runc resolve the user from
// the container's /etc/passwd and /etc/group again at every start, every
// exec (with -u UID:GID too: runc looks supplementary gids up by name, so
// a line "10001:x:0:" gives group 0) and every health check, none of which
// hardrun sees in time; a container that can rewrite the files chooses its
// next identity. On Docker 20.10 non-root cannot be promised there.
func (e *evaluation) judgeWritableRoot() {
	if e.p.ReadOnly || e.hc.ReadonlyRootfs || (e.p.AllowRoot && e.p.AllowRootGroup) {
		return // read_only: true made it read-only, or refused --read-only=false
	}
	e.refuse(itemAs(FieldReadonlyRootfs, "a writable root file system"), rootRefusedKey(e.p), WritableRootWhy)
}

// rootRefusedKey names the key that refuses root: allow_root, else
// allow_root_group.
func rootRefusedKey(p *profiles.Profile) string {
	if p.AllowRoot {
		return "allow_root_group: false"
	}
	return "allow_root: false"
}

// WritableRootWhy is why a container whose root file system is writable
// cannot be promised non-root.
const WritableRootWhy = "the engine resolves the user again from /etc/passwd and /etc/group at every start, exec and health check, and the container could rewrite them to uid 0 or group 0 (keep read_only: true, or permit allow_root and allow_root_group)"

// mountDestinations are the container paths the caller mounts something on.
func (e *evaluation) mountDestinations() map[string]bool {
	taken := map[string]bool{}
	for _, b := range e.hc.Binds {
		if s, err := ParseBind(b); err == nil {
			taken[path.Clean(s.Target)] = true
		}
	}
	for _, m := range e.hc.Mounts {
		taken[path.Clean(m.Target)] = true
	}
	for dst := range e.hc.Tmpfs {
		taken[path.Clean(dst)] = true
	}
	for v := range e.cfg.Volumes {
		dst, _ := SplitVolumeKey(v)
		taken[path.Clean(dst)] = true
	}
	return taken
}

// applyTmpfs adds the profile's tmpfs mounts (the writable scratch space of
// a read-only container) where the caller mounts nothing.
func (e *evaluation) applyTmpfs(taken map[string]bool) {
	for _, t := range e.p.Tmpfs {
		dst, opts, _ := strings.Cut(t, ":")
		dst = path.Clean(dst)
		if taken[dst] {
			continue
		}
		if e.hc.Tmpfs == nil {
			e.hc.Tmpfs = map[string]string{}
		}
		e.hc.Tmpfs[dst] = opts
		taken[dst] = true
		e.changeElem(FieldTmpfs, dst, t, "tmpfs", "default")
	}
}

// judgeBinds judges each -v: host paths are resolved and judged (and the
// engine receives the resolved path), named volumes are judged on their
// driver options, and a value naming no mode gets the profile's.
func (e *evaluation) judgeBinds() {
	for i, raw := range e.hc.Binds {
		what := item("HostConfig.Binds", raw)
		b, err := ParseBind(raw)
		if err != nil {
			e.refuse(what, keyEnforce, err.Error())
			continue
		}
		if !e.judgeBind(what, &b) {
			continue
		}
		if s := b.String(); s != raw {
			e.hc.Binds[i] = s
			e.changeElem(FieldBinds, b.Target, s, bindChangeKey(raw, b), bindChangeWhy(raw, b))
		}
	}
}

// judgeBind judges one parsed -v and updates its source and mode.
func (e *evaluation) judgeBind(what Item, b *Bind) bool {
	if !b.IsHostPath() {
		if b.Source != "" && !e.judgeNamedVolume(what, b.Source, "", nil) {
			return false
		}
		if b.Mode == "" && e.p.Volumes.DefaultMode == "ro" {
			b.Mode = "ro"
		}
		return true
	}
	if !e.judgePropagation(what, b.Propagation()) {
		return false
	}
	resolved, ok := e.judgeHostPath(what, b.Source, b.Mode == "rw")
	if !ok {
		return false
	}
	b.Source = resolved
	if b.Mode == "" {
		b.Mode = e.bindMode(resolved)
	}
	return true
}

func bindChangeKey(raw string, b Bind) string {
	if old, err := ParseBind(raw); err == nil && old.Mode == "" && b.Mode != "" {
		return "volumes.default_mode"
	}
	return ""
}

func bindChangeWhy(raw string, b Bind) string {
	old, _ := ParseBind(raw)
	var why []string
	if old.Mode == "" && b.Mode != "" {
		why = append(why, "default")
	}
	if old.Source != b.Source {
		why = append(why, "resolved")
	}
	return strings.Join(why, ", ")
}

// bindMode is the mode of a bind that names none: default_mode, except
// that rw needs allow_rw (volumes.default_mode is a requirement for binds
// outside allow_rw). "" leaves docker's rw.
func (e *evaluation) bindMode(resolved string) string {
	if e.p.Volumes.DefaultMode == "rw" && e.allowRW(resolved) {
		return ""
	}
	return "ro"
}

// judgePropagation refuses shared and slave propagation: mounts made on
// either side would then appear on the other.
func (e *evaluation) judgePropagation(what Item, p mount.Propagation) bool {
	switch p {
	case mount.PropagationShared, mount.PropagationRShared, mount.PropagationSlave, mount.PropagationRSlave:
		e.refuse(what, keyEnforce, "bind propagation "+string(p)+" shares mounts between the host and the container")
		return false
	}
	return true
}

// neverBind are the host paths no bind may name, be under, or contain.
var neverBind = []string{"/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/var/lib/docker", "/run", "/var/run"}

// neverBind is the never-list for a resolved path. /root leaves it for a
// path under it that a volumes.allow_rw entry names there (its literal
// prefix below /root, $PWD expanded: a project checked out by a CI job
// that runs as root), unless the path is one of root's hidden files or
// directories (/root/.ssh, /root/.docker, ...) or under one. /root itself
// and the rest of it stay refused.
func (e *evaluation) neverBind(resolved string) []string {
	rel, ok := strings.CutPrefix(resolved, "/root/")
	if !ok || rel == "" || strings.HasPrefix(rel, ".") {
		return neverBind
	}
	for _, g := range e.allowRWGlobs() {
		pre := globPrefix(g)
		if pre != "/root" && under(pre, "/root") && !strings.HasPrefix(strings.TrimPrefix(pre, "/root/"), ".") && matchPath(g, resolved) {
			return slices.DeleteFunc(slices.Clone(neverBind), func(d string) bool { return d == "/root" })
		}
	}
	return neverBind
}

// judgeObjectOf is judgeObject, with /root out of the protected objects
// for a project under it that allow_rw names (see neverBind): the project
// lies under /root's inode, which is what the alias rule looks for.
func (e *evaluation) judgeObjectOf(resolved string) (key, why string) {
	if slices.Contains(e.neverBind(resolved), "/root") || e.host.Protected == nil {
		return e.judgeObject(resolved)
	}
	all := e.host.Protected
	defer func() { e.host.Protected = all }()
	e.host.Protected = func() []ProtectedObject {
		return slices.DeleteFunc(slices.Clone(all()), func(po ProtectedObject) bool { return po.Path == "/root" })
	}
	return e.judgeObject(resolved)
}

// judgeHostPath resolves a bind source (relative to the caller's working
// directory, symlinks and ".." resolved) and judges the result. A source
// that does not exist is refused: docker's -v would create it on the host.
func (e *evaluation) judgeHostPath(what Item, src string, rw bool) (string, bool) {
	if !e.p.Volumes.AllowBind {
		e.refuse(what, "volumes.allow_bind: false", "")
		return "", false
	}
	abs, resolved, err := e.resolve(src)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			e.refuse(what, keyEnforce, abs+" does not exist (docker would create it on the host)")
		} else {
			e.refuse(what, keyEnforce, "cannot be judged: "+err.Error())
		}
		return "", false
	}
	return resolved, e.judgeResolvedPath(what, abs, resolved, rw)
}

func (e *evaluation) resolve(src string) (abs, resolved string, err error) {
	abs = src
	if !path.IsAbs(abs) {
		if e.host.Cwd == "" {
			return abs, "", errors.New("relative path and no working directory")
		}
		abs = path.Join(e.host.Cwd, src)
	}
	abs = path.Clean(abs)
	if e.host.ResolvePath == nil {
		return abs, "", errors.New("no path resolver")
	}
	resolved, err = e.host.ResolvePath(abs)
	return abs, resolved, err
}

// judgeResolvedPath judges a resolved host path: the Docker socket, the
// never-list, volumes.deny, and rw outside allow_rw.
func (e *evaluation) judgeResolvedPath(what Item, abs, resolved string, rw bool) bool {
	if key, why := e.hostPathRefusal(abs, resolved); key != "" {
		e.refuse(what, key, why)
		return false
	}
	if key, why := e.judgeObjectOf(resolved); why != "" {
		e.refuse(what, key, why)
		return false
	}
	if rw && !e.allowRW(resolved) {
		e.refuse(what, keyList("volumes.allow_rw", e.p.Volumes.AllowRW), "")
		return false
	}
	return true
}

// hostPathRefusal returns the key and reason a resolved path is refused
// for, or "" when it is not.
func (e *evaluation) hostPathRefusal(abs, resolved string) (key, why string) {
	via := ""
	if abs != resolved {
		via = abs + " resolves to " + resolved + ", "
	}
	if resolved == "/run/docker.sock" || resolved == "/var/run/docker.sock" || path.Base(resolved) == "docker.sock" {
		return keyEnforce, via + "the Docker socket gives the container root on the host"
	}
	if resolved == "/" {
		return keyEnforce, strings.TrimSuffix(via, ", ")
	}
	if why := pathConflict(resolved, e.neverBind(resolved)); why != "" {
		return keyEnforce, via + why
	}
	if why := pathConflictGlobs(resolved, e.p.Volumes.Deny); why != "" {
		return keyList("volumes.deny", e.p.Volumes.Deny), via + why
	}
	return "", ""
}

// pathConflict says how p meets one of dirs: it is one, under one, or
// contains one.
func pathConflict(p string, dirs []string) string {
	for _, d := range dirs {
		switch {
		case p == d:
			return "binds of " + d + " are never permitted"
		case under(p, d):
			return p + " is under " + d
		case under(d, p):
			return p + " contains " + d
		}
	}
	return ""
}

func pathConflictGlobs(p string, globs []string) string {
	for _, g := range globs {
		for q := p; ; q = path.Dir(q) {
			if matchPath(g, q) {
				if q == p {
					return p + " matches " + g
				}
				return p + " is under " + q + ", which matches " + g
			}
			if q == "/" {
				break
			}
		}
		if pre := globPrefix(g); pre != p && under(pre, p) {
			return p + " contains " + pre + " (" + g + ")"
		}
	}
	return ""
}

// allowRW reports whether a resolved host path may be bound rw.
func (e *evaluation) allowRW(resolved string) bool {
	return matchAnyPath(e.allowRWGlobs(), resolved)
}

// allowRWGlobs are volumes.allow_rw with $PWD expanded to the caller's
// working directory, resolved as bind sources are (the dev profile's
// rw-under-cwd).
func (e *evaluation) allowRWGlobs() []string {
	cwd := e.host.Cwd
	if cwd != "" && e.host.ResolvePath != nil {
		if r, err := e.host.ResolvePath(cwd); err == nil {
			cwd = r
		}
	}
	return e.p.AllowRWGlobs(cwd)
}

// judgeVolumeDriver: --volume-driver is the driver of every named and
// anonymous volume the request creates. A driver is code of the host's that
// decides what the "volume" is: an NFS export, a host directory, a device.
func (e *evaluation) judgeVolumeDriver() {
	if d := e.hc.VolumeDriver; d != "" && !e.driverAllowed(d) {
		e.refuse(item("HostConfig.VolumeDriver", d), keyList("volumes.drivers_allow", e.p.Volumes.DriversAllow), "")
	}
}

// driverAllowed: "" is the engine's default driver, local.
func (e *evaluation) driverAllowed(driver string) bool {
	if driver == "" {
		driver = "local"
	}
	return matchAnyGlob(e.p.Volumes.DriversAllow, driver)
}

// judgeNamedVolume judges a volume by what it is: its driver (the one
// given, else --volume-driver) must be in drivers_allow and it may carry no
// driver options unless driver_options permits them, whether they are
// given now or the volume was created with them earlier (type=proc,
// sysfs, a block device or an overlay of host layers are all "options").
// Options that bind a host path or mount a host device are refused under
// every enforcing profile.
func (e *evaluation) judgeNamedVolume(what Item, name, driver string, opts map[string]string) bool {
	if driver == "" {
		driver = e.hc.VolumeDriver
	}
	if !e.judgeVolumeFacts(what, "", driver, opts) {
		return false
	}
	if name == "" {
		return true
	}
	if e.host.Volume == nil {
		e.refuse(what, keyEnforce, "cannot be judged: no volume lookup")
		return false
	}
	v, err := e.host.Volume(name)
	switch {
	case err != nil && isNotFound(err):
		return true // created now, with the driver and options judged above
	case err != nil:
		e.refuse(what, keyEnforce, "cannot be judged: "+err.Error())
		return false
	}
	return e.judgeVolumeFacts(what, "volume "+name+" was created with ", v.Driver, v.Options)
}

// judgeVolumeFacts judges one driver and its options; existing says the
// volume exists already ("volume NAME was created with ").
func (e *evaluation) judgeVolumeFacts(what Item, existing, driver string, opts map[string]string) bool {
	if !e.driverAllowed(driver) {
		e.refuse(what, keyList("volumes.drivers_allow", e.p.Volumes.DriversAllow), orString(existing, "its ")+"driver "+driver)
		return false
	}
	if why := hostVolumeOptions(opts); why != "" {
		if existing == "" {
			e.refuse(what, keyEnforce, "its driver options "+why)
		} else {
			e.refuse(what, keyEnforce, existing+"driver options that "+why)
		}
		return false
	}
	if len(opts) > 0 && !e.p.Volumes.DriverOptions {
		e.refuse(what, "volumes.driver_options: false", orString(existing, "its ")+"driver options "+optionList(opts))
		return false
	}
	return true
}

func optionList(opts map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(opts) {
		parts = append(parts, k+"="+opts[k])
	}
	return strings.Join(parts, ",")
}

// hostVolumeOptions says how local-driver style options reach the host:
// o=bind (or rbind) with a device binds a host path; a device that is an
// absolute path (not //server/share) mounts a host file system or device.
func hostVolumeOptions(opts map[string]string) string {
	dev := opts["device"]
	for o := range strings.SplitSeq(opts["o"], ",") {
		if o == "bind" || o == "rbind" {
			return "bind host path " + dev
		}
	}
	if strings.HasPrefix(dev, "/") && !strings.HasPrefix(dev, "//") {
		return "mount host path " + dev
	}
	return ""
}

// judgeMounts judges each --mount.
func (e *evaluation) judgeMounts() {
	for i := range e.hc.Mounts {
		m := &e.hc.Mounts[i]
		if e.isAPISocketMount(m) {
			continue // refused once, as --use-api-socket
		}
		before := mountSpec(*m)
		what := item("HostConfig.Mounts", before)
		var ok bool
		var key string
		switch m.Type {
		case mount.TypeBind:
			ok, key = e.judgeBindMount(what, m)
		case mount.TypeVolume:
			ok, key = e.judgeVolumeMount(what, m)
		case mount.TypeTmpfs, mount.TypeImage:
			continue
		default:
			e.refuse(what, keyEnforce, "mount type "+string(m.Type)+" is not supported")
			continue
		}
		if after := mountSpec(*m); ok && after != before {
			e.changeElem(FieldMounts, m.Target, after, key, mountChangeWhy(key))
		}
	}
}

// isAPISocketMount reports the bind --use-api-socket translates to.
func (e *evaluation) isAPISocketMount(m *mount.Mount) bool {
	return e.given("use-api-socket") && m.Type == mount.TypeBind && m.Target == "/var/run/docker.sock"
}

func mountChangeWhy(key string) string {
	if key == "" {
		return "resolved"
	}
	return "default"
}

// mountExplicitRW reports a --mount the caller asked rw for. An Engine API
// mount cannot tell "readonly=false" from no readonly at all, so the
// translation lists the targets of an explicit readonly=false in
// Request.RWMounts; any other --mount names no mode and gets
// volumes.default_mode.
// bind-recursive=writable (ReadOnlyNonRecursive) leaves submounts writable
// and is judged as rw.
func (e *evaluation) mountExplicitRW(m *mount.Mount) bool {
	if m.ReadOnly {
		return m.Type == mount.TypeBind && m.BindOptions != nil && m.BindOptions.ReadOnlyNonRecursive
	}
	return slices.Contains(e.req.RWMounts, m.Target)
}

func (e *evaluation) judgeBindMount(what Item, m *mount.Mount) (bool, string) {
	if m.BindOptions != nil && !e.judgePropagation(what, m.BindOptions.Propagation) {
		return false, ""
	}
	rw := e.mountExplicitRW(m)
	resolved, ok := e.judgeHostPath(what, m.Source, rw)
	if !ok {
		return false, ""
	}
	m.Source = resolved
	if !m.ReadOnly && !rw && e.bindMode(resolved) == "ro" {
		m.ReadOnly = true
		return true, "volumes.default_mode"
	}
	return true, ""
}

func (e *evaluation) judgeVolumeMount(what Item, m *mount.Mount) (bool, string) {
	var opts map[string]string
	var driver string
	if m.VolumeOptions != nil && m.VolumeOptions.DriverConfig != nil {
		opts, driver = m.VolumeOptions.DriverConfig.Options, m.VolumeOptions.DriverConfig.Name
	}
	if !e.judgeNamedVolume(what, m.Source, driver, opts) {
		return false, ""
	}
	if !m.ReadOnly && !e.mountExplicitRW(m) && e.p.Volumes.DefaultMode == "ro" {
		m.ReadOnly = true
		return true, "volumes.default_mode"
	}
	return true, ""
}

// readOnlyAnonymous is what a read-only anonymous volume becomes: an
// empty read-only tmpfs. Docker 20.10 (API 1.41) refuses a read-only
// anonymous volume, and a named volume in its place outlives the container
// (`docker rm -v` and --rm remove only anonymous volumes). A tmpfs leaves
// nothing on the host; what it does not have is the image's files at that
// path (a writable anonymous volume has them:
// --mount type=volume,target=DST,readonly=false).
func readOnlyAnonymous(dst string) mount.Mount {
	return mount.Mount{Type: mount.TypeTmpfs, Target: dst, ReadOnly: true}
}

// readOnlyAnonymousWhy is the change's reason, for explain (readonly=false
// keeps a writable anonymous volume with the image's files).
const readOnlyAnonymousWhy = "empty tmpfs"

// judgeAnonymousVolumes gives the caller's anonymous volumes (-v /data) the
// default mode. An anonymous volume stays writable under --read-only, so a
// read-only one becomes a read-only tmpfs (readOnlyAnonymous).
func (e *evaluation) judgeAnonymousVolumes() {
	keys := make([]string, 0, len(e.cfg.Volumes))
	for k := range e.cfg.Volumes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		dst, mode := SplitVolumeKey(k)
		if mode == "rw" || (mode == "" && e.p.Volumes.DefaultMode != "ro") {
			continue
		}
		delete(e.cfg.Volumes, k)
		m := readOnlyAnonymous(dst)
		e.hc.Mounts = append(e.hc.Mounts, m)
		e.changeElem(FieldMounts, k, mountSpec(m), "volumes.default_mode", "default, "+readOnlyAnonymousWhy)
	}
	e.readOnlyAnonymousMounts()
}

// readOnlyAnonymousMounts turns the caller's --mount type=volume without a
// source and with readonly into a read-only tmpfs, as -v DST:ro.
func (e *evaluation) readOnlyAnonymousMounts() {
	for i, m := range e.hc.Mounts {
		if m.Type != mount.TypeVolume || m.Source != "" || !m.ReadOnly {
			continue
		}
		t := readOnlyAnonymous(m.Target)
		e.changeElem(FieldMounts, mountSpec(m), mountSpec(t), "volumes.default_mode", "read-only anonymous volume, "+readOnlyAnonymousWhy)
		e.hc.Mounts[i] = t
	}
}

// applyImageVolumes mounts the image's VOLUMEs with the default mode: the
// engine would create them as writable anonymous volumes, which --read-only
// does not cover.
func (e *evaluation) applyImageVolumes(taken map[string]bool) {
	if e.p.Volumes.DefaultMode != "ro" {
		return
	}
	for _, v := range e.img.Volumes {
		dst := path.Clean(v)
		if taken[dst] {
			continue
		}
		taken[dst] = true
		m := readOnlyAnonymous(dst)
		e.hc.Mounts = append(e.hc.Mounts, m)
		e.changeElem(FieldMounts, dst, mountSpec(m), "volumes.default_mode", "image VOLUME, "+readOnlyAnonymousWhy)
	}
}

// judgeVolumesFrom judges the mounts --volumes-from would copy, as this
// profile would judge them given directly, in the mode they would get. A
// value naming no mode gets the profile's default mode.
func (e *evaluation) judgeVolumesFrom() {
	for i, raw := range e.hc.VolumesFrom {
		what := item("HostConfig.VolumesFrom", raw)
		name, mode, _ := strings.Cut(raw, ":")
		if mode == "" && e.p.Volumes.DefaultMode == "ro" {
			mode = "ro"
		}
		c, ok := e.lookupContainer(what, name)
		if !ok || !e.judgeInheritedMounts(what, c.Mounts, mode) {
			continue
		}
		if s := name + ":" + mode; mode != "" && s != raw {
			e.hc.VolumesFrom[i] = s
			e.changeElem(FieldVolumesFrom, name, s, "volumes.default_mode", "default")
		}
	}
}

func (e *evaluation) judgeInheritedMounts(what Item, mounts []container.MountPoint, mode string) bool {
	for _, mp := range mounts {
		rw := mode == "rw" || (mode == "" && mp.RW)
		if !e.judgeInheritedMount(what, mp, rw) {
			return false
		}
	}
	return true
}

func (e *evaluation) judgeInheritedMount(what Item, mp container.MountPoint, rw bool) bool {
	switch mp.Type {
	case mount.TypeBind:
		if !e.p.Volumes.AllowBind {
			e.refuse(what, "volumes.allow_bind: false", "it copies the bind of "+mp.Source)
			return false
		}
		_, resolved, err := e.resolve(mp.Source)
		if err != nil {
			resolved = path.Clean(mp.Source)
		}
		n := len(e.plan.Refusals)
		ok := e.judgeResolvedPath(what, path.Clean(mp.Source), resolved, rw)
		e.explainInherited(n, "it copies the bind of "+mp.Source+" to "+mp.Destination)
		return ok
	case mount.TypeVolume:
		n := len(e.plan.Refusals)
		ok := e.judgeNamedVolume(what, mp.Name, mp.Driver, nil)
		e.explainInherited(n, "it copies volume "+mp.Name)
		return ok
	}
	return true
}

// explainInherited prefixes the reasons of the refusals made since n with
// what --volumes-from would copy.
func (e *evaluation) explainInherited(n int, context string) {
	for i := n; i < len(e.plan.Refusals); i++ {
		r := &e.plan.Refusals[i]
		if r.Why == "" {
			r.Why = context
		} else {
			r.Why = context + ": " + r.Why
		}
	}
}
