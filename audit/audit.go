package audit

import (
	"slices"
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/profiles"
)

// Sources of a finding.
const (
	SourceProfile = "profile" // the profile's policy would have done otherwise
	SourceCIS     = "cis"     // a CIS Docker Benchmark v1.6.0 section 5 check
)

// Severity says how much a failed finding weakens the container.
type Severity string

// Severities, from worst.
const (
	High   Severity = "high"   // a way out to the host (privileged, host namespaces, the Docker socket)
	Medium Severity = "medium" // a missing confinement layer (capabilities, seccomp, read-only root)
	Low    Severity = "low"    // hygiene and resource limits
)

// Input is everything audit judges one container on. It is plain data: the
// caller does the engine calls and runs the launcher's policy.
type Input struct {
	Container container.InspectResponse
	// Image is the container's image config, for 5.9 (needed ports: the
	// image's EXPOSE). nil when unknown; 5.9 is then skipped.
	Image  *dockerspec.DockerOCIImageConfig
	Engine policy.EngineFacts
	// Policy is the judge's verdict on policy.RequestFromInspect(Container)
	// under the audited profile.
	Policy Policy
	// Profile and Effects, when Effects is set, add the findings on what
	// the container really gets (EffectFindings) and its effects report.
	Profile *profiles.Profile
	Effects *Effects
	Volumes []VolumeReport
}

// Policy is the part of the judge's plan audit reads: each change is a
// default the profile would have applied, so one the container lacks; each
// refusal an item the profile would not have permitted.
type Policy struct {
	Changes  []policy.Change
	Refusals []policy.Refusal
}

// PolicyOf is the part of plan audit reads.
func PolicyOf(plan *policy.Plan) Policy {
	return Policy{Changes: plan.Changes, Refusals: plan.Refusals}
}

// Report is one audit run: `hardrun audit --format json` (see doc.go).
type Report struct {
	FormatVersion  int        `json:"format_version"`
	HardrunVersion string     `json:"hardrun_version"`
	Profile        ProfileRef `json:"profile"`
	Pass           bool       `json:"pass"`
	Notices        []string   `json:"notices"`
	Results        []Result   `json:"results"`
}

// FormatVersion is the version of the JSON document; fields are only ever
// added within a version.
const FormatVersion = 1

// ProfileRef names the profile the containers were audited against.
type ProfileRef struct {
	Name string `json:"name"`
	Hash string `json:"hash"`
}

// Result is one container's audit.
type Result struct {
	Container Container      `json:"container"`
	Pass      bool           `json:"pass"`
	Effects   *EffectsReport `json:"effects,omitempty"`
	Findings  []Finding      `json:"findings"`
}

// Container identifies an audited container.
type Container struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Image   string `json:"image"`    // as the container was created with it
	ImageID string `json:"image_id"` // sha256:...
	State   string `json:"state"`    // running, exited, created, ...
	// Profile and Version are the io.hardrun.profile and io.hardrun.version
	// labels: "" for a container hardrun did not start.
	Profile string `json:"profile_label"`
	Version string `json:"version_label"`
}

// Finding is one judged item. Profile findings are only the failures: the
// ways the container is weaker than the profile would have made it. CIS
// findings are every judged check, passed or not.
type Finding struct {
	Source   string   `json:"source"` // "profile" | "cis"
	ID       string   `json:"id"`     // the profile key ("read_only") or the CIS number ("5.13")
	Title    string   `json:"title"`
	Want     string   `json:"want"`
	Got      string   `json:"got"`
	Pass     bool     `json:"pass"`
	Skipped  bool     `json:"skipped,omitempty"` // not applicable here; Pass is true
	Severity Severity `json:"severity"`
}

// Judge audits one container: the profile findings from the policy's
// verdict, then every CIS check of Checks.
func Judge(in Input) Result {
	r := Result{Container: ContainerOf(in.Container), Pass: true}
	pol := in.Policy
	if in.Effects != nil && cgroupnsMode(in.Container, in.Engine) == "host" {
		// The effect finding says what the container shares; the missing
		// default would say the same in the request's words.
		pol.Changes = slices.DeleteFunc(slices.Clone(pol.Changes), func(c policy.Change) bool { return c.Field == "HostConfig.CgroupnsMode" })
	}
	r.Findings = ProfileFindings(in.Container, pol)
	if in.Effects != nil {
		r.Findings = append(r.Findings, EffectFindings(in.Container, in.Profile, in.Engine, *in.Effects, in.Policy.Refusals)...)
		rep := ReportEffects(in.Container, in.Engine, *in.Effects, in.Volumes)
		r.Effects = &rep
	}
	r.Findings = append(r.Findings, cisFindings(&in)...)
	for _, f := range r.Findings {
		if !f.Pass {
			r.Pass = false
		}
	}
	return r
}

// ContainerOf identifies a container from its inspect data.
func ContainerOf(c container.InspectResponse) Container {
	out := Container{ID: c.ID, Name: strings.TrimPrefix(c.Name, "/"), ImageID: c.Image}
	if c.Config != nil {
		out.Image = c.Config.Image
		out.Profile = c.Config.Labels[policy.LabelProfile]
		out.Version = c.Config.Labels[policy.LabelVersion]
	}
	if c.State != nil {
		out.State = string(c.State.Status)
	}
	return out
}

// NewReport assembles the results (sorted by container name, then ID) and
// the overall verdict.
func NewReport(hardrunVersion string, profile ProfileRef, notices []string, results []Result) Report {
	results = slices.Clone(results)
	slices.SortFunc(results, func(a, b Result) int {
		if c := strings.Compare(a.Container.Name, b.Container.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Container.ID, b.Container.ID)
	})
	rep := Report{
		FormatVersion:  FormatVersion,
		HardrunVersion: hardrunVersion,
		Profile:        profile,
		Pass:           true,
		Notices:        nonNil(notices),
		Results:        nonNil(results),
	}
	for i := range rep.Results {
		rep.Results[i].Findings = nonNil(rep.Results[i].Findings)
		if !rep.Results[i].Pass {
			rep.Pass = false
		}
	}
	return rep
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
