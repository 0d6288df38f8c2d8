package authz

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// Engine is what the judge reads from the engine and its host. The
// plugin runs on the engine's host, as root, so bind sources are stat'ed
// where the engine will mount them. cmd/hardrun binds it to the launcher.
type Engine interface {
	// HostFacts are the policy's host look-ups for a request judged by p.
	HostFacts(ctx context.Context, p *profiles.Profile) (policy.HostFacts, error)
	// Image is what the policy needs of an image; an error wrapping
	// policy.ErrNoSuchObject when the engine has none (the create then
	// fails in the engine).
	Image(ctx context.Context, ref string) (policy.ImageFacts, error)
	// Container is a container's inspect data.
	Container(ctx context.Context, id string) (container.InspectResponse, error)
	// UserFiles are a container's /etc/passwd and /etc/group.
	UserFiles(ctx context.Context, id string) (policy.UserFiles, error)
	// NetworkName is the name of the network idOrName names.
	NetworkName(ctx context.Context, idOrName string) (string, error)
}

// Judge decides each request. It is safe for concurrent use.
type Judge struct {
	engine   Engine
	profiles *profileSource
	files    *userFilesCache
	log      io.Writer
	logMu    sync.Mutex
	now      func() time.Time
}

// Options configure a Judge.
type Options struct {
	Engine Engine
	// Load returns a profile by name (never a file), as the site policy
	// lets the plugin see them. Results are cached, bounded, for a while.
	Load func(name string) (*profiles.Profile, error)
	// Default judges a request whose label names no profile the site
	// policy allows: `authz serve --profile`, else profiles.default,
	// else the built-in default.
	Default *profiles.Profile
	Site    *SitePolicy // nil: no site policy file
	Log     io.Writer   // one line per denial; nil: discarded
}

// NewJudge returns a Judge.
func NewJudge(o Options) (*Judge, error) {
	if o.Engine == nil || o.Load == nil || o.Default == nil {
		return nil, errors.New("new authorization judge: engine, profile loader and default profile are required")
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	return &Judge{
		engine:   o.Engine,
		profiles: newProfileSource(o.Load, o.Default, o.Site),
		files:    newUserFilesCache(),
		log:      log,
		now:      time.Now,
	}, nil
}

// Decision is the outcome for one request.
type Decision struct {
	Allow     bool
	Endpoint  string   // "POST /containers/create"
	Container string   // the container's name or ID, "" when none
	Profile   string   // the profile that judged it, "" when none did
	Reasons   []string // why it is denied, in the user's words
	// Hint closes the message: what to do instead.
	Hint string
}

// Message is what the engine shows the client after "authorization
// denied by plugin hardrun: ".
func (d Decision) Message() string {
	var b strings.Builder
	if d.Profile != "" {
		b.WriteString(`refused by profile "` + d.Profile + `": `)
	}
	b.WriteString(strings.Join(d.Reasons, "; "))
	if d.Hint != "" {
		b.WriteString(" (" + d.Hint + ")")
	}
	return b.String()
}

// hintRun is the hint of a denied create.
const hintRun = "use hardrun run: it applies the profile's defaults"

func allow(r route) Decision { return Decision{Allow: true, Endpoint: r.endpoint()} }

func deny(r route, reasons ...string) Decision {
	return Decision{Endpoint: r.endpoint(), Container: r.id, Reasons: reasons}
}

// Decide judges one request and logs a denial. Reads pass; every write
// that can create, change, enter or widen a container is judged; unknown
// writes are denied.
func (j *Judge) Decide(ctx context.Context, req *Request) Decision {
	d := j.decide(ctx, req)
	if !d.Allow {
		j.logDenial(d)
	}
	return d
}

func (j *Judge) decide(ctx context.Context, req *Request) Decision {
	r, err := parseRoute(req.RequestMethod, req.RequestURI)
	if err != nil {
		d := deny(r, err.Error())
		if d.Endpoint == " " || r.path == "" {
			d.Endpoint = req.RequestMethod + " " + req.RequestURI
		}
		return d
	}
	switch r.kind {
	case kindRead:
		return allow(r)
	case kindPass:
		if r.method == "PUT" {
			j.files.copiedIn() // docker cp into a container: its files are no longer its image's
		}
		return allow(r)
	case kindCreate:
		return j.create(ctx, r, req.RequestBody)
	case kindExec:
		return j.exec(ctx, r, req.RequestBody)
	case kindUpdate:
		return j.update(ctx, r, req.RequestBody)
	case kindStart:
		return j.start(ctx, r, req.RequestBody)
	case kindConnect:
		return j.connect(ctx, r, req.RequestBody)
	case kindVolumeCreate:
		return j.volumeCreate(r, req.RequestBody)
	case kindBuild:
		return j.build(r)
	case kindPlugin:
		return deny(r, "a plugin runs with the host privileges it asks for, and no profile key permits them")
	case kindService:
		return deny(r, "swarm services are not judged yet: hardrun enforces profiles on containers the engine creates itself")
	}
	return deny(r, errUnknownEndpoint.Error())
}

// Responded sees the engine's response (AuthZRes) to note the containers
// it created. It never denies: every decision is made on the request.
func (j *Judge) Responded(req *Request) {
	if req.ResponseStatusCode != 201 || len(req.ResponseBody) == 0 {
		return
	}
	r, err := parseRoute(req.RequestMethod, req.RequestURI)
	if err != nil || r.kind != kindCreate {
		return
	}
	var created struct {
		ID string `json:"Id"`
	}
	if json.Unmarshal(req.ResponseBody, &created) == nil && created.ID != "" {
		j.files.created(created.ID)
	}
}
