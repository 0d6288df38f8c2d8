package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/profiles"
)

// The policy is the one judge of style.md: it takes an Engine API create
// request (never argv), a resolved profile and facts about the image and the
// host, and returns the hardened request together with every change it made,
// every refusal and every notice. It does no I/O: the caller looks the facts
// up and passes them in, so a plan is a deterministic function of its inputs.
//
// Files, by concern: policy_identity.go (user, groups, workdir, image),
// policy_privileges.go (privileged, capabilities, namespaces, devices,
// sysctls, runtime), policy_fs.go (read-only, tmpfs, binds, volumes),
// policy_network.go, policy_resources.go (limits, ceilings, restart, init,
// logging), policy_security.go (security options, seccomp, AppArmor),
// policy_match.go (globs, key spelling), policy_copy.go (deep copy),
// flagnames.go (request field -> docker flag), explain.go and
// explain_docker.go (`hardrun explain`), check.go (after create).

// Labels every container hardrun creates carries, unconfined included.
const (
	LabelProfile = "io.hardrun.profile" // "<name>@sha256:<profile content hash>"
	LabelVersion = "io.hardrun.version" // hardrun's version
)

// IsolatedNetwork is the user-defined bridge that network.default: isolated
// selects; the runner creates it on demand with inter-container traffic off.
const IsolatedNetwork = "hardrun-isolated"

// ImageFacts is what the policy needs from the image's inspect data.
type ImageFacts struct {
	ID           string   // the image ID (content addressed)
	User         string   // USER ("" = root)
	WorkingDir   string   // WORKDIR
	Volumes      []string // VOLUME destinations
	Entrypoint   []string
	Cmd          []string
	ExposedPorts []string // EXPOSE, "80/tcp": the ports -P publishes
	// Users are the image's /etc/passwd and /etc/group, when the caller
	// has them (cached by image ID); nil leaves the identity to be judged
	// after create (Plan.IdentityPending).
	Users *UserFiles
	// Verified is the digest verified against images.signatures.keys
	// (imagetrust.go); nil under a profile with keys is a refusal.
	Verified *VerifiedImage
}

// UserFiles are an image's /etc/passwd and /etc/group as the engine reads
// them; Have* false: the file is absent (or not a regular file).
type UserFiles struct {
	Passwd, Group         []byte
	HavePasswd, HaveGroup bool
	// Paths are the paths in the image the files were reached through
	// (each component of /etc/passwd and /etc/group, and the targets of
	// the links among them): a mount on any of them makes the container's
	// files differ from the image's.
	Paths []string
}

// HostFacts is everything the policy needs to know about the host and the
// engine. The caller does the I/O; the policy stays pure. A nil function
// makes the items that need it "cannot be judged", i.e. refused.
type HostFacts struct {
	// Cwd is the caller's working directory, for relative bind sources and
	// for profiles whose allow_rw globs are relative (dev).
	Cwd string
	// ResolvePath returns path absolute, with symlinks and ".." resolved;
	// an error wrapping fs.ErrNotExist when it does not exist.
	ResolvePath func(path string) (string, error)
	// Object describes the host object at a resolved path (stat, its
	// ancestors, its file system and the mounts under it). nil: binds
	// cannot be judged, so they are refused.
	Object func(resolved string) (PathObject, error)
	// Protected returns the identities of ProtectedPaths that exist.
	Protected func() []ProtectedObject
	// Volume returns an existing named volume; an error wrapping
	// ErrNoSuchObject when there is none.
	Volume func(name string) (VolumeFacts, error)
	// Container returns an existing container (for --volumes-from and
	// container: namespaces); an error wrapping ErrNoSuchObject if absent.
	Container func(nameOrID string) (ContainerFacts, error)
	// AppArmor says whether an AppArmor profile would really be enforced.
	AppArmor AppArmorFacts
	// Version is hardrun's version for the io.hardrun.version label; ""
	// means the package's Version.
	Version string
}

// VolumeFacts is an existing named volume.
type VolumeFacts struct {
	Driver  string
	Options map[string]string // the driver options it was created with
}

// ContainerFacts is an existing container.
type ContainerFacts struct {
	Mounts     []container.MountPoint
	Privileged bool
	HostConfig *container.HostConfig
}

// AppArmorFacts is what the host and the engine say about AppArmor.
type AppArmorFacts struct {
	// KernelEnabled: this host's kernel enforces AppArmor
	// (/sys/module/apparmor/parameters/enabled). Meaningful when EngineLocal.
	KernelEnabled bool
	// EngineListed: the engine's info lists apparmor among its security
	// options. The engine silently ignores apparmor=NAME when it does not.
	EngineListed bool
	// EngineLocal: the engine runs on this host, so profiles hardrun loads
	// here are the ones it applies, and Loaded describes its kernel.
	EngineLocal bool
	// Loaded and Modes: the profiles loaded in this host's kernel and their
	// modes ("enforce", "complain", ...). Modes may be nil.
	Loaded map[string]bool
	Modes  map[string]string
}

// AppArmorLoad is a generated AppArmor profile the runner must load (replace)
// before the create call.
type AppArmorLoad struct {
	Name string
	Text string
}

// Change is one thing the profile changed in the request, in the user's
// words: {"--cap-drop", "ALL", "cap_drop", "default"}.
type Change struct {
	Flag string `json:"flag"`
	// Field is the request field changed, Elem the element of it when the
	// field holds several: a mount's or tmpfs's target, a security
	// option's key, a ulimit's or log option's name, a label's key, a
	// published port, a --volumes-from container.
	Field Field  `json:"field"`
	Elem  string `json:"elem,omitempty"`
	Value string `json:"value"` // "" for a boolean flag set to true (--read-only)
	Key   string `json:"key"`   // the profile key that made it; "" when none did (a resolved path)
	// Why is "default" (the caller said nothing), "resolved" (a bind source
	// was made absolute and its symlinks resolved), "image VOLUME" (an
	// anonymous volume the image declares) or "label".
	Why string `json:"why"`
}

// Refusal is one item of the request the profile does not permit. Error()
// is `--privileged is not permitted (privileged: false)`: the item in the
// user's words, an optional reason, and the profile key (with its value)
// that would permit it. Items no key permits name `enforce: true`: only a
// profile that enforces nothing permits them.
type Refusal struct {
	Item string `json:"item"`
	// Field and Elem name what Item is, as Change's do.
	Field Field  `json:"field"`
	Elem  string `json:"elem,omitempty"`
	Key   string `json:"key"`
	Why   string `json:"why,omitempty"`
}

func (r Refusal) Error() string {
	s := r.Item + " is not permitted"
	if r.Why != "" {
		s += ": " + r.Why
	}
	return s + " (" + r.Key + ")"
}

// Plan is the outcome of Evaluate.
type Plan struct {
	Request  Request // the hardened request: a deep copy, the input is never mutated
	Profile  *profiles.Profile
	Changes  []Change
	Refusals []Refusal
	Notices  []string
	// EnsureNetwork names the network the runner must create on demand
	// (IsolatedNetwork: bridge, com.docker.network.bridge.enable_icc=false).
	EnsureNetwork string
	// Image is what the plan was made for: the engine records the image's
	// USER where the request names none, and Check must know it.
	Image ImageFacts
	// IdentityPending: the uid, gid and groups depend on the image's user
	// files, which the caller did not have; it must read them from the
	// created container and call JudgeIdentity before the start.
	IdentityPending bool
	// AppArmorProfile is set when a generated profile must be loaded first.
	AppArmorProfile *AppArmorLoad
	// SeccompFile is where the docker line of WriteExplain says the seccomp
	// JSON is (docker's --security-opt seccomp= takes a file). The caller may
	// set it after writing the file; "" means hardrun-<profile>.seccomp.json.
	SeccompFile string
}

// ErrNoSuchObject is wrapped by a HostFacts look-up for a missing volume
// or container, so the judge can tell "absent" from "cannot be judged".
var ErrNoSuchObject = errors.New("no such object")

// ErrRefused is wrapped by the error Evaluate returns when the profile
// refuses part of the request.
var ErrRefused = errors.New("refused by profile")

// RefusedError carries every refusal of one request.
type RefusedError struct {
	Profile  string
	Refusals []Refusal
}

// Error is one line per refusal: `refused by profile "default": ...`; the
// CLI prefixes each line with "hardrun: ".
func (e *RefusedError) Error() string {
	lines := make([]string, len(e.Refusals))
	for i, r := range e.Refusals {
		lines[i] = fmt.Sprintf("%s %q: %s", ErrRefused, e.Profile, r.Error())
	}
	return strings.Join(lines, "\n")
}

func (e *RefusedError) Unwrap() error { return ErrRefused }

// Evaluate applies p to req: the profile's defaults where the caller said
// nothing, a refusal for each item the profile does not permit (all of them),
// notices for hardening the host cannot apply. It returns the plan and, when
// there are refusals, an error wrapping ErrRefused (a *RefusedError). Other
// errors (an invalid profile, a generator failure) return a nil plan.
func Evaluate(req Request, p *profiles.Profile, img ImageFacts, host HostFacts) (*Plan, error) {
	if p == nil {
		return nil, errors.New("evaluate request: no profile")
	}
	e := newEvaluation(req, p, img, host)
	if p.Enforce {
		for _, step := range evaluationSteps {
			step(e)
		}
	} else {
		e.notice(fmt.Sprintf("profile %q enforces nothing: the container runs exactly as docker run would run it (enforce: false)", p.Name))
	}
	e.applyLabels()
	if e.err != nil {
		return nil, fmt.Errorf("evaluate request under profile %q: %w", p.Name, e.err)
	}
	if len(e.plan.Refusals) > 0 {
		return e.plan, &RefusedError{Profile: p.Name, Refusals: e.plan.Refusals}
	}
	return e.plan, nil
}

// evaluationSteps run in order: security comes after privileges because the
// generated AppArmor profile depends on the final capability set, and the
// resource ceilings after the defaults they bound.
var evaluationSteps = []func(*evaluation){
	(*evaluation).judgeIdentity,
	(*evaluation).judgePrivileges,
	(*evaluation).judgeFilesystem,
	(*evaluation).judgeNetwork,
	(*evaluation).judgeResources,
	(*evaluation).judgeSecurity,
	(*evaluation).judgeImageTrust, // last: judgeImage judges the reference as written
}

// evaluation is the state of one Evaluate call.
type evaluation struct {
	p    *profiles.Profile
	img  ImageFacts
	host HostFacts
	plan *Plan
	req  *Request // == &plan.Request, the copy being hardened
	cfg  *container.Config
	hc   *container.HostConfig
	err  error // first hard error (not a refusal)
}

func newEvaluation(req Request, p *profiles.Profile, img ImageFacts, host HostFacts) *evaluation {
	plan := &Plan{Request: copyRequest(req), Profile: p, Image: img}
	r := &plan.Request
	if r.Config == nil {
		r.Config = &container.Config{}
	}
	if r.HostConfig == nil {
		r.HostConfig = &container.HostConfig{}
	}
	if r.NetworkingConfig == nil {
		r.NetworkingConfig = &network.NetworkingConfig{}
	}
	return &evaluation{p: p, img: img, host: host, plan: plan, req: r, cfg: r.Config, hc: r.HostConfig}
}

// given reports whether the caller gave the docker flag (long name).
func (e *evaluation) given(flag string) bool { return e.req.Set[flag] }

func (e *evaluation) change(field Field, value, key, why string) {
	e.changeElem(field, "", value, key, why)
}

// changeElem is a change of one element of a field that holds several.
func (e *evaluation) changeElem(field Field, elem, value, key, why string) {
	c := Change{Flag: flagFor(field), Field: field, Elem: elem, Value: value, Key: key, Why: why}
	e.plan.Changes = append(e.plan.Changes, c)
}

func (e *evaluation) refuse(what Item, key, why string) {
	r := Refusal{Item: what.Text, Field: what.Field, Elem: what.Elem, Key: key, Why: why}
	e.plan.Refusals = append(e.plan.Refusals, r)
}

func (e *evaluation) notice(s string) { e.plan.Notices = append(e.plan.Notices, s) }

func (e *evaluation) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// keyEnforce is the key named by refusals of what only a profile that
// enforces nothing permits.
const keyEnforce = "enforce: true"

// applyLabels records the profile (name and content hash) and hardrun's
// version on the container. A caller's label of the same name is replaced:
// it would otherwise claim a profile that did not apply.
func (e *evaluation) applyLabels() {
	if e.cfg.Labels == nil {
		e.cfg.Labels = map[string]string{}
	}
	version := e.host.Version
	if version == "" {
		version = Version
	}
	e.setLabel(LabelProfile, ProfileLabel(e.p))
	e.setLabel(LabelVersion, version)
}

func (e *evaluation) setLabel(k, v string) {
	e.cfg.Labels[k] = v
	e.changeElem(FieldLabels, k, k+"="+v, "", "label")
}

// ProfileLabel is the io.hardrun.profile value for p: name@sha256:hash.
func ProfileLabel(p *profiles.Profile) string {
	return p.Name + "@sha256:" + profileHash(p)
}

// ProfileLabelHash is the content hash in p's io.hardrun.profile label.
func ProfileLabelHash(p *profiles.Profile) string { return profileHash(p) }

// profileHash is the loader's content hash, or, for a profile built in code,
// the hash of its JSON form.
func profileHash(p *profiles.Profile) string {
	if p.Hash != "" {
		return p.Hash
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "unknown"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// isNotFound reports a fact lookup that found nothing.
func isNotFound(err error) bool {
	return errors.Is(err, ErrNoSuchObject) || errors.Is(err, fs.ErrNotExist)
}
