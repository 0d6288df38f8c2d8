package profiles

import (
	"errors"
	"fmt"
	"os"
)

// ValidatePaths loads every profile file in paths (a file, or a directory:
// its NAME.yaml and NAME.yml files) as `--profile FILE` would, extends
// resolved, and returns every error of every file: an ErrorList sorted by
// file and position, joined with any error reading a file. nil when all
// are valid. A directory with no profile file is an error: validating
// nothing must not look like success.
func ValidatePaths(l *Loader, paths []string) error {
	var list ErrorList
	var other []error
	for _, file := range expandPaths(paths, &other) {
		_, err := l.LoadFile(file)
		var fileErrs ErrorList
		switch {
		case err == nil:
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
		return other[0]
	}
	return errors.Join(other...)
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
