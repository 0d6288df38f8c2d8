package launcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/apparmor"
	"github.com/hardrun/hardrun/policy"
)

// Launch is one `hardrun run` or `hardrun create`: the translated request,
// the plan's inputs, and what docker does around the create call.
type Launch struct {
	Request    policy.Request
	CreateOnly bool   // `create`: print the ID, start nothing
	Detach     bool   // -d
	SigProxy   bool   // --sig-proxy (default true)
	DetachKeys string // --detach-keys; "" = ctrl-p,ctrl-q
	CIDFile    string // --cidfile
	Pull       string // missing | always | never
	Quiet      bool   // -q: no pull progress
	Platform   string // --platform, for the pull
	// RegistryAuth returns the encoded credentials for a registry host
	// (docker's config file and credential helpers), "" for none.
	RegistryAuth func(registryHost string) string
	// Plan turns the request and the image into a hardened plan (the
	// policy, with host facts bound by the caller).
	Plan func(ctx context.Context, req policy.Request, img policy.ImageFacts) (*policy.Plan, error)
	// Users caches images' user files by image ID (nil: no cache).
	Users *UserFilesCache
	// Trust, when the profile requires signatures, verifies the image's
	// registry digest before the pull; the engine then pulls and creates
	// from that digest (imagetrust.go). nil: no signature required.
	Trust *Trust
}

// IO are the terminal streams of the hardrun process.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	InFd     uintptr // file descriptor of In, for raw mode
	OutFd    uintptr // file descriptor of Out, for the terminal size
	ErrFd    uintptr // file descriptor of Err, for pull progress
	InTTY    bool
	OutTTY   bool
	ErrTTY   bool
	// Signals delivers the signals hardrun receives (nil: none are proxied).
	Signals <-chan os.Signal
	// Bulk, if set, is called once the container's streams have carried
	// bulkBytes, in either direction: the caller can then spend more to
	// copy faster (cmd/hardrun gives back the processors it held).
	Bulk func()
}

// StartError is a failed start of a created container; main maps its text
// to docker's 126 (cannot invoke) and 127 (not found).
type StartError struct{ Err error }

func (e *StartError) Error() string { return e.Err.Error() }
func (e *StartError) Unwrap() error { return e.Err }

// MismatchError is what the engine recorded differing from the plan.
type MismatchError struct{ Mismatches []policy.Mismatch }

func (e *MismatchError) Error() string {
	parts := make([]string, len(e.Mismatches))
	for i, m := range e.Mismatches {
		parts[i] = fmt.Sprintf("%s: planned %s, engine recorded %s", m.Setting, m.Want, m.Got)
	}
	return "the engine did not apply the plan, container removed: " + strings.Join(parts, "; ")
}

// Run creates the container for l and, unless l.CreateOnly or l.Detach,
// attaches to it, starts it, waits for it and returns its exit code.
func Run(ctx context.Context, e Engine, l *Launch, tio IO) (int, error) {
	// Until the container runs there is nobody to proxy a signal to: an
	// interrupt cancels the pull or the create instead, leaving nothing.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopWatching := cancelOnInterrupt(tio.Signals, cancel)
	defer stopWatching()

	ref, verified, err := trustImage(ctx, e, l)
	if err != nil {
		return 0, interrupted(ctx, err)
	}
	img, err := ensureImage(ctx, e, l, ref, tio)
	if err != nil {
		return 0, interrupted(ctx, err)
	}
	facts := FactsOf(img.Config)
	facts.ID = img.ID
	facts.Verified = verified
	facts.Users = l.Users.Load(img.ID)
	plan, err := l.Plan(ctx, l.Request, facts)
	if err != nil {
		return 0, err
	}
	id, cid, err := create(ctx, e, l, plan, tio)
	if err != nil {
		return 0, interrupted(ctx, err)
	}
	if !l.CreateOnly && !l.Detach {
		return attachAndRun(ctx, e, l, plan, id, cid, tio, stopWatching)
	}
	if err := checkCreated(ctx, e, l, plan, id); err != nil {
		discard(e, id, plan)
		cid.abandon()
		return 0, interrupted(ctx, err)
	}
	if l.CreateOnly {
		fmt.Fprintln(tio.Out, id)
		return 0, nil
	}
	if err := e.ContainerStart(ctx, id); err != nil { // detached
		discard(e, id, plan)
		return 0, &StartError{Err: err}
	}
	fmt.Fprintln(tio.Out, id)
	return 0, nil
}

// cancelOnInterrupt cancels with an *InterruptedError when SIGINT or
// SIGTERM arrives on sigc, until the returned stop function is called.
// hardrun subscribes to every signal to proxy them to the container; until
// that exists a Ctrl-C must stop the pull or the create instead of being
// queued for a container that starts anyway. Other signals are dropped, as
// docker (which proxies only once the container runs) drops them.
func cancelOnInterrupt(sigc <-chan os.Signal, cancel context.CancelCauseFunc) (stop func()) {
	if sigc == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case sig := <-sigc:
				if s, ok := sig.(syscall.Signal); ok && (s == syscall.SIGINT || s == syscall.SIGTERM) {
					cancel(&InterruptedError{Signal: s})
					return
				}
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		<-finished
	}
}

// create prepares what the plan needs, creates the container and writes
// its ID to the --cidfile. The container is not checked yet: see
// checkCreated, which must pass before it starts.
func create(ctx context.Context, e Engine, l *Launch, plan *policy.Plan, tio IO) (string, *cidFile, error) {
	if err := prepare(ctx, e, plan); err != nil {
		return "", nil, err
	}
	cid, err := newCIDFile(l.CIDFile)
	if err != nil {
		return "", nil, err
	}
	id, warnings, err := e.ContainerCreate(ctx, &plan.Request)
	if err != nil {
		cid.abandon()
		return "", nil, err
	}
	for _, w := range warnings {
		fmt.Fprintf(tio.Err, "WARNING: %s\n", w)
	}
	if err := cid.write(id); err != nil {
		discard(e, id, plan)
		return "", nil, err
	}
	return id, cid, nil
}

// checkCreated checks what the engine recorded for the container against
// the plan. The caller removes a container that fails it.
func checkCreated(ctx context.Context, e Engine, l *Launch, plan *policy.Plan, id string) error {
	got, err := e.ContainerInspect(ctx, id)
	if err != nil {
		return fmt.Errorf("inspect created container: %w", err)
	}
	if mm := policy.Check(plan, got); len(mm) > 0 {
		return &MismatchError{Mismatches: mm}
	}
	if mm := policy.CheckVolumes(plan, got.Mounts, volumeFacts(ctx, e)); len(mm) > 0 {
		return &MismatchError{Mismatches: mm}
	}
	if err := judgePendingIdentity(ctx, e, l, plan, id); err != nil {
		return err
	}
	return judgeResolvedWorkdir(ctx, e, plan, id)
}

// judgeResolvedWorkdir judges the working directory as the container
// will really get it, symlinks in the image (and its mounts) resolved.
func judgeResolvedWorkdir(ctx context.Context, e Engine, plan *policy.Plan, id string) error {
	wd, _ := plan.Workdir()
	if wd == "" || plan.Profile == nil || !plan.Profile.Enforce {
		return nil
	}
	resolved, err := ResolveWorkdir(ctx, e, id, wd)
	if err != nil {
		return err
	}
	if rs := policy.JudgeWorkdirResolved(plan, resolved); len(rs) > 0 {
		return lateRefusal(plan.Profile.Name, rs...)
	}
	return nil
}

// judgePendingIdentity judges the uid, gid and groups against the image's
// user files read from the created container, when the plan could not.
func judgePendingIdentity(ctx context.Context, e Engine, l *Launch, plan *policy.Plan, id string) error {
	if !plan.IdentityPending {
		return nil
	}
	files, read, err := readUserFilesAt(ctx, e, id)
	if err != nil {
		return lateRefusal(plan.Profile.Name, policy.Refusal{
			Item: "running as " + orImageUser(plan.Request.Config.User, plan.Image.User), Field: policy.FieldUser, Key: "enforce: true",
			Why: "the user cannot be judged: " + err.Error()})
	}
	// The archive endpoint sees the container's mounts; the engine resolves
	// the user against the image's own files. A file reached through a
	// mount (a symlinked /etc/passwd pointing into a bind) cannot be judged.
	if p, t := mountOnRoute(read, plan.Request.MountTargetOver); t != "" {
		return lateRefusal(plan.Profile.Name, policy.Refusal{
			Item: "the image's " + p, Key: "enforce: true",
			Why: "the image's user files lead into the mount at " + t + ", which the engine does not read: the identity cannot be judged"})
	}
	files.Paths = read
	l.Users.Store(plan.Image.ID, files)
	if rs := policy.JudgeIdentity(plan, files); len(rs) > 0 {
		return lateRefusal(plan.Profile.Name, rs...)
	}
	return nil
}

// LateRefusalError is a refusal made outside the plan (the identity or the
// working directory judged after create, an image signature before the
// pull): any container is removed, and unlike the plan's refusals its
// lines have not been printed yet.
type LateRefusalError struct{ *policy.RefusedError }

func lateRefusal(profile string, rs ...policy.Refusal) *LateRefusalError {
	return &LateRefusalError{&policy.RefusedError{Profile: profile, Refusals: rs}}
}

// volumeFacts is the engine's volume inspect, as the policy reads it.
func volumeFacts(ctx context.Context, e Engine) func(string) (policy.VolumeFacts, error) {
	return func(name string) (policy.VolumeFacts, error) {
		v, err := e.VolumeInspect(ctx, name)
		if err != nil {
			return policy.VolumeFacts{}, err
		}
		return policy.VolumeFacts{Driver: v.Driver, Options: v.Options}, nil
	}
}

// prepare makes what the plan relies on exist: the isolated network and
// the generated AppArmor profile (loaded, or replaced when stale).
func prepare(ctx context.Context, e Engine, plan *policy.Plan) error {
	if aa := plan.AppArmorProfile; aa != nil {
		if err := apparmor.Load(ctx, apparmor.ExecRunner{}, aa.Text); err != nil {
			return fmt.Errorf("load AppArmor profile %s: %w", aa.Name, err)
		}
	}
	if plan.EnsureNetwork == "" {
		return nil
	}
	return ensureIsolatedNetwork(ctx, e, plan.EnsureNetwork)
}

// ensureIsolatedNetwork creates the user-defined bridge with inter-container
// traffic off, unless it exists. A concurrent hardrun may create it first:
// a failed create is fine when the network then exists.
func ensureIsolatedNetwork(ctx context.Context, e Engine, name string) error {
	if n, err := e.NetworkInspect(ctx, name); err == nil {
		return checkIsolated(name, n)
	} else if !errors.Is(err, ErrNoSuchObject) {
		return fmt.Errorf("inspect network %s: %w", name, err)
	}
	err := e.NetworkCreate(ctx, name, NetworkOptions{
		Driver: "bridge",
		// CIS Docker Benchmark 5.x / 2.1: no traffic between containers
		// on this network unless they publish ports.
		Options: map[string]string{iccOption: "false"},
		Labels:  map[string]string{"io.hardrun.network": "isolated"},
	})
	if err == nil {
		return nil
	}
	if n, ierr := e.NetworkInspect(ctx, name); ierr == nil {
		return checkIsolated(name, n)
	}
	return fmt.Errorf("create network %s: %w", name, err)
}

// checkIsolated refuses a network of that name that someone else made
// without the isolation it promises: a bridge with inter-container traffic
// off.
func checkIsolated(name string, n network.Inspect) error {
	if n.Driver != "bridge" || n.Options[iccOption] != "false" {
		return fmt.Errorf("network %s exists but is not isolated (driver %q, %s=%q): remove it (docker network rm %s) and hardrun recreates it",
			name, n.Driver, iccOption, n.Options[iccOption], name)
	}
	return nil
}

// iccOption turns inter-container traffic on a bridge on or off.
const iccOption = "com.docker.network.bridge.enable_icc"

// removeQuietly removes a container hardrun created and must not leave
// behind; it uses its own context so a cancelled run still cleans up.
func removeQuietly(e Engine, id string) {
	_ = e.ContainerRemove(context.Background(), id, true)
}

// discard removes a container that must not survive. hardrun makes no
// volume of its own (a read-only anonymous volume is a tmpfs, see
// policy.readOnlyAnonymous), so the container is all there is to remove.
func discard(e Engine, id string, _ *policy.Plan) {
	removeQuietly(e, id)
}

// waitCondition is docker's: with --rm wait until the engine removed the
// container, so hardrun does not return before --rm is done.
func waitCondition(req *policy.Request) container.WaitCondition {
	if req.HostConfig != nil && req.HostConfig.AutoRemove {
		return container.WaitConditionRemoved
	}
	return container.WaitConditionNextExit
}

// orImageUser names the user a container runs as: the request's, else the
// image's, else root.
func orImageUser(user, image string) string {
	switch {
	case user != "":
		return "--user " + user
	case image != "":
		return "the image's user " + image
	}
	return "the image's user root"
}
