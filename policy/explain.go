package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hardrun/hardrun/profiles"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// Explain formats (`hardrun explain --format`).
const (
	FormatText   = "text"
	FormatJSON   = "json"
	FormatDocker = "docker"
)

// WriteExplain writes what the plan does to the request:
//
//   - "text", for people: the profile, every change (flag, value, profile
//     key, why), every refusal, the notices, what the runner prepares
//     before create, and the equivalent docker run line;
//   - "json", stable (see ExplainJSON);
//   - "docker", only the equivalent `docker run` line, quoted for a POSIX
//     shell. Run with docker it creates the same container, given that the
//     seccomp JSON is in the file the line names (`hardrun seccomp export
//     --profile NAME > FILE`), the network exists and the AppArmor profile
//     is loaded. A refused plan has no such line: "docker" then writes
//     nothing and returns an error wrapping ErrRefused.
func (p *Plan) WriteExplain(w io.Writer, format string) error {
	switch format {
	case FormatText, "":
		return p.writeText(w)
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(p.ExplainJSON())
	case FormatDocker:
		if len(p.Refusals) > 0 {
			return &RefusedError{Profile: p.Profile.Name, Refusals: p.Refusals}
		}
		_, err := fmt.Fprintln(w, p.DockerLine())
		return err
	}
	return fmt.Errorf("unknown explain format %q (want text, json or docker)", format)
}

// ExplainDoc is the stable JSON form of a plan (`explain --format json`).
// Fields are only ever added. Lists are never null.
type ExplainDoc struct {
	Profile struct {
		Name    string `json:"name"`
		Hash    string `json:"hash"`   // sha256 of the resolved profile, as in the io.hardrun.profile label
		Source  string `json:"source"` // the file, or "built-in"
		Enforce bool   `json:"enforce"`
	} `json:"profile"`
	Changes  []Change     `json:"changes"`
	Refusals []RefusalDoc `json:"refusals"`
	Notices  []string     `json:"notices"`
	// Weakenings are what the profile permits that a profile it extends
	// does not (a removed seccomp denial, a widened allow list).
	Weakenings []profiles.Weakening `json:"weakenings"`
	Prepare    PrepareDoc           `json:"prepare"`
	Docker     string               `json:"docker"` // "" when refused
	Request    CreateRequest        `json:"request"`
}

// RefusalDoc is a refusal with its full message, as the CLI prints it
// after `hardrun: refused by profile "NAME": `.
type RefusalDoc struct {
	Refusal
	Message string `json:"message"`
}

// PrepareDoc is what the runner does before create.
type PrepareDoc struct {
	Network     string `json:"network,omitempty"`      // created on demand
	AppArmor    string `json:"apparmor,omitempty"`     // generated profile loaded
	SeccompFile string `json:"seccomp_file,omitempty"` // where the docker line expects the seccomp JSON
}

// CreateRequest is the Engine API create request, as sent.
type CreateRequest struct {
	Name             string                    `json:"name,omitempty"`
	Config           *container.Config         `json:"config"`
	HostConfig       *container.HostConfig     `json:"host_config"`
	NetworkingConfig *network.NetworkingConfig `json:"networking_config"`
	Platform         string                    `json:"platform,omitempty"`
}

// ExplainJSON returns the stable JSON document of the plan.
func (p *Plan) ExplainJSON() ExplainDoc {
	var d ExplainDoc
	d.Profile.Name, d.Profile.Hash, d.Profile.Source, d.Profile.Enforce = p.Profile.Name, profileHash(p.Profile), p.Profile.Source, p.Profile.Enforce
	d.Changes = append([]Change{}, p.Changes...)
	d.Refusals = []RefusalDoc{}
	for _, r := range p.Refusals {
		d.Refusals = append(d.Refusals, RefusalDoc{Refusal: r, Message: r.Error()})
	}
	d.Notices = append([]string{}, p.Notices...)
	d.Weakenings = append([]profiles.Weakening{}, p.Profile.Weakenings()...)
	d.Prepare = p.prepareDoc()
	if len(p.Refusals) == 0 {
		d.Docker = p.DockerLine()
	}
	d.Request = CreateRequest{Name: p.Request.Name, Config: p.Request.Config, HostConfig: p.Request.HostConfig,
		NetworkingConfig: p.Request.NetworkingConfig, Platform: platformSpec(p.Request)}
	return d
}

func (p *Plan) prepareDoc() PrepareDoc {
	d := PrepareDoc{Network: p.EnsureNetwork}
	if p.AppArmorProfile != nil {
		d.AppArmor = p.AppArmorProfile.Name
	}
	if p.SeccompJSON() != "" {
		d.SeccompFile = p.seccompFile()
	}
	return d
}

// seccompFile is the file the docker line names for the seccomp JSON.
func (p *Plan) seccompFile() string {
	if p.SeccompFile != "" {
		return p.SeccompFile
	}
	return "hardrun-" + p.Profile.Name + ".seccomp.json"
}

// SeccompJSON returns the seccomp profile the request sends inline, "" when
// it sends none (or seccomp=unconfined). `explain --format docker` writes it
// to a file and sets SeccompFile, since docker's CLI takes a file.
func (p *Plan) SeccompJSON() string {
	if p.Request.HostConfig == nil {
		return ""
	}
	for _, o := range p.Request.HostConfig.SecurityOpt {
		if so := ParseSecurityOpt(o); so.IsInlineJSON() {
			return so.Value
		}
	}
	return ""
}

func (p *Plan) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "profile %s (sha256:%s, %s)\n", p.Profile.Name, shortHash(profileHash(p.Profile)), orString(p.Profile.Source, "built in code"))
	fmt.Fprintf(tw, "\nchanges (%d):\n", len(p.Changes))
	for _, c := range p.Changes {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", orString(c.Key, "-"), c.Why, changeWords(c))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	if len(p.Refusals) > 0 {
		fmt.Fprintf(&b, "\nrefusals (%d):\n", len(p.Refusals))
		for _, r := range p.Refusals {
			fmt.Fprintf(&b, "  %s\n", r.Error())
		}
	}
	if len(p.Notices) > 0 {
		fmt.Fprintf(&b, "\nnotices:\n")
		for _, n := range p.Notices {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	if ws := p.Profile.Weakenings(); len(ws) > 0 {
		fmt.Fprintf(&b, "\nweakenings of the profiles it extends:\n")
		for _, w := range ws {
			fmt.Fprintf(&b, "  %s\n", w)
		}
	}
	p.writePrepareText(&b)
	if len(p.Refusals) == 0 {
		fmt.Fprintf(&b, "\nequivalent docker command:\n  %s\n", p.DockerLine())
	} else {
		fmt.Fprintf(&b, "\nno docker command: the profile refuses the request\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (p *Plan) writePrepareText(b *strings.Builder) {
	d := p.prepareDoc()
	if d == (PrepareDoc{}) {
		return
	}
	fmt.Fprintf(b, "\nbefore create:\n")
	if d.Network != "" {
		fmt.Fprintf(b, "  network %s: created if missing (bridge, com.docker.network.bridge.enable_icc=false)\n", d.Network)
	}
	if d.AppArmor != "" {
		fmt.Fprintf(b, "  AppArmor profile %s: loaded (hardrun apparmor export --profile %s)\n", d.AppArmor, p.Profile.Name)
	}
	if d.SeccompFile != "" {
		fmt.Fprintf(b, "  seccomp profile: sent inline; the docker command reads it from %s (hardrun seccomp export --profile %s)\n", d.SeccompFile, p.Profile.Name)
	}
}

// changeWords spells a change as the flag the user would type.
func changeWords(c Change) string {
	if c.Value == "" {
		return c.Flag
	}
	return c.Flag + " " + shellWord(c.Value)
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// DockerLine is the `docker run` command line that creates the plan's
// request, each word quoted for a POSIX shell.
func (p *Plan) DockerLine() string {
	args := dockerArgs(&p.Request, p.seccompFile())
	words := make([]string, 0, len(args)+2)
	words = append(words, "docker", "run")
	for _, a := range args {
		words = append(words, shellWord(a))
	}
	return strings.Join(words, " ")
}
