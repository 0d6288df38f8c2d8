package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Output formats.
const (
	FormatText  = "text"
	FormatJSON  = "json"
	FormatSARIF = "sarif"
)

// Formats lists the formats Write takes.
var Formats = []string{FormatText, FormatJSON, FormatSARIF}

// Write writes the report: "text" for people (failures only, and a count
// of the rest), "json" (stable, see doc.go), "sarif" (SARIF 2.1.0, one
// result per failed finding).
func Write(w io.Writer, rep Report, format string) error {
	switch format {
	case FormatText, "":
		return writeText(w, rep)
	case FormatJSON:
		return writeJSON(w, rep)
	case FormatSARIF:
		return writeJSON(w, SARIF(rep))
	}
	return fmt.Errorf("unknown audit format %q (want text, json or sarif)", format)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func writeText(w io.Writer, rep Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "audited against profile %s (sha256:%s)\n", rep.Profile.Name, short(rep.Profile.Hash, 12))
	for _, n := range rep.Notices {
		fmt.Fprintf(tw, "notice: %s\n", n)
	}
	failed := 0
	for _, r := range rep.Results {
		if !r.Pass {
			failed++
		}
		fmt.Fprintln(tw)
		writeResult(tw, r)
	}
	fmt.Fprintf(tw, "\n%d container(s): %d passed, %d failed\n", len(rep.Results), len(rep.Results)-failed, failed)
	return tw.Flush()
}

func writeResult(tw *tabwriter.Writer, r Result) {
	c := r.Container
	fmt.Fprintf(tw, "container %s (%s), image %s, %s\n", c.Name, short(c.ID, 12), c.Image, orNone(c.State))
	if c.Profile != "" || c.Version != "" {
		fmt.Fprintf(tw, "started by hardrun %s under profile %s\n", orNone(c.Version), orNone(c.Profile))
	} else {
		fmt.Fprintln(tw, "not started by hardrun (no io.hardrun.profile label)")
	}
	var cisPass, cisFail, cisSkip, profileFail int
	rows := 0
	for _, f := range r.Findings {
		switch {
		case f.Skipped:
			cisSkip++
		case f.Pass:
			cisPass++
		case f.Source == SourceCIS:
			cisFail++
		default:
			profileFail++
		}
		if f.Pass {
			continue
		}
		if rows == 0 {
			fmt.Fprintln(tw, "  RESULT\tCHECK\tSEVERITY\tWANT\tGOT\tTITLE")
		}
		rows++
		fmt.Fprintf(tw, "  FAIL\t%s %s\t%s\t%s\t%s\t%s\n", f.Source, f.ID, f.Severity, oneLine(f.Want), oneLine(f.Got), oneLine(f.Title))
	}
	verdict := "PASS"
	if !r.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(tw, "%s: %d profile finding(s); CIS: %d passed, %d failed, %d not applicable\n",
		verdict, profileFail, cisPass, cisFail, cisSkip)
}

// oneLine keeps a table cell on its line.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
}

func short(s string, n int) string {
	s = strings.TrimPrefix(s, "sha256:")
	if len(s) > n {
		return s[:n]
	}
	return s
}
