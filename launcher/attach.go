package launcher

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/term"

	"github.com/hardrun/hardrun/policy"
)

// defaultDetachKeys is docker's: ctrl-p, ctrl-q.
const defaultDetachKeys = "ctrl-p,ctrl-q"

// attachAndRun is docker run's foreground path: check the created
// container, attach before start (so no output is lost), wait, start, pump
// the streams, proxy signals, and return the container's exit code. A
// container that fails the check or the start is removed. stopWatching
// ends cancelOnInterrupt's watch, just before the start.
func attachAndRun(ctx context.Context, e Engine, l *Launch, plan *policy.Plan, id string, cid *cidFile, tio IO, stopWatching func()) (int, error) {
	cfg := plan.Request.Config
	runCtx := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	s, checkErr, attachErr := beforeStart(ctx, e, l, plan, id)
	if err := cmp.Or(checkErr, attachErr); err != nil {
		cancel()
		discard(e, id, plan)
		if checkErr != nil {
			cid.abandon() // as for a container that could not be created
		}
		return 0, interrupted(runCtx, err)
	}
	stream, waitC, waitErrC := s.stream, s.waitC, s.waitErrC
	if stream != nil {
		defer stream.Close()
	}
	stopWatching()

	restore, err := enterRawMode(cfg, tio)
	if err != nil {
		discard(e, id, plan)
		return 0, err
	}
	defer restore()

	if err := e.ContainerStart(ctx, id); err != nil {
		discard(e, id, plan)
		if ie := interrupted(runCtx, err); ie != err { // just before the watch ended
			return 0, ie
		}
		return 0, &StartError{Err: err}
	}
	if cfg.Tty && tio.OutTTY {
		initialResize(ctx, e, id, tio)
	}
	stopSignals := proxySignals(ctx, e, l, cfg, id, tio)
	defer stopSignals()

	if stream != nil {
		detached, err := pumpStreams(ctx, stream, cfg, l, tio)
		if detached {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
	}
	return waitExit(waitC, waitErrC)
}

// started is what must be in place before a container starts.
type started struct {
	stream   *Stream // nil when nothing is attached
	waitC    <-chan container.WaitResponse
	waitErrC <-chan error
}

// beforeStart checks what the engine recorded for the container, attaches
// to it and registers the wait for its exit, the three at once: each is a
// round trip to the engine, none needs another, and the start needs all
// three. On an error the attached stream is closed (cancel ctx to end the
// wait).
func beforeStart(ctx context.Context, e Engine, l *Launch, plan *policy.Plan, id string) (s started, checkErr, attachErr error) {
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		checkErr = checkCreated(ctx, e, l, plan, id)
	}()
	go func() {
		defer wg.Done()
		s.stream, attachErr = attachStreams(ctx, e, l, plan.Request.Config, id)
	}()
	go func() {
		defer wg.Done()
		s.waitC, s.waitErrC = e.ContainerWait(ctx, id, waitCondition(&plan.Request))
	}()
	wg.Wait()
	if checkErr != nil || attachErr != nil {
		if s.stream != nil {
			s.stream.Close()
		}
		return started{}, checkErr, attachErr
	}
	return s, nil, nil
}

// attachStreams attaches to what the request asks for (-a, -i; docker
// attaches stdout and stderr by default). nil when nothing is attached.
func attachStreams(ctx context.Context, e Engine, l *Launch, cfg *container.Config, id string) (*Stream, error) {
	if !cfg.AttachStdin && !cfg.AttachStdout && !cfg.AttachStderr {
		return nil, nil
	}
	keys := l.DetachKeys
	if keys == "" {
		keys = defaultDetachKeys
	}
	return e.ContainerAttach(ctx, id, AttachOptions{
		Stdin:      cfg.AttachStdin,
		Stdout:     cfg.AttachStdout,
		Stderr:     cfg.AttachStderr,
		DetachKeys: keys,
	})
}

// enterRawMode puts the local terminal in raw mode for -it, so keys (and
// Ctrl-C) reach the container's terminal, and returns the restore function.
func enterRawMode(cfg *container.Config, tio IO) (func(), error) {
	if !cfg.Tty || !cfg.AttachStdin || !tio.InTTY {
		return func() {}, nil
	}
	state, err := term.SetRawTerminal(tio.InFd)
	if err != nil {
		return nil, fmt.Errorf("set terminal raw mode: %w", err)
	}
	return func() { _ = term.RestoreTerminal(tio.InFd, state) }, nil
}

// pumpStreams copies stdin to the container and its output back until the
// output ends. detached is true when the user typed the detach keys.
func pumpStreams(ctx context.Context, s *Stream, cfg *container.Config, l *Launch, tio IO) (detached bool, err error) {
	if tio.Bulk != nil {
		m := &bulkMeter{bulk: tio.Bulk}
		tio.Out, tio.Err = meteredWriter{tio.Out, m}, meteredWriter{tio.Err, m}
		s = &Stream{Conn: meteredConn{s.Conn, m}, Reader: s.Reader}
	}
	outDone := make(chan error, 1)
	go func() { outDone <- copyOutput(s, cfg, tio) }()

	inDone := make(chan error, 1)
	if cfg.AttachStdin && tio.In != nil {
		go func() { inDone <- copyInput(s, l, tio) }()
	}
	for {
		select {
		case err := <-outDone:
			return false, err
		case err := <-inDone:
			var esc term.EscapeError
			if errors.As(err, &esc) {
				return true, nil
			}
			inDone = nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

func copyOutput(s *Stream, cfg *container.Config, tio IO) error {
	var err error
	if cfg.Tty {
		_, err = io.Copy(tio.Out, s.Reader)
	} else {
		_, err = stdcopy.StdCopy(tio.Out, tio.Err, s.Reader)
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// copyInput sends stdin until it ends (then half-closes, so the container
// sees EOF) or the detach keys are typed.
func copyInput(s *Stream, l *Launch, tio IO) error {
	in := tio.In
	if cfg := l.Request.Config; cfg != nil && cfg.Tty && tio.InTTY {
		keys := l.DetachKeys
		if keys == "" {
			keys = defaultDetachKeys
		}
		if b, err := term.ToBytes(keys); err == nil {
			in = term.NewEscapeProxy(in, b)
		}
	}
	_, err := io.Copy(s.Conn, in)
	var esc term.EscapeError
	if errors.As(err, &esc) {
		return err
	}
	return s.CloseWrite()
}

// waitExit returns the container's exit code from the wait call.
func waitExit(waitC <-chan container.WaitResponse, errC <-chan error) (int, error) {
	select {
	case res := <-waitC:
		if res.Error != nil && res.Error.Message != "" {
			return 0, errors.New(res.Error.Message)
		}
		return int(res.StatusCode), nil
	case err := <-errC:
		return 0, fmt.Errorf("wait for container: %w", err)
	}
}

// proxySignals forwards what hardrun receives to the container, as docker's
// --sig-proxy does; SIGWINCH resizes the container's terminal instead.
func proxySignals(ctx context.Context, e Engine, l *Launch, cfg *container.Config, id string, tio IO) func() {
	if tio.Signals == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-tio.Signals:
				forwardSignal(ctx, e, l, cfg, id, tio, sig)
			}
		}
	}()
	return func() { cancel(); wg.Wait() }
}

func forwardSignal(ctx context.Context, e Engine, l *Launch, cfg *container.Config, id string, tio IO, sig os.Signal) {
	s, ok := sig.(syscall.Signal)
	if !ok {
		return
	}
	switch s {
	case syscall.SIGWINCH:
		if cfg.Tty && tio.OutTTY {
			_ = resizeToTerminal(ctx, e, id, tio)
		}
		return
	case syscall.SIGCHLD, syscall.SIGPIPE, syscall.SIGURG:
		// Go's runtime and the terminal use these; docker does not proxy them.
		return
	}
	if !l.SigProxy {
		return
	}
	_ = e.ContainerKill(ctx, id, fmt.Sprintf("%d", int(s)))
}

// resizeToTerminal gives the container's TTY the local terminal's size.
func resizeToTerminal(ctx context.Context, e Engine, id string, tio IO) error {
	ws, err := term.GetWinsize(tio.OutFd)
	if err != nil || ws.Height == 0 || ws.Width == 0 {
		return nil
	}
	return e.ContainerResize(ctx, id, uint(ws.Height), uint(ws.Width))
}

// initialResize sizes the TTY right after start. The engine may not have
// the process's terminal ready yet, so a failure is retried briefly, as
// docker's client does.
func initialResize(ctx context.Context, e Engine, id string, tio IO) {
	for attempt := 1; attempt <= 5; attempt++ {
		if resizeToTerminal(ctx, e, id, tio) == nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
		}
	}
}
