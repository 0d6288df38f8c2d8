package main

import (
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/mount"

	"github.com/hardrun/hardrun/policy"
)

// mountValue is --mount, read by policy.ParseMount (docker 28's rules).
type mountValue struct {
	values *[]mount.Mount
	rw     *[]string // targets of the values that said readonly=false
}

func (m *mountValue) Set(v string) error {
	parsed, err := policy.ParseMount(v)
	if err != nil {
		return err
	}
	*m.values = append(*m.values, parsed.Mount)
	if parsed.ExplicitRW {
		*m.rw = append(*m.rw, parsed.Target)
	}
	return nil
}

func (m *mountValue) String() string {
	out := make([]string, 0, len(*m.values))
	for _, mt := range *m.values {
		out = append(out, fmt.Sprintf("%s %s %s", mt.Type, mt.Source, mt.Target))
	}
	return strings.Join(out, ", ")
}

func (*mountValue) Type() string { return "mount" }
