package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/docker/cli/opts"
	"github.com/moby/moby/api/types/container"
	"github.com/spf13/pflag"

	"github.com/hardrun/hardrun/runopts"
)

// The pflag.Value types of the docker run flags. Each writes straight into
// a field of runopts.RunOptions, validating the value as docker does when
// it reads the flag (the error then reads `invalid argument "X" for
// "--flag" flag: ...`, as docker's). Their Type and String match docker's,
// so usage output reads the same.

// listValue is a repeatable string flag (docker's opts.ListOpts).
type listValue struct {
	values   *[]string
	validate func(string) (string, error) // may rewrite the value
}

func (l *listValue) Set(v string) error {
	if l.validate != nil {
		var err error
		if v, err = l.validate(v); err != nil {
			return err
		}
	}
	*l.values = append(*l.values, v)
	return nil
}

func (l *listValue) String() string {
	if len(*l.values) == 0 {
		return ""
	}
	return fmt.Sprintf("%v", *l.values)
}

func (*listValue) Type() string { return "list" }

// mapValue is a repeatable KEY=VALUE flag (docker's opts.MapOpts).
type mapValue struct {
	values   *map[string]string
	validate func(string) (string, error)
}

func (m *mapValue) Set(v string) error {
	if m.validate != nil {
		var err error
		if v, err = m.validate(v); err != nil {
			return err
		}
	}
	if *m.values == nil {
		*m.values = map[string]string{}
	}
	k, val, _ := strings.Cut(v, "=")
	(*m.values)[k] = val
	return nil
}

func (m *mapValue) String() string {
	if *m.values == nil {
		return "map[]"
	}
	return fmt.Sprintf("%v", *m.values)
}

func (*mapValue) Type() string { return "map" }

// parsedList is a repeatable flag whose values docker parses on reading
// (throttle and weight devices).
type parsedList[T any] struct {
	values *[]T
	parse  func(string) (T, error)
}

func (l *parsedList[T]) Set(v string) error {
	parsed, err := l.parse(v)
	if err != nil {
		return err
	}
	*l.values = append(*l.values, parsed)
	return nil
}

func (l *parsedList[T]) String() string { return fmt.Sprintf("%v", *l.values) }
func (*parsedList[T]) Type() string     { return "list" }

// ulimitValue is --ulimit: one limit per name, the last wins, kept sorted
// by name (docker's opts.UlimitOpt).
type ulimitValue struct {
	values *[]*container.Ulimit
	opt    *opts.UlimitOpt
}

func (u *ulimitValue) Set(v string) error {
	if err := u.opt.Set(v); err != nil {
		return err
	}
	*u.values = u.opt.GetList()
	return nil
}

func (u *ulimitValue) String() string { return u.opt.String() }
func (*ulimitValue) Type() string     { return "ulimit" }

// gpusValue is --gpus (docker's opts.GpuOpts).
type gpusValue struct {
	values *[]container.DeviceRequest
	opt    opts.GpuOpts
}

func (g *gpusValue) Set(v string) error {
	if err := g.opt.Set(v); err != nil {
		return err
	}
	*g.values = g.opt.Value()
	return nil
}

func (g *gpusValue) String() string { return g.opt.String() }
func (*gpusValue) Type() string     { return "gpu-request" }

// validateEnvName checks -e: a name is required. docker also resolves a
// bare NAME from the environment here; hardrun leaves that to
// RunOptions.Request so that translation is a function of its inputs.
func validateEnvName(v string) (string, error) {
	if k, _, _ := strings.Cut(v, "="); k == "" {
		return "", errors.New("invalid environment variable: " + v)
	}
	return v, nil
}

// validateAttach accepts stdin, stdout and stderr in any case.
func validateAttach(v string) (string, error) {
	s := strings.ToLower(v)
	if s == "stdin" || s == "stdout" || s == "stderr" {
		return s, nil
	}
	return v, errors.New("valid streams are STDIN, STDOUT and STDERR")
}

var deviceCgroupRuleRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$`)
})

func validateDeviceCgroupRule(v string) (string, error) {
	if deviceCgroupRuleRe().MatchString(v) {
		return v, nil
	}
	return v, fmt.Errorf("invalid device cgroup format '%s'", v)
}

// networkValue is --network, read with docker 28's rules: a network name,
// or (when the value contains WORD=WORD) the long CSV syntax, lower-cased
// as docker lower-cases it.
type networkValue struct{ values *[]runopts.NetworkAttachment }

var networkLongSyntaxRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\w+=\w+(,\w+=\w+)*`) })

func (n *networkValue) Set(v string) error {
	if !networkLongSyntaxRe().MatchString(v) {
		*n.values = append(*n.values, runopts.NetworkAttachment{Target: v})
		return nil
	}
	fields, err := csv.NewReader(strings.NewReader(v)).Read()
	if err != nil {
		return err
	}
	a := runopts.NetworkAttachment{Aliases: []string{}}
	for _, field := range fields {
		if err := setNetworkField(&a, field); err != nil {
			return err
		}
	}
	if a.Target == "" {
		return errors.New("network name/id is not specified")
	}
	*n.values = append(*n.values, a)
	return nil
}

func (*networkValue) String() string { return "" }
func (*networkValue) Type() string   { return "network" }

func setNetworkField(a *runopts.NetworkAttachment, field string) error {
	key, val, ok := strings.Cut(strings.ToLower(field), "=")
	if !ok || key == "" {
		return fmt.Errorf("invalid field %s", field)
	}
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	switch key {
	case "name":
		a.Target = val
	case "alias":
		a.Aliases = append(a.Aliases, val)
	case "ip":
		a.IPv4Address = val
	case "ip6":
		a.IPv6Address = val
	case "mac-address":
		a.MacAddress = val
	case "link-local-ip":
		a.LinkLocalIPs = append(a.LinkLocalIPs, val)
	case "driver-opt":
		return setNetworkDriverOpt(a, val)
	case "gw-priority":
		return setNetworkGwPriority(a, val)
	default:
		return errors.New("invalid field key " + key)
	}
	return nil
}

func setNetworkDriverOpt(a *runopts.NetworkAttachment, val string) error {
	k, v, ok := strings.Cut(val, "=")
	if !ok || k == "" {
		return errors.New("invalid key value pair format in driver options")
	}
	if a.DriverOpts == nil {
		a.DriverOpts = map[string]string{}
	}
	a.DriverOpts[strings.TrimSpace(k)] = strings.TrimSpace(v)
	return nil
}

func setNetworkGwPriority(a *runopts.NetworkAttachment, val string) error {
	p, err := strconv.Atoi(val)
	if err != nil {
		var numErr *strconv.NumError
		if errors.As(err, &numErr) {
			err = numErr.Err
		}
		return fmt.Errorf("invalid gw-priority (%s): %w", val, err)
	}
	a.GwPriority = p
	return nil
}

// Scalar flags with the error messages of pflag v1.0.6, the version docker
// 28 is built with (later pflag versions reword them): the strconv or
// time error itself, e.g. `strconv.ParseInt: parsing "x": invalid syntax`.

type boolFlag struct{ p *bool }

func (b boolFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*b.p = v
	return nil
}

func (b boolFlag) String() string { return strconv.FormatBool(*b.p) }
func (boolFlag) Type() string     { return "bool" }
func (boolFlag) IsBoolFlag() bool { return true }

type intFlag struct{ p *int }

func (i intFlag) Set(s string) error {
	v, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return err
	}
	*i.p = int(v)
	return nil
}

func (i intFlag) String() string { return strconv.Itoa(*i.p) }
func (intFlag) Type() string     { return "int" }

type int64Flag struct{ p *int64 }

func (i int64Flag) Set(s string) error {
	v, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return err
	}
	*i.p = v
	return nil
}

func (i int64Flag) String() string { return strconv.FormatInt(*i.p, 10) }
func (int64Flag) Type() string     { return "int64" }

type uint16Flag struct{ p *uint16 }

func (u uint16Flag) Set(s string) error {
	v, err := strconv.ParseUint(s, 0, 16)
	if err != nil {
		return err
	}
	*u.p = uint16(v)
	return nil
}

func (u uint16Flag) String() string { return strconv.FormatUint(uint64(*u.p), 10) }
func (uint16Flag) Type() string     { return "uint16" }

type uint64Flag struct{ p *uint64 }

func (u uint64Flag) Set(s string) error {
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return err
	}
	*u.p = v
	return nil
}

func (u uint64Flag) String() string { return strconv.FormatUint(*u.p, 10) }
func (uint64Flag) Type() string     { return "uint64" }

type durationFlag struct{ p *time.Duration }

func (d durationFlag) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d.p = v
	return nil
}

// String is "0" for zero, which usage output treats as no default (the
// usage text of docker's duration flags says "(default 0s)" itself).
func (d durationFlag) String() string {
	if *d.p == 0 {
		return "0"
	}
	return d.p.String()
}

func (durationFlag) Type() string { return "duration" }

// defineBool defines a boolean flag that may be given without a value.
func defineBool(fs *pflag.FlagSet, p *bool, name, short string, def bool, usage string) {
	*p = def
	fs.VarPF(boolFlag{p}, name, short, usage).NoOptDefVal = "true"
}
