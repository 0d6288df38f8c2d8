package profiles

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNotFound is returned (wrapped in a *NotFoundError) when no profile of
// the requested name exists anywhere in the search order. Check it with
// errors.Is. A parent named by `extends` that does not exist is not this
// error: the profile that names it exists and is invalid, so that is an
// *Error at the `extends` line.
var ErrNotFound = errors.New("profile not found")

// ErrProfileNotFound is ErrNotFound under the name style.md uses.
var ErrProfileNotFound = ErrNotFound

// Error is one problem in a profile file, at a position. Error() is exactly
// "FILE:LINE:COL: message".
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ErrorList is every problem found in one or more profile files, sorted by
// file, line and column. It is returned as the error of Load and
// ValidatePaths; errors.As finds the first *Error in it.
type ErrorList []*Error

func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As and errors.Is look at each *Error.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// sort orders the list by position and drops exact duplicates (a parent's
// errors are reported again for each child that extends it).
func (l ErrorList) sort() ErrorList {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.CompactFunc(l, func(a, b *Error) bool { return *a == *b })
}

// NotFoundError says which profile was asked for and where it was looked for.
type NotFoundError struct {
	Name     string
	Searched []string // directories in search order, then "built-in"
	Suggest  string   // the visible profile with the nearest name, or ""
}

func (e *NotFoundError) Error() string {
	hint := ""
	if e.Suggest != "" {
		hint = fmt.Sprintf("; did you mean %q?", e.Suggest)
	}
	return fmt.Sprintf("profile %q not found (searched %s)%s", e.Name, strings.Join(e.Searched, ", "), hint)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// pos is where a key or value sits in a file.
type pos struct {
	file      string
	line, col int
}

// errorf builds an *Error at p.
func (p pos) errorf(format string, args ...any) *Error {
	return &Error{File: p.file, Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
}
