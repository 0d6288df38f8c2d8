package authz

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/moby/moby/api/types/container"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// errNoBody: the engine forwards a body only under 1 MiB, only for
// Content-Type application/json, and (20.10) only with a Content-Length:
// a chunked request reaches the plugin without one (CVE-2024-41110).
var errNoBody = errors.New("no request body reached the plugin (larger than the engine's 1 MiB cap, chunked, or not application/json), so it cannot be judged")

// decodeStrict decodes one JSON value into v, refusing unknown fields
// (the engine might honour a field these types do not know) and
// trailing data.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errNoBody
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode request body: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("decode request body: data after the JSON value")
	}
	return nil
}

// DecodeCreate reads a container create request (body and query) into the
// policy's Request.
func DecodeCreate(body []byte, name, platform string) (policy.Request, error) {
	var cr container.CreateRequest
	if err := decodeStrict(body, &cr); err != nil {
		return policy.Request{}, err
	}
	if cr.Config == nil {
		return policy.Request{}, errors.New("decode request body: no container config")
	}
	req := policy.Request{Name: name, Config: cr.Config, HostConfig: cr.HostConfig, NetworkingConfig: cr.NetworkingConfig}
	if platform != "" {
		pl, err := parsePlatform(platform)
		if err != nil {
			return policy.Request{}, err
		}
		req.Platform = pl
	}
	return req, nil
}

// parsePlatform reads os[/arch[/variant]].
func parsePlatform(s string) (*ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) > 3 || parts[0] == "" {
		return nil, fmt.Errorf("invalid platform %q", s)
	}
	p := &ocispec.Platform{OS: parts[0]}
	if len(parts) > 1 {
		p.Architecture = parts[1]
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p, nil
}

// CheckLabel marks the create `hardrun authz check` sends: the plugin
// denies it with CheckMessage, so an engine that answers otherwise does
// not consult the plugin.
const (
	CheckLabel   = "io.hardrun.authz-check"
	CheckMessage = "hardrun authz check: this engine consults the hardrun plugin"
)

// create judges a container create under the profile its label names (as
// the site policy allows) with every field taken as given: each default
// the judge would still apply is missing from the request.
func (j *Judge) create(ctx context.Context, r route, body []byte) Decision {
	name := r.query.Get("name")
	req, err := DecodeCreate(body, name, r.query.Get("platform"))
	if err != nil {
		d := deny(r, err.Error())
		d.Container = name
		return d
	}
	if _, ok := req.Config.Labels[CheckLabel]; ok {
		return Decision{Endpoint: r.endpoint(), Container: name, Reasons: []string{CheckMessage + " (default profile " + j.profiles.def.Name + ")"}}
	}
	p, note := j.profiles.forLabel(req.Config.Labels[policy.LabelProfile])
	d := Decision{Endpoint: r.endpoint(), Container: name, Profile: p.Name, Hint: hintRun}
	if note != "" {
		d.Reasons = append(d.Reasons, "judged by the default profile: "+note)
	}
	reasons, err := j.judgeCreate(ctx, req, p)
	if err != nil {
		d.Reasons = append(d.Reasons, "cannot be judged: "+err.Error())
		return d
	}
	if len(reasons) == 0 {
		return Decision{Allow: true, Endpoint: d.Endpoint, Container: name, Profile: p.Name}
	}
	d.Reasons = append(d.Reasons, reasons...)
	return d
}

// judgeCreate returns what the profile refuses in req and what req lacks.
func (j *Judge) judgeCreate(ctx context.Context, req policy.Request, p *profiles.Profile) ([]string, error) {
	img, err := j.engine.Image(ctx, req.Config.Image)
	if err != nil && !errors.Is(err, policy.ErrNoSuchObject) {
		return nil, fmt.Errorf("image %s: %w", req.Config.Image, err)
	}
	host, err := j.engine.HostFacts(ctx, p)
	if err != nil {
		return nil, err
	}
	plan, err := policy.Evaluate(policy.RequireOnly(req), p, img, host)
	var refused *policy.RefusedError
	if err != nil && !errors.As(err, &refused) {
		return nil, err
	}
	return createReasons(plan), nil
}

// createReasons lists the refusals, then each change the judge made (a
// default the request lacks, a bind source not given as the path it
// resolves to). An identity only the image's files settle
// (Plan.IdentityPending) is judged at start, from the container's files.
func createReasons(plan *policy.Plan) []string {
	var out []string
	for _, rf := range plan.Refusals {
		out = append(out, rf.Error())
	}
	for _, c := range plan.Changes {
		if c.Why == "label" {
			continue // the plugin records nothing: the label only chose the profile
		}
		out = append(out, missing(c))
	}
	return out
}

func missing(c policy.Change) string {
	what := c.Flag
	if c.Value != "" {
		what += " " + c.Value
	}
	if c.Key == "" {
		return what + " is required (" + c.Why + ")"
	}
	return "missing " + what + " (" + c.Key + ")"
}
