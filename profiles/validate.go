package profiles

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// ValidatePaths loads every profile file in paths (a file, or a directory:
// its NAME.yaml and NAME.yml files) as `--profile FILE` would, extends
// resolved, and returns every error of every file: an ErrorList sorted by
// file and position, joined with any error reading a file. nil when all
// are valid. A directory with no profile file is an error: validating
// nothing must not look like success.
func ValidatePaths(l *Loader, paths []string) error {
	_, err := Validate(l, paths)
	return err
}

// Report is what Validate checked and found besides errors.
type Report struct {
	Files      []string    // every file checked, in order
	Warnings   []Warning   // of every file, each once
	Weakenings []Weakening // along every file's extends chain, each once
}

// Validate is ValidatePaths with a report of the files checked and the
// warnings and weakenings of the valid ones.
func Validate(l *Loader, paths []string) (Report, error) {
	var list ErrorList
	var other []error
	var r Report
	r.Files = expandPaths(paths, &other)
	for _, file := range r.Files {
		p, err := l.LoadFile(file)
		var fileErrs ErrorList
		switch {
		case err == nil:
			r.add(p)
		case errors.As(err, &fileErrs):
			list = append(list, fileErrs...)
		default:
			other = append(other, fmt.Errorf("%s: %w", file, err))
		}
	}
	if len(list) > 0 {
		other = append(other, list.sort())
	}
	if len(other) == 1 {
		return r, other[0]
	}
	return r, errors.Join(other...)
}

func (r *Report) add(p *Profile) {
	for _, w := range p.Warned {
		if !slices.Contains(r.Warnings, w) {
			r.Warnings = append(r.Warnings, w)
		}
	}
	for _, w := range p.Weakened {
		if !slices.Contains(r.Weakenings, w) {
			r.Weakenings = append(r.Weakenings, w)
		}
	}
}

// sortWarnings orders warnings by file and position.
func sortWarnings(ws []Warning) {
	slices.SortStableFunc(ws, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}

// Write prints the report for people: the files checked, then a line per
// warning and per weakening.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Files {
		fmt.Fprintf(&b, "checked %s\n", f)
	}
	sortWarnings(r.Warnings)
	for _, x := range r.Warnings {
		fmt.Fprintln(&b, x)
	}
	for _, x := range r.Weakenings {
		fmt.Fprintln(&b, x)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// expandPaths lists the files to validate, recording in errs paths that
// cannot be.
func expandPaths(paths []string, errs *[]error) []string {
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("validate: %w", err))
			continue
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		found, err := profileFiles(p)
		if err == nil && len(found) == 0 {
			err = fmt.Errorf("no NAME.yaml files in %s", p)
		}
		if err != nil {
			*errs = append(*errs, fmt.Errorf("validate: %w", err))
		}
		files = append(files, found...)
	}
	return files
}
