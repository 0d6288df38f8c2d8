// Package integration drives the real hardrun binary against a real Docker
// Engine and asserts what is actually in force inside the containers.
package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardrun/hardrun/internal/testimage"
	"github.com/moby/moby/client"
)

// testLabel marks every container a test makes; the run fails if one is
// left over at the end.
const testLabel = "io.hardrun.test"

var (
	// runID tells this test process's containers from another's, so two
	// runs on one engine never remove each other's containers.
	runID      = fmt.Sprintf("%d", os.Getpid())
	hardrunBin string // the static binary under test
	engineErr  error  // why no engine answers (tests skip outside CI)
	inCI       = os.Getenv("CI") == "true"
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	engineErr = pingEngine()
	if engineErr != nil && inCI {
		fmt.Fprintf(os.Stderr, "integration: CI=true but no Docker Engine answers: %v\n", engineErr)
		return 1
	}
	if engineErr == nil {
		if err := setup(); err != nil {
			fmt.Fprintf(os.Stderr, "integration: setup: %v\n", err)
			return 1
		}
	}
	code := m.Run()
	if engineErr == nil {
		if err := leftovers(); err != nil {
			fmt.Fprintf(os.Stderr, "integration: %v\n", err)
			return 1
		}
	}
	return code
}

func pingEngine() error {
	c, err := client.New(client.FromEnv)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = c.Ping(ctx, client.PingOptions{})
	return err
}

// setup builds the binary (unless HARDRUN_BIN names one) and the images.
func setup() error {
	hardrunBin = os.Getenv("HARDRUN_BIN")
	if hardrunBin == "" {
		dir, err := os.MkdirTemp("", "hardrun-it")
		if err != nil {
			return err
		}
		hardrunBin = filepath.Join(dir, "hardrun")
		// As the Makefile builds it: static, pure Go.
		cmd := exec.Command("go", "build", "-tags", "netgo,osusergo", "-o", hardrunBin, "../cmd/hardrun")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build hardrun: %v\n%s", err, out)
		}
	}
	abs, err := filepath.Abs(hardrunBin)
	if err != nil {
		return err
	}
	hardrunBin = abs
	c, err := client.New(client.FromEnv)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return testimage.Build(ctx, c, testimage.Options{Hardrun: hardrunBin}, testimage.Images())
}

// leftovers fails the run when a labelled container survived its test,
// and removes it so the next run starts clean.
func leftovers() error {
	out, err := exec.Command("docker", "ps", "-a", "--filter", "label="+testLabel,
		"--format", `{{.ID}} {{.Label "`+testLabel+`"}}`).Output()
	if err != nil {
		return fmt.Errorf("list leftover containers: %w", err)
	}
	var ids []string
	for _, line := range strings.Split(string(out), "\n") {
		id, value, ok := strings.Cut(line, " ")
		if ok && strings.HasPrefix(value, runID+".") {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_ = exec.Command("docker", append([]string{"rm", "-f", "-v"}, ids...)...).Run()
	return fmt.Errorf("%d labelled container(s) left over by the tests: %s", len(ids), strings.Join(ids, " "))
}

// requireEngine skips (outside CI) when no engine answers.
func requireEngine(t *testing.T) {
	t.Helper()
	if engineErr != nil {
		t.Skipf("no Docker Engine answers: %v", engineErr)
	}
}

type cmdResult struct {
	Stdout, Stderr string
	Code           int
}

func (r cmdResult) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
}

// runCmd runs name with args, stdin empty, and a 2-minute limit.
func runCmd(t *testing.T, stdin string, env []string, name string, args ...string) cmdResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := cmdResult{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.Code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s %v: %v", name, args, err)
	}
	return res
}

// runHardrun runs the binary under test.
func runHardrun(t *testing.T, args ...string) cmdResult {
	t.Helper()
	return runCmd(t, "", nil, hardrunBin, args...)
}

// runDocker runs the real docker CLI.
func runDocker(t *testing.T, args ...string) cmdResult {
	t.Helper()
	return runCmd(t, "", nil, "docker", args...)
}

// labelValue identifies the containers of test t in this run.
func labelValue(t *testing.T) string {
	return runID + "." + strings.ReplaceAll(t.Name(), "/", ".")
}

// labelled returns the test label flag for a container of test t.
func labelled(t *testing.T) string {
	return "--label=" + testLabel + "=" + labelValue(t)
}

// containersOf lists the containers test t made (to assert none was created).
func containersOf(t *testing.T) []string {
	t.Helper()
	r := runDocker(t, "ps", "-aq", "--filter", "label="+testLabel+"="+labelValue(t))
	return strings.Fields(r.Stdout)
}
