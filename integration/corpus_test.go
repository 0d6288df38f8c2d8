package integration

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestCorpus judges real `docker run` lines (testdata/corpus.txt, each
// with its source) under the built-in profile named for the workload:
// every line not refused for a real security reason is planned without a
// refusal; every refusal is the expected one and names the profile key
// that governs it. No registry is reachable here, so each line is judged
// with `hardrun explain` (which needs no image); host paths the line names
// that do not exist here are made under a scratch directory, $PWD is a
// scratch workspace and ~ a scratch home, so the result does not depend on
// where the repository is cloned.
func TestCorpus(t *testing.T) {
	requireEngine(t)
	lines := readCorpus(t)
	if len(lines) < 150 {
		t.Fatalf("corpus has %d lines, want at least 150", len(lines))
	}
	scratch := t.TempDir()
	// A hard link to the engine's socket somewhere on a file system makes
	// every bind on that file system refused (rightly: the bind may hold
	// it). Such a link left on this host by another program is the host's
	// condition, not the line's: those refusals are set aside, and said so.
	// So are refusals of a bind that holds other mounts (/tmp, while other
	// tests have mounts under it).
	socketLinked := false
	if fi, err := os.Stat("/var/run/docker.sock"); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
			socketLinked = true
			t.Logf("the engine socket has %d hard links on this host: binds on its file system are refused for that; those refusals are set aside", st.Nlink)
		}
	}
	fx := corpusFixtures(t)
	refused := 0
	for _, l := range lines {
		t.Run(fmt.Sprintf("%03d", l.n), func(t *testing.T) {
			ws := filepath.Join(scratch, fmt.Sprintf("ws%03d", l.n))
			args := l.args(t, ws, filepath.Join(scratch, "home"), filepath.Join(scratch, "host"), fx)
			env := []string{"HOME=" + filepath.Join(scratch, "home"), "XDG_CONFIG_HOME=" + filepath.Join(scratch, "config")}
			r := runIn(t, ws, env, append([]string{"explain", "--format", "json", "--profile", l.profile}, args...)...)
			var doc struct {
				Refusals []struct{ Item, Key, Message string }
			}
			if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil && r.Code != 125 {
				t.Fatalf("line %d: %s\n%s\nexplain: %s", l.n, l.src, l.cmd, r)
			}
			if r.Code == 125 && len(doc.Refusals) == 0 && r.Stdout == "" {
				t.Fatalf("line %d (%s): explain failed without a refusal: %s\n%s", l.n, l.src, r.Stderr, l.cmd)
			}
			var msgs []string
			for _, x := range doc.Refusals {
				if socketLinked && strings.Contains(x.Message, "names on the file system of") ||
					strings.Contains(x.Message, " holds other mounts (") {
					continue // this host's condition, not the line's (see socketLinked)
				}
				msgs = append(msgs, x.Message)
				if x.Key == "" {
					t.Errorf("line %d: refusal names no profile key: %s", l.n, x.Message)
				}
			}
			switch {
			case l.expect == "ok" && len(msgs) > 0:
				t.Errorf("line %d under %s refused:\n  %s\n%s\n(%s)", l.n, l.profile, strings.Join(msgs, "\n  "), l.cmd, l.src)
			case l.expect != "ok" && len(msgs) == 0:
				t.Errorf("line %d under %s: want refused (%s), planned without refusal:\n%s", l.n, l.profile, l.expect, l.cmd)
			case l.expect != "ok" && !strings.Contains(strings.ToLower(strings.Join(msgs, "\n")), strings.ToLower(l.expect)):
				t.Errorf("line %d: want a refusal naming %q, got:\n  %s", l.n, l.expect, strings.Join(msgs, "\n  "))
			}
			if len(msgs) > 0 {
				refused++
			}
		})
	}
	t.Logf("%d lines, %d refused for a security reason", len(lines), refused)
}

type corpusLine struct {
	n                    int
	profile, expect, cmd string
	src                  string
}

func readCorpus(t *testing.T) []corpusLine {
	t.Helper()
	f, err := os.Open("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	s := bufio.NewScanner(f)
	n := 0
	for s.Scan() {
		n++
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, " | ")
		if len(f) != 4 || !strings.HasPrefix(f[2], "docker run ") || !strings.HasPrefix(f[3], "http") {
			t.Fatalf("corpus.txt:%d: want PROFILE | EXPECT | docker run ... | SOURCE URL", n)
		}
		expect := strings.TrimSpace(strings.TrimPrefix(f[1], "refused:"))
		out = append(out, corpusLine{n: n, profile: f[0], expect: expect, cmd: f[2], src: f[3]})
	}
	return out
}

// fixtures are what the lines name that must exist: a container for
// --volumes-from.
type fixtures struct{ dbstore string }

func corpusFixtures(t *testing.T) fixtures {
	name := "hardrun-corpus-dbstore-" + runID
	r := runDocker(t, "create", "--name", name, labelled(t), "-v", "/dbdata", "hardrun-test/root", "true")
	if r.Code != 0 {
		t.Fatalf("create the --volumes-from fixture: %s", r)
	}
	t.Cleanup(func() { runDocker(t, "rm", "-v", name) })
	return fixtures{dbstore: name}
}

var (
	pwdRe  = regexp.MustCompile(`\$\(pwd\)|\$\{PWD\}|\$PWD`)
	homeRe = regexp.MustCompile(`\$HOME|\$\{HOME\}|(^|[\s=:"])~/`)
	idRe   = regexp.MustCompile(`\$\(id -[ug]\)`)
)

// args turns the line into explain's arguments: variables expanded as the
// shell would (in the scratch directories), words split, redirections
// dropped, and the host paths it binds made to exist.
func (l corpusLine) args(t *testing.T, ws, home, hostRoot string, fx fixtures) []string {
	t.Helper()
	for _, d := range []string{ws, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := pwdRe.ReplaceAllString(l.cmd, ws)
	s = homeRe.ReplaceAllStringFunc(s, func(m string) string { return strings.TrimSuffix(m, "~/") + home + "/" })
	s = strings.ReplaceAll(s, "$HOME", home)
	s = idRe.ReplaceAllString(s, "1000")
	words := shellWords(s)[2:] // after "docker run"
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "<" && i+1 < len(words):
			i++ // stdin redirection: not an argument
			continue
		case w == "--volumes-from" && i+1 < len(words):
			out = append(out, w, fx.dbstore)
			i++
			continue
		case w == "-v" || w == "--volume" || w == "--mount" || w == "--env-file":
			if i+1 < len(words) {
				out = append(out, w, hostPath(t, w, words[i+1], ws, hostRoot))
				i++
				continue
			}
		case strings.HasPrefix(w, "--volume=") || strings.HasPrefix(w, "--mount="):
			flag, v, _ := strings.Cut(w, "=")
			out = append(out, flag+"="+hostPath(t, flag, v, ws, hostRoot))
			continue
		}
		out = append(out, w)
	}
	return out
}

// hostPath makes the host side of a -v, --mount or --env-file value exist:
// a path that exists on this host is kept (/etc, the engine's socket are
// judged as they are), any other is made under hostRoot (or the workspace,
// when relative) and the value rewritten to it.
func hostPath(t *testing.T, flag, v, ws, hostRoot string) string {
	t.Helper()
	if flag == "--env-file" {
		p := v
		if !filepath.IsAbs(p) {
			p = filepath.Join(ws, p)
		}
		mustExist(t, p, true)
		return v
	}
	var src string
	if flag == "--mount" {
		for _, f := range strings.Split(v, ",") {
			if k, val, ok := strings.Cut(f, "="); ok && (k == "source" || k == "src") {
				src = val
			}
		}
	} else if s, _, ok := strings.Cut(v, ":"); ok {
		src = s
	}
	if src == "" || !(strings.HasPrefix(src, "/") || strings.HasPrefix(src, ".")) {
		return v // a named or anonymous volume
	}
	p := src
	if !filepath.IsAbs(p) {
		p = filepath.Join(ws, p)
	}
	if _, err := os.Lstat(p); err == nil {
		return v
	}
	if filepath.IsAbs(src) && !strings.HasPrefix(src, ws) && !strings.HasPrefix(src, filepath.Dir(ws)) {
		p = filepath.Join(hostRoot, src)
		v = strings.Replace(v, src, p, 1)
	}
	mustExist(t, p, strings.Contains(filepath.Base(p), ".") && !strings.HasPrefix(filepath.Base(p), "."))
	return v
}

func mustExist(t *testing.T, p string, file bool) {
	t.Helper()
	if !file {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// shellWords splits s as sh would for these lines: blanks separate words,
// single and double quotes group (and are removed).
func shellWords(s string) []string {
	var words []string
	var b strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			b.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, b.String())
				b.Reset()
				in = false
			}
		default:
			b.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, b.String())
	}
	return words
}

// runIn runs hardrun in dir with env added.
func runIn(t *testing.T, dir string, env []string, args ...string) cmdResult {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Chdir(wd) }()
	return runCmd(t, "", env, hardrunBin, args...)
}
