package launcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/network"

	"github.com/hardrun/hardrun/policy"
	"github.com/hardrun/hardrun/runopts"
)

// testLaunch is a launch whose plan is the request itself, and an engine
// whose inspect echoes what was created, so Check passes unless a test
// changes one side.
func testLaunch(t *testing.T) (*Launch, *fakeEngine) {
	t.Helper()
	req := policy.Request{
		Config:     &container.Config{Image: "hardrun-test/root:latest", AttachStdout: true, AttachStderr: true},
		HostConfig: &container.HostConfig{},
	}
	l := &Launch{
		Request:  req,
		SigProxy: true,
		Pull:     runopts.PullMissing,
		Plan: func(_ context.Context, r policy.Request, _ policy.ImageFacts) (*policy.Plan, error) {
			return &policy.Plan{Request: r}, nil
		},
	}
	var created *policy.Request
	f := &fakeEngine{}
	f.createFn = func(r *policy.Request) (string, []string, error) { created = r; return "c0ffee", nil, nil }
	f.inspectFn = func(string) (container.InspectResponse, error) {
		return container.InspectResponse{ID: "c0ffee", Config: created.Config, HostConfig: created.HostConfig}, nil
	}
	return l, f
}

func testIO() (IO, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return IO{In: strings.NewReader(""), Out: &out, Err: &errb}, &out, &errb
}

func TestRunRefusalCreatesNothing(t *testing.T) {
	l, f := testLaunch(t)
	l.Plan = func(context.Context, policy.Request, policy.ImageFacts) (*policy.Plan, error) {
		return nil, fmt.Errorf("profile: %w", policy.ErrRefused)
	}
	tio, _, _ := testIO()
	_, err := Run(context.Background(), f, l, tio)
	if !errors.Is(err, policy.ErrRefused) {
		t.Fatalf("err = %v, want policy.ErrRefused", err)
	}
	if strings.Contains(f.called(), "create") {
		t.Errorf("engine calls %q include a create", f.called())
	}
}

func TestRunStartFailureRemovesContainer(t *testing.T) {
	l, f := testLaunch(t)
	f.startFn = func(string) error {
		return errors.New(`exec: "nope": executable file not found in $PATH`)
	}
	tio, _, _ := testIO()
	_, err := Run(context.Background(), f, l, tio)
	var se *StartError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a StartError", err)
	}
	if !strings.HasSuffix(f.called(), "start remove") {
		t.Errorf("engine calls %q: want the container removed after the failed start", f.called())
	}
}

func TestRunDetachedStartFailureRemovesContainer(t *testing.T) {
	l, f := testLaunch(t)
	l.Detach = true
	f.startFn = func(string) error { return errors.New("boom") }
	tio, out, _ := testIO()
	if _, err := Run(context.Background(), f, l, tio); err == nil {
		t.Fatal("want an error")
	}
	if !strings.HasSuffix(f.called(), "start remove") {
		t.Errorf("engine calls %q: want a remove after the failed start", f.called())
	}
	if out.Len() != 0 {
		t.Errorf("printed %q for a container that did not start", out.String())
	}
}

func TestRunMismatchRemovesContainer(t *testing.T) {
	l, f := testLaunch(t)
	l.Plan = func(_ context.Context, r policy.Request, _ policy.ImageFacts) (*policy.Plan, error) {
		p := &policy.Plan{Request: r}
		p.Request.HostConfig = &container.HostConfig{ReadonlyRootfs: true, CapDrop: []string{"ALL"}}
		return p, nil
	}
	f.inspectFn = func(string) (container.InspectResponse, error) {
		// The engine "forgot" both settings.
		return container.InspectResponse{ID: "c0ffee", Config: l.Request.Config, HostConfig: &container.HostConfig{}}, nil
	}
	client, server := net.Pipe()
	defer server.Close()
	f.attachFn = func(string) (*Stream, error) { return &Stream{Conn: client, Reader: client}, nil }
	tio, _, _ := testIO()
	_, err := Run(context.Background(), f, l, tio)
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want a MismatchError", err)
	}
	// The check, the attach and the wait run at once: their order varies.
	if calls := f.called(); strings.Contains(calls, "start") || !strings.Contains(calls, "inspect") || !strings.HasSuffix(calls, "remove") {
		t.Errorf("engine calls %q: want an inspect, then a remove, never a start", calls)
	}
	_ = client.SetWriteDeadline(time.Now().Add(time.Second)) // an open pipe would block
	if _, err := client.Write([]byte("x")); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("the attached stream is still open after the mismatch (write: %v)", err)
	}
}

// TestRunAttachFailureRemovesContainer: a container whose attach fails is
// removed and never started, whatever the check says.
func TestRunAttachFailureRemovesContainer(t *testing.T) {
	l, f := testLaunch(t)
	f.attachFn = func(string) (*Stream, error) { return nil, errors.New("attach refused") }
	tio, _, _ := testIO()
	_, err := Run(context.Background(), f, l, tio)
	if err == nil || !strings.Contains(err.Error(), "attach refused") {
		t.Fatalf("err = %v, want the attach error", err)
	}
	if calls := f.called(); strings.Contains(calls, "start") || !strings.HasSuffix(calls, "remove") {
		t.Errorf("engine calls %q: want a remove, never a start", calls)
	}
}

func TestRunPullPolicies(t *testing.T) {
	missing := func(string) (image.InspectResponse, error) {
		return image.InspectResponse{}, fmt.Errorf("image: %w", ErrNoSuchObject)
	}
	tests := []struct {
		name      string
		pull      string
		inspect   func(string) (image.InspectResponse, error)
		wantCalls string // prefix of the engine calls
		wantErr   string
	}{
		{name: "missing and present does not pull", pull: runopts.PullMissing, inspect: nil, wantCalls: "image-inspect:hardrun-test/root:latest create"},
		{name: "never and absent fails", pull: runopts.PullNever, inspect: missing, wantErr: "No such image: hardrun-test/root:latest"},
		{name: "always pulls first", pull: runopts.PullAlways, wantCalls: "pull:docker.io/hardrun-test/root:latest image-inspect:hardrun-test/root:latest create"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, f := testLaunch(t)
			l.Pull = tt.pull
			f.imageInspectFn = tt.inspect
			tio, _, _ := testIO()
			_, err := Run(context.Background(), f, l, tio)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(f.called(), "create") {
					t.Errorf("engine calls %q include a create", f.called())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(f.called(), tt.wantCalls) {
				t.Errorf("engine calls %q, want prefix %q", f.called(), tt.wantCalls)
			}
		})
	}
}

func TestRunMissingImageIsPulledThenCreated(t *testing.T) {
	l, f := testLaunch(t)
	pulled := false
	f.imageInspectFn = func(string) (image.InspectResponse, error) {
		if !pulled {
			return image.InspectResponse{}, ErrNoSuchObject
		}
		return image.InspectResponse{ID: "sha256:x"}, nil
	}
	tio, _, errb := testIO()
	f.imagePullFn = func(context.Context, string) (io.ReadCloser, error) {
		pulled = true
		return io.NopCloser(strings.NewReader(`{"status":"Downloaded newer image"}` + "\n")), nil
	}
	if _, err := Run(context.Background(), f, l, tio); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "Unable to find image 'hardrun-test/root:latest' locally") {
		t.Errorf("stderr %q lacks docker's notice", errb.String())
	}
	if !strings.Contains(f.called(), "pull:docker.io/hardrun-test/root:latest image-inspect:hardrun-test/root:latest create") {
		t.Errorf("engine calls %q", f.called())
	}
}

func TestRunExitCodeAndWaitCondition(t *testing.T) {
	for _, rm := range []bool{false, true} {
		t.Run(fmt.Sprintf("rm=%v", rm), func(t *testing.T) {
			l, f := testLaunch(t)
			l.Request.HostConfig.AutoRemove = rm
			f.waitFn = func(string, container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
				c := make(chan container.WaitResponse, 1)
				c <- container.WaitResponse{StatusCode: 42}
				return c, make(chan error)
			}
			tio, _, _ := testIO()
			code, err := Run(context.Background(), f, l, tio)
			if err != nil || code != 42 {
				t.Fatalf("Run = %d, %v; want 42", code, err)
			}
			want := "wait:next-exit"
			if rm {
				want = "wait:removed"
			}
			if !strings.Contains(f.called(), want) {
				t.Errorf("engine calls %q lack %q", f.called(), want)
			}
			if strings.Index(f.called(), "attach") > strings.Index(f.called(), "start") {
				t.Errorf("engine calls %q: attach must come before start", f.called())
			}
		})
	}
}

func TestRunDetachPrintsID(t *testing.T) {
	l, f := testLaunch(t)
	l.Detach = true
	tio, out, _ := testIO()
	if _, err := Run(context.Background(), f, l, tio); err != nil {
		t.Fatal(err)
	}
	if out.String() != "c0ffee\n" {
		t.Errorf("stdout %q, want the ID", out.String())
	}
	if strings.Contains(f.called(), "attach") {
		t.Errorf("engine calls %q: -d must not attach", f.called())
	}
}

func TestRunCIDFile(t *testing.T) {
	t.Run("written after create", func(t *testing.T) {
		l, f := testLaunch(t)
		l.Detach = true
		l.CIDFile = filepath.Join(t.TempDir(), "cid")
		tio, _, _ := testIO()
		if _, err := Run(context.Background(), f, l, tio); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(l.CIDFile)
		if err != nil || string(b) != "c0ffee" {
			t.Errorf("cidfile = %q, %v", b, err)
		}
	})
	t.Run("existing file refused before create", func(t *testing.T) {
		l, f := testLaunch(t)
		l.CIDFile = filepath.Join(t.TempDir(), "cid")
		if err := os.WriteFile(l.CIDFile, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		tio, _, _ := testIO()
		if _, err := Run(context.Background(), f, l, tio); err == nil || !strings.Contains(err.Error(), "container ID file found") {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(f.called(), "create") {
			t.Errorf("engine calls %q include a create", f.called())
		}
	})
	t.Run("removed when create fails", func(t *testing.T) {
		l, f := testLaunch(t)
		l.CIDFile = filepath.Join(t.TempDir(), "cid")
		f.createFn = func(*policy.Request) (string, []string, error) { return "", nil, errors.New("conflict") }
		tio, _, _ := testIO()
		if _, err := Run(context.Background(), f, l, tio); err == nil {
			t.Fatal("want an error")
		}
		if _, err := os.Stat(l.CIDFile); !os.IsNotExist(err) {
			t.Errorf("cidfile still there: %v", err)
		}
	})
}

func TestEnsureIsolatedNetwork(t *testing.T) {
	t.Run("created when missing, icc off", func(t *testing.T) {
		f := &fakeEngine{}
		f.networkFn = func(string) (network.Inspect, error) { return network.Inspect{}, ErrNoSuchObject }
		var opts NetworkOptions
		f.netCreateFn = func(_ string, o NetworkOptions) error { opts = o; return nil }
		if err := ensureIsolatedNetwork(context.Background(), f, "hardrun-isolated"); err != nil {
			t.Fatal(err)
		}
		if opts.Options["com.docker.network.bridge.enable_icc"] != "false" || opts.Driver != "bridge" {
			t.Errorf("network options %+v", opts)
		}
	})
	t.Run("lost race is fine", func(t *testing.T) {
		f := &fakeEngine{}
		n := 0
		f.networkFn = func(string) (network.Inspect, error) {
			n++
			if n == 1 {
				return network.Inspect{}, ErrNoSuchObject
			}
			return isolatedNetwork(), nil
		}
		f.netCreateFn = func(string, NetworkOptions) error { return errors.New("already exists") }
		if err := ensureIsolatedNetwork(context.Background(), f, "hardrun-isolated"); err != nil {
			t.Fatal(err)
		}
	})
}

// ctxReader blocks until its context ends, as a pull's HTTP body does.
type ctxReader struct{ ctx context.Context }

func (r ctxReader) Read([]byte) (int, error) { <-r.ctx.Done(); return 0, r.ctx.Err() }
func (r ctxReader) Close() error             { return nil }

func TestRunInterruptDuringPullLeavesNothing(t *testing.T) {
	l, f := testLaunch(t)
	l.Pull = runopts.PullAlways
	pulling := make(chan struct{})
	f.imagePullFn = func(ctx context.Context, _ string) (io.ReadCloser, error) {
		close(pulling)
		return ctxReader{ctx}, nil
	}
	sigc := make(chan os.Signal, 1)
	tio, _, _ := testIO()
	tio.Signals = sigc
	go func() { <-pulling; sigc <- syscall.SIGINT }()
	_, err := Run(context.Background(), f, l, tio)
	var ie *InterruptedError
	if !errors.As(err, &ie) || ie.Signal != syscall.SIGINT {
		t.Fatalf("err = %v, want the pull interrupted by SIGINT", err)
	}
	if strings.Contains(f.called(), "create") {
		t.Errorf("engine calls %q include a create", f.called())
	}
}

func isolatedNetwork() network.Inspect {
	var n network.Inspect
	n.Driver = "bridge"
	n.Options = map[string]string{"com.docker.network.bridge.enable_icc": "false"}
	return n
}

func TestEnsureIsolatedNetworkRefusesAnImpostor(t *testing.T) {
	tests := map[string]func(*network.Inspect){
		"icc on":       func(n *network.Inspect) { n.Options = map[string]string{} },
		"other driver": func(n *network.Inspect) { n.Driver = "macvlan" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			f := &fakeEngine{}
			f.networkFn = func(string) (network.Inspect, error) {
				n := isolatedNetwork()
				mutate(&n)
				return n, nil
			}
			err := ensureIsolatedNetwork(context.Background(), f, "hardrun-isolated")
			if err == nil || !strings.Contains(err.Error(), "not isolated") {
				t.Fatalf("err = %v, want a refusal of the impostor network", err)
			}
		})
	}
	f := &fakeEngine{}
	f.networkFn = func(string) (network.Inspect, error) { return isolatedNetwork(), nil }
	if err := ensureIsolatedNetwork(context.Background(), f, "hardrun-isolated"); err != nil {
		t.Errorf("the real isolated network: %v", err)
	}
}

// TestBulkMeter: IO.Bulk is called once, when the streams together have
// carried bulkBytes, and not for less.
func TestBulkMeter(t *testing.T) {
	calls := 0
	m := &bulkMeter{bulk: func() { calls++ }}
	out := meteredWriter{io.Discard, m}
	client, server := net.Pipe()
	defer server.Close()
	go func() { _, _ = io.Copy(io.Discard, server) }()
	in := meteredConn{client, m}
	if _, err := out.Write(make([]byte, bulkBytes/2)); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Write(make([]byte, bulkBytes/2-1)); err != nil {
		t.Fatal(err)
	}
	if calls != 0 {
		t.Fatalf("Bulk called after %d bytes, before %d", bulkBytes-1, bulkBytes)
	}
	for range 3 {
		if _, err := out.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 1 {
		t.Errorf("Bulk called %d times after %d bytes, want once", calls, bulkBytes+2)
	}
}

// TestRunCallsBulkForLargeOutput: a container that writes bulkBytes or
// more makes Run call IO.Bulk once; one that writes a line does not.
func TestRunCallsBulkForLargeOutput(t *testing.T) {
	for _, size := range []int{12, 2 * bulkBytes} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			l, f := testLaunch(t)
			l.Request.Config.Tty = true // plain output, no multiplexing
			f.attachFn = func(string) (*Stream, error) {
				client, server := net.Pipe()
				go func() {
					_, _ = server.Write(make([]byte, size))
					server.Close()
				}()
				return &Stream{Conn: client, Reader: client}, nil
			}
			tio, out, _ := testIO()
			calls := 0
			tio.Bulk = func() { calls++ }
			if _, err := Run(context.Background(), f, l, tio); err != nil {
				t.Fatal(err)
			}
			if out.Len() != size {
				t.Fatalf("copied %d bytes, want %d", out.Len(), size)
			}
			if want := size / bulkBytes; min(want, 1) != calls {
				t.Errorf("Bulk called %d times for %d bytes", calls, size)
			}
		})
	}
}
