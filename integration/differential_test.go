package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hardrun/hardrun/internal/shellwords"
)

// The differential test: docker's own CLI is the reference for every
// docker run/create flag. For each line of testdata/flaglines.txt,
// `docker create LINE` and `hardrun create --profile unconfined LINE` must
// make containers that `docker inspect` shows with the same Config,
// HostConfig and Mounts, once what necessarily differs is set aside (IDs,
// names, times, the generated hostname, anonymous volume names, hardrun's
// own labels, and the orders docker randomises); a line docker refuses
// hardrun must refuse with exit 125.

const flagLinesFile = "testdata/flaglines.txt"

// Fixtures the lines name through placeholders.
const (
	diffNetwork   = "hardrun-diff-net"
	diffSubnet    = "172.30.99.0/24"
	diffSource    = "hardrun-diff-src"
	diffVolume    = "hardrun-diff-vol"
	diffName      = "hardrun-diff-named"
	diffFromEnv   = "HARDRUN_DIFF_FROM_ENV"
	diffEnvValue  = "from the caller's environment"
	diffEmptyEnv  = "HARDRUN_DIFF_EMPTY"
	hardrunLabels = "io.hardrun."
)

// flagLine is one line of the corpus.
type flagLine struct {
	no        int
	text      string
	mark      byte // 0 created, '!' refused, '?' either, '%' no container
	mayDiffer []string
	verb      string // create or run
	args      []string
}

func (l flagLine) name() string {
	s := strings.Join(l.args, " ")
	if len(s) > 60 {
		s = s[:60]
	}
	return fmt.Sprintf("%03d %s", l.no, s)
}

func readFlagLines(t *testing.T) []flagLine {
	t.Helper()
	f, err := os.Open(flagLinesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []flagLine
	sc := bufio.NewScanner(f)
	for no := 1; sc.Scan(); no++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		l, err := parseFlagLine(no, text)
		if err != nil {
			t.Fatalf("%s:%d: %v", flagLinesFile, no, err)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func parseFlagLine(no int, text string) (flagLine, error) {
	words, err := shellwords.Split(text)
	if err != nil {
		return flagLine{}, err
	}
	l := flagLine{no: no, text: text, verb: "create"}
	if len(words) > 0 && len(words[0]) == 1 && strings.Contains("!?%", words[0]) {
		l.mark, words = words[0][0], words[1:]
	}
	for len(words) > 0 && strings.HasPrefix(words[0], "~") {
		l.mayDiffer, words = append(l.mayDiffer, words[0][1:]), words[1:]
	}
	if len(words) > 0 && words[0] == "run" {
		l.verb, words = "run", words[1:]
	}
	if len(words) == 0 {
		return flagLine{}, fmt.Errorf("no arguments")
	}
	l.args = words
	return l, nil
}

// dockerRunFlagNames reads the flags of `docker run --help` from the docker
// CLI on this machine (docker itself is the reference): long name to
// shorthand. Docker 28 against an API 1.41 daemon lists 98.
func dockerRunFlagNames(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("docker", "run", "--help").Output()
	if err != nil {
		t.Skipf("no docker CLI to list the flags: %v", err)
	}
	flagLine := regexp.MustCompile(`^\s+(?:-([A-Za-z]), )?--([a-z0-9-]+)`)
	names := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			names[m[2]] = m[1]
		}
	}
	if len(names) < 90 {
		t.Fatalf("read only %d flags from docker run --help", len(names))
	}
	return names
}

// TestFlagLinesCoverEveryFlag needs no engine: it checks the corpus
// against the flags the docker CLI lists.
func TestFlagLinesCoverEveryFlag(t *testing.T) {
	flags := dockerRunFlagNames(t)
	lines := readFlagLines(t)
	if len(lines) < 40 {
		t.Errorf("%d flag lines, want at least 40", len(lines))
	}
	byShort := map[byte]string{}
	for name, short := range flags {
		if short != "" {
			byShort[short[0]] = name
		}
	}
	seen := map[string]bool{}
	for _, l := range lines {
		for _, w := range l.args {
			markFlagWord(w, byShort, seen)
		}
	}
	for name := range flags {
		if !seen[name] {
			t.Errorf("no flag line uses --%s", name)
		}
	}
}

// markFlagWord records the flags a word names: --name[=v] or -abc (a
// shorthand cluster; a value may follow the last one that takes one).
func markFlagWord(w string, byShort map[byte]string, seen map[string]bool) {
	switch {
	case strings.HasPrefix(w, "--") && len(w) > 2:
		name, _, _ := strings.Cut(w[2:], "=")
		seen[name] = true
	case strings.HasPrefix(w, "-") && len(w) > 1 && w[1] != '-':
		for i := 1; i < len(w); i++ {
			name, ok := byShort[w[i]]
			if !ok {
				return
			}
			seen[name] = true
		}
	}
}

func TestDifferentialCreate(t *testing.T) {
	requireEngine(t)
	lines := readFlagLines(t)
	fx := setupDiffFixtures(t)
	t.Setenv(diffFromEnv, diffEnvValue)
	t.Setenv(diffEmptyEnv, "") // set, but empty: -e takes "", not nothing
	for _, l := range lines {
		t.Run(l.name(), func(t *testing.T) {
			if strings.Contains(l.text, "$SRC") {
				fx.ensureSource(t)
			}
			args := fx.expand(l.args)
			ref := fx.run(t, "docker", l, args)
			got := fx.run(t, "hardrun", l, args)
			compareOutcomes(t, l, ref, got)
		})
	}
}

// diffFixtures are the objects the flag lines refer to.
type diffFixtures struct {
	replacer    *strings.Replacer
	cidFile     string
	sourceLabel string
}

func setupDiffFixtures(t *testing.T) *diffFixtures {
	t.Helper()
	testdata, err := filepath.Abs("testdata/flaglines")
	if err != nil {
		t.Fatal(err)
	}
	runDocker(t, "rm", "-f", "-v", diffSource) // what a crashed run left
	runDocker(t, "network", "rm", diffNetwork)
	diffMustDocker(t, "network", "create", "--subnet", diffSubnet, diffNetwork)
	t.Cleanup(func() { runDocker(t, "network", "rm", diffNetwork) })
	fx := &diffFixtures{sourceLabel: labelled(t)}
	fx.ensureSource(t)
	t.Cleanup(func() {
		runDocker(t, "rm", "-f", "-v", diffSource)
		runDocker(t, "volume", "rm", "-f", diffVolume)
	})
	cid := filepath.Join(t.TempDir(), "cid")
	fx.cidFile = cid
	fx.replacer = strings.NewReplacer(
		"$TESTDATA", testdata, "$NET", diffNetwork, "$SRC", diffSource, "$VOL", diffVolume,
		"$NAME", diffName, "$CIDFILE", cid, "$PLATFORM", "linux/"+runtime.GOARCH,
	)
	return fx
}

// ensureSource (re)creates the container $SRC names: another test run on
// the same engine may have removed it as a leftover.
func (fx *diffFixtures) ensureSource(t *testing.T) {
	t.Helper()
	if runDocker(t, "inspect", "--type", "container", diffSource).Code == 0 {
		return
	}
	diffMustDocker(t, "create", "--name", diffSource, fx.sourceLabel, "-v", "/srcdata", "hardrun-test/volume:latest")
}

func diffMustDocker(t *testing.T, args ...string) {
	t.Helper()
	if r := runDocker(t, args...); r.Code != 0 {
		t.Fatalf("docker %s: %s", strings.Join(args, " "), r)
	}
}

func (fx *diffFixtures) expand(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = fx.replacer.Replace(a)
	}
	return out
}

// diffOutcome is what one CLI made of a line.
type diffOutcome struct {
	res     cmdResult
	inspect map[string]any // Config, HostConfig, Mounts, normalised; nil when refused
}

// run runs a line through docker or hardrun, inspects what it made,
// and removes it.
func (fx *diffFixtures) run(t *testing.T, cli string, l flagLine, args []string) diffOutcome {
	t.Helper()
	_ = os.Remove(fx.cidFile)
	var res cmdResult
	if cli == "docker" {
		res = runDocker(t, append([]string{l.verb, labelled(t)}, args...)...)
	} else {
		res = runHardrun(t, append([]string{l.verb, "--profile", "unconfined", labelled(t)}, args...)...)
	}
	ids := containersOf(t)
	defer func() {
		if len(ids) > 0 {
			runDocker(t, append([]string{"rm", "-f", "-v"}, ids...)...)
		}
	}()
	if res.Code != 0 || l.mark == '%' {
		if len(ids) > 0 {
			t.Errorf("%s exited %d but left container(s) %v", cli, res.Code, ids)
		}
		return diffOutcome{res: res}
	}
	if len(ids) != 1 {
		t.Fatalf("%s made %d containers (%v), want 1: %s", cli, len(ids), ids, res)
	}
	return diffOutcome{res: res, inspect: inspectForDiff(t, ids[0])}
}

func inspectForDiff(t *testing.T, id string) map[string]any {
	t.Helper()
	r := runDocker(t, "inspect", id)
	if r.Code != 0 {
		t.Fatalf("docker inspect %s: %s", id, r)
	}
	var all []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &all); err != nil || len(all) != 1 {
		t.Fatalf("docker inspect %s: %v", id, err)
	}
	c := all[0]
	out := map[string]any{"Config": c["Config"], "HostConfig": c["HostConfig"], "Mounts": c["Mounts"]}
	name, _ := c["Name"].(string)
	normaliseInspect(out, c["Id"].(string), name)
	return out
}

var anonymousVolumeName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// normaliseInspect sets aside what necessarily differs between two
// containers made from the same request.
func normaliseInspect(m map[string]any, id, name string) {
	if cfg, ok := m["Config"].(map[string]any); ok {
		if cfg["Hostname"] == id[:12] {
			cfg["Hostname"] = "<container id>"
		}
		if labels, ok := cfg["Labels"].(map[string]any); ok {
			for k := range labels {
				if strings.HasPrefix(k, hardrunLabels) && k != testLabel {
					delete(labels, k)
				}
			}
		}
		sortListField(cfg, "Env") // docker builds Env through a map: its order is random
	}
	if hc, ok := m["HostConfig"].(map[string]any); ok {
		sortListField(hc, "Binds") // likewise
		// A legacy link is recorded as /TARGET:/THIS-CONTAINER/ALIAS.
		links, _ := hc["Links"].([]any)
		for i, l := range links {
			if s, ok := l.(string); ok && name != "" {
				links[i] = strings.Replace(s, ":"+name+"/", ":/<this container>/", 1)
			}
		}
	}
	mounts, _ := m["Mounts"].([]any)
	for _, mt := range mounts {
		mm, _ := mt.(map[string]any)
		if name, _ := mm["Name"].(string); anonymousVolumeName.MatchString(name) {
			mm["Name"] = "<anonymous>"
			mm["Source"] = "<anonymous>"
		}
	}
	sort.Slice(mounts, func(i, j int) bool {
		return fmt.Sprint(mounts[i].(map[string]any)["Destination"]) < fmt.Sprint(mounts[j].(map[string]any)["Destination"])
	})
}

func sortListField(m map[string]any, key string) {
	list, ok := m[key].([]any)
	if !ok {
		return
	}
	slices.SortFunc(list, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
}

func compareOutcomes(t *testing.T, l flagLine, ref, got diffOutcome) {
	t.Helper()
	refused := ref.res.Code != 0
	switch {
	case l.mark == '%':
		if got.res.Code != ref.res.Code {
			t.Errorf("docker exits %d, hardrun %d\nhardrun: %s", ref.res.Code, got.res.Code, got.res)
		}
		return
	case l.mark == '!' && !refused:
		t.Fatalf("corpus: docker accepts a line marked refused: %s", ref.res)
	case l.mark == 0 && refused:
		t.Fatalf("corpus: docker refuses a line marked accepted: %s", ref.res)
	}
	if refused {
		// create exits as docker create does (1 where the engine refuses,
		// 125 for a bad flag); 125 is also a refusal by the profile first.
		if got.res.Code != ref.res.Code && got.res.Code != 125 {
			t.Errorf("docker refuses (%s) with %d, hardrun exits %d\nhardrun: %s",
				diffFirstLine(ref.res.Stderr), ref.res.Code, got.res.Code, got.res)
		}
		return
	}
	if got.res.Code != 0 || got.inspect == nil {
		t.Fatalf("docker accepts, hardrun refuses: %s", got.res)
	}
	var diffs []string
	diffJSONValues("", ref.inspect, got.inspect, &diffs)
	for _, d := range diffs {
		if l.allowsDiff(d) {
			t.Logf("known difference: %s", d)
			continue
		}
		t.Errorf("%s", d)
	}
}

func (l flagLine) allowsDiff(d string) bool {
	for _, f := range l.mayDiffer {
		if strings.HasPrefix(d, f+":") || strings.HasPrefix(d, f+".") {
			return true
		}
	}
	return false
}

// diffJSONValues lists the paths where two decoded JSON values differ.
func diffJSONValues(path string, want, got any, out *[]string) {
	wm, wok := want.(map[string]any)
	gm, gok := got.(map[string]any)
	if wok && gok {
		keys := map[string]bool{}
		for k := range wm {
			keys[k] = true
		}
		for k := range gm {
			keys[k] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			diffJSONValues(strings.TrimPrefix(path+"."+k, "."), wm[k], gm[k], out)
		}
		return
	}
	if !reflect.DeepEqual(want, got) {
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(got)
		*out = append(*out, fmt.Sprintf("%s: docker %s, hardrun %s", path, w, g))
	}
}

func diffFirstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
