package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
)

// Entry is one visible profile, as `hardrun profiles list` shows it.
type Entry struct {
	Name        string   `json:"name"`
	Source      string   `json:"source"`      // the file that wins, or "built-in"
	Description string   `json:"description"` // "" when the profile does not load
	Shadows     []string `json:"shadows"`     // sources further down the search order it hides
	Error       string   `json:"error,omitempty"`
}

// List returns every profile a name can reach, sorted by name: for each
// name the file that wins the search order, and the ones it shadows. A
// profile that does not load is listed with its first error in Error;
// List fails only when a directory cannot be read.
func (l *Loader) List() ([]Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	byName := map[string]*Entry{}
	var names []string
	add := func(name, source string) {
		if e, ok := byName[name]; ok {
			e.Shadows = append(e.Shadows, source)
			return
		}
		byName[name] = &Entry{Name: name, Source: source, Shadows: []string{}}
		names = append(names, name)
	}
	for _, dir := range l.dirs {
		files, err := profileFiles(dir)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			add(nameOf(f), f)
		}
	}
	for _, name := range builtinNames() {
		add(name, BuiltinSource)
	}
	slices.Sort(names)
	entries := make([]Entry, len(names))
	for i, name := range names {
		entries[i] = l.describe(byName[name])
	}
	return entries, nil
}

func (l *Loader) describe(e *Entry) Entry {
	r := l.loadNamed(e.Name)
	if r.err != nil {
		first, _, _ := strings.Cut(r.err.Error(), "\n")
		e.Error = first
		return *e
	}
	e.Description = r.p.Description
	return *e
}

// profileFiles lists the profile files of dir (NAME.yaml, NAME.yml with a
// valid NAME), sorted; none when dir does not exist.
func profileFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !IsFileRef(name) || !validName(nameOf(name)) {
			continue
		}
		files = append(files, filepath.Join(dir, name))
	}
	return files, nil
}

func builtinNames() []string {
	entries, _ := builtinFS.ReadDir("builtin") // embedded: cannot fail
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, nameOf(e.Name()))
	}
	return names
}

// WriteList writes entries for people (format "text" or "": a table) or
// for programs ("json": an array of Entry, the stable format).
func WriteList(w io.Writer, entries []Entry, format string) error {
	switch format {
	case "", "text":
		return writeListText(w, entries)
	case "json":
		if entries == nil {
			entries = []Entry{}
		}
		b, err := json.MarshalIndent(entries, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	return fmt.Errorf("unknown format %q (want text or json)", format)
}

func writeListText(w io.Writer, entries []Entry) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSOURCE\tDESCRIPTION")
	for _, e := range entries {
		desc := e.Description
		if e.Error != "" {
			desc = "INVALID: " + e.Error
		}
		if len(e.Shadows) > 0 {
			desc += " (shadows " + strings.Join(e.Shadows, ", ") + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Name, e.Source, strings.TrimSpace(desc))
	}
	return tw.Flush()
}
