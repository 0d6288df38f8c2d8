package runopts

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/moby/moby/api/types/container"
)

// This file translates who and what runs: command, environment, labels,
// user, healthcheck, stop behaviour, the standard streams, and the
// run-only rules (-d, --rm).

// command sets Cmd and Entrypoint. --entrypoint "" given explicitly
// clears the image's entrypoint, which docker sends as [""].
func (b *requestBuilder) command() error {
	if len(b.o.Cmd) > 0 {
		b.cfg.Cmd = slices.Clone(b.o.Cmd)
	}
	switch {
	case b.o.Entrypoint != "":
		b.cfg.Entrypoint = []string{b.o.Entrypoint}
	case b.o.given("entrypoint"):
		b.cfg.Entrypoint = []string{""}
	}
	return nil
}

// environment sets Env: the --env-file lines, in order, then the -e
// values with the proxy settings of docker's config file. docker merges
// the -e values through a map (one entry per name, the last value wins,
// in random order); hardrun keeps each name at its first position so the
// request is deterministic.
func (b *requestBuilder) environment() error {
	var env []string
	for _, f := range b.o.EnvFile {
		lines, err := b.readKVFile(f, b.env.lookupEnv)
		if err != nil {
			return err
		}
		env = append(env, lines...)
	}
	env = append(env, b.flagEnv()...)
	if len(env) > 0 {
		b.cfg.Env = env
	}
	return nil
}

// flagEnv resolves the -e values (KEY alone takes KEY's value from the
// caller's environment, and stays bare when KEY is unset), collapses
// repeated names, and adds the configured proxies the values leave unset.
func (b *requestBuilder) flagEnv() []string {
	var out []string
	index := map[string]int{}
	add := func(kv string) {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := index[k]; ok {
			out[i] = kv
			return
		}
		index[k] = len(out)
		out = append(out, kv)
	}
	for _, e := range b.o.Env {
		add(b.resolveEnv(e))
	}
	for _, k := range proxyVariables {
		v := b.env.Proxy[k]
		if v == "" {
			continue
		}
		for _, name := range []string{k, strings.ToLower(k)} {
			if _, ok := index[name]; !ok {
				add(name + "=" + v)
			}
		}
	}
	return out
}

// proxyVariables are the proxy settings docker's config file may carry.
var proxyVariables = []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "FTP_PROXY", "ALL_PROXY"}

func (b *requestBuilder) resolveEnv(e string) string {
	k, _, hasValue := strings.Cut(e, "=")
	if hasValue {
		return e
	}
	if v, ok := b.env.lookupEnv(k); ok {
		return k + "=" + v
	}
	return e
}

// labels sets Labels from the --label-file lines, then the -l values;
// a later value of a name wins. docker always sends the map.
func (b *requestBuilder) labels() error {
	var kvs []string
	for _, f := range b.o.LabelFile {
		// A bare name in a label file is dropped: docker looks nothing up.
		lines, err := b.readKVFile(f, nil)
		if err != nil {
			return err
		}
		kvs = append(kvs, lines...)
	}
	kvs = append(kvs, b.o.Labels...)
	b.cfg.Labels = keyValueMap(kvs)
	return nil
}

// keyValueMap splits KEY=VALUE strings; a bare KEY maps to "".
func keyValueMap(kvs []string) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// readKVFile reads an --env-file or --label-file with docker's rules:
// blank lines and lines starting with # are skipped, leading white space
// is dropped, a name may not contain white space, and a bare NAME takes
// its value from lookup (and is dropped when lookup is nil or NAME unset).
func (b *requestBuilder) readKVFile(name string, lookup func(string) (string, bool)) ([]string, error) {
	data, err := b.env.readFile(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// Name the file as the user gave it, as docker does.
			return nil, fmt.Errorf("%s %s: %w", pe.Op, name, pe.Err)
		}
		return nil, err
	}
	lines, err := parseKVLines(data, lookup)
	if err != nil {
		return nil, fmt.Errorf("invalid env file (%s): %w", name, err)
	}
	return lines, nil
}

func parseKVLines(data []byte, lookup func(string) (string, bool)) ([]string, error) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		raw := sc.Bytes()
		if !utf8.Valid(raw) {
			return nil, fmt.Errorf("invalid utf8 bytes at line %d: %v", n, raw)
		}
		if n == 1 {
			raw = bytes.TrimPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) // UTF-8 BOM
		}
		line := strings.TrimLeftFunc(string(raw), unicode.IsSpace)
		if line == "" || line[0] == '#' {
			continue
		}
		kv, err := kvFileLine(line, lookup)
		if err != nil {
			return nil, err
		}
		if kv != "" {
			lines = append(lines, kv)
		}
	}
	return lines, sc.Err()
}

func kvFileLine(line string, lookup func(string) (string, bool)) (string, error) {
	key, _, hasValue := strings.Cut(line, "=")
	if key == "" {
		return "", fmt.Errorf("no variable name on line '%s'", line)
	}
	if strings.ContainsAny(key, " \t") {
		return "", fmt.Errorf("variable '%s' contains whitespaces", key)
	}
	if hasValue {
		return line, nil
	}
	if lookup != nil {
		if v, ok := lookup(line); ok {
			return key + "=" + v, nil
		}
	}
	return "", nil
}

// healthcheck sets Healthcheck from --no-healthcheck and --health-*.
func (b *requestBuilder) healthcheck() error {
	o := b.o
	have := o.HealthCmd != "" || o.HealthInterval != 0 || o.HealthTimeout != 0 ||
		o.HealthStartPeriod != 0 || o.HealthRetries != 0 || o.HealthStartInterval != 0
	if o.NoHealthcheck {
		if have {
			return errors.New("--no-healthcheck conflicts with --health-* options")
		}
		b.cfg.Healthcheck = &container.HealthConfig{Test: []string{"NONE"}}
		return nil
	}
	if !have {
		return nil
	}
	if err := o.checkHealthValues(); err != nil {
		return err
	}
	hc := &container.HealthConfig{
		Interval:      o.HealthInterval,
		Timeout:       o.HealthTimeout,
		StartPeriod:   o.HealthStartPeriod,
		StartInterval: o.HealthStartInterval,
		Retries:       o.HealthRetries,
	}
	if o.HealthCmd != "" {
		hc.Test = []string{"CMD-SHELL", o.HealthCmd}
	}
	b.cfg.Healthcheck = hc
	return nil
}

func (o *RunOptions) checkHealthValues() error {
	switch {
	case o.HealthInterval < 0:
		return errors.New("--health-interval cannot be negative")
	case o.HealthTimeout < 0:
		return errors.New("--health-timeout cannot be negative")
	case o.HealthRetries < 0:
		return errors.New("--health-retries cannot be negative")
	case o.HealthStartPeriod < 0:
		return errors.New("--health-start-period cannot be negative")
	case o.HealthStartInterval < 0:
		return errors.New("--health-start-interval cannot be negative")
	}
	return nil
}

// identity sets the container's names, user and stop behaviour.
func (b *requestBuilder) identity() error {
	o := b.o
	b.cfg.Hostname = o.Hostname
	b.cfg.Domainname = o.Domainname
	b.cfg.User = o.User
	b.cfg.WorkingDir = o.Workdir
	b.cfg.StopSignal = o.StopSignal
	if o.given("stop-timeout") {
		timeout := o.StopTimeout
		b.cfg.StopTimeout = &timeout
	}
	b.hc.GroupAdd = slices.Clone(o.GroupAdd)
	b.hc.ContainerIDFile = o.CIDFile
	if o.given("init") {
		init := o.Init
		b.hc.Init = &init
	}
	return nil
}

// restartPolicy parses --restart: NAME[:MAX-RETRIES]. The name is the
// daemon's to judge.
func (b *requestBuilder) restartPolicy() error {
	if b.o.Restart == "" {
		return nil
	}
	name, count, hasCount := strings.Cut(b.o.Restart, ":")
	if hasCount && name == "" {
		return errors.New("invalid restart policy format: no policy provided before colon")
	}
	p := container.RestartPolicy{Name: container.RestartPolicyMode(name)}
	if count != "" {
		n, err := strconv.Atoi(count)
		if err != nil {
			return errors.New("invalid restart policy format: maximum retry count must be an integer")
		}
		p.MaximumRetryCount = n
	}
	b.hc.RestartPolicy = p
	return nil
}

// autoRemove sets AutoRemove; --rm and a restart policy exclude each other.
func (b *requestBuilder) autoRemove() error {
	b.hc.AutoRemove = b.o.Rm
	if b.o.Rm && !b.hc.RestartPolicy.IsNone() {
		return errors.New("conflicting options: cannot specify both --restart and --rm")
	}
	return nil
}

// streams sets the attach, stdin and TTY fields. Without -a, docker
// attaches stdout and stderr; -i attaches stdin too and, attached, closes
// it when the client disconnects.
func (b *requestBuilder) streams() error {
	o := b.o
	attached := func(s string) bool {
		for _, a := range o.Attach {
			if a == s {
				return true
			}
		}
		return false
	}
	b.cfg.AttachStdin = attached("stdin") || o.Interactive
	b.cfg.AttachStdout = attached("stdout") || len(o.Attach) == 0
	b.cfg.AttachStderr = attached("stderr") || len(o.Attach) == 0
	b.cfg.Tty = o.TTY
	b.cfg.OpenStdin = o.Interactive
	b.cfg.StdinOnce = b.cfg.OpenStdin && b.cfg.AttachStdin
	return nil
}

// runMode applies `docker run -d`: nothing is attached.
func (b *requestBuilder) runMode() error {
	if !b.o.Detach {
		return nil
	}
	if len(b.o.Attach) > 0 {
		return errors.New("conflicting options: cannot specify both --attach and --detach")
	}
	b.cfg.AttachStdin = false
	b.cfg.AttachStdout = false
	b.cfg.AttachStderr = false
	b.cfg.StdinOnce = false
	return nil
}
