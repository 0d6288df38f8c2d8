package profiles

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Diff is Compare of two profiles, grouped by effect: the stable form of
// `hardrun profiles diff --format json`.
type Diff struct {
	From    string   `json:"from"` // the first profile's name
	To      string   `json:"to"`
	Looser  []Change `json:"looser"`  // what To permits that From does not
	Tighter []Change `json:"tighter"` // what To refuses or limits that From permits
	Changed []Change `json:"changed"` // other defaults
}

// NewDiff compares a and b (see Compare).
func NewDiff(a, b *Profile) Diff {
	d := Diff{From: a.Name, To: b.Name, Looser: []Change{}, Tighter: []Change{}, Changed: []Change{}}
	for _, c := range Compare(a, b) {
		switch c.Effect {
		case Looser:
			d.Looser = append(d.Looser, c)
		case Tighter:
			d.Tighter = append(d.Tighter, c)
		default:
			d.Changed = append(d.Changed, c)
		}
	}
	return d
}

// Write prints d for people (format "text" or "") or as JSON ("json").
func (d Diff) Write(w io.Writer, format string) error {
	switch format {
	case "", "text":
		_, err := io.WriteString(w, d.text())
		return err
	case "json":
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	return fmt.Errorf("unknown format %q (want text or json)", format)
}

func (d Diff) text() string {
	var b strings.Builder
	section := func(title string, cs []Change) {
		fmt.Fprintf(&b, "%s:\n", title)
		if len(cs) == 0 {
			b.WriteString("  (nothing)\n")
		}
		for _, c := range cs {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	section(fmt.Sprintf("%s permits what %s does not", d.To, d.From), d.Looser)
	section(fmt.Sprintf("%s tightens", d.To), d.Tighter)
	section("other defaults", d.Changed)
	return b.String()
}
