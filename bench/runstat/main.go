package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hardrun/hardrun/internal/shellwords"
)

type command struct {
	label string
	argv  []string
}

// sample is one run (or, with -parallel, one round of P concurrent runs).
type sample struct {
	wall     time.Duration
	cpu      time.Duration // user+sys, summed over the parallel runs
	rssKB    int64         // the largest peak RSS
	failures int
}

type options struct {
	runs, warmup, parallel int
	stdinBytes, outBytes   int64
	expect                 string
}

func main() {
	var o options
	flag.IntVar(&o.runs, "runs", 15, "measured rounds")
	flag.IntVar(&o.warmup, "warmup", 2, "unmeasured rounds first")
	flag.IntVar(&o.parallel, "parallel", 1, "concurrent copies of a command per round")
	flag.Int64Var(&o.stdinBytes, "stdin-bytes", 0, "zero bytes written to each command's stdin")
	flag.Int64Var(&o.outBytes, "stdout-bytes", -1, "bytes each command must write to stdout (-1: any)")
	flag.StringVar(&o.expect, "expect", "", "text each command's stdout must contain")
	flag.Parse()
	cmds, err := parseCommands(flag.Args())
	if err != nil || len(cmds) == 0 {
		fmt.Fprintln(os.Stderr, "usage: runstat [flags] LABEL=COMMAND...", err)
		os.Exit(2)
	}
	samples := measure(cmds, o)
	report(os.Stdout, cmds, samples, o)
}

func parseCommands(args []string) ([]command, error) {
	var cmds []command
	for _, a := range args {
		label, line, ok := strings.Cut(a, "=")
		if !ok || label == "" {
			return nil, fmt.Errorf("%q is not LABEL=COMMAND", a)
		}
		argv, err := shellwords.Split(line)
		if err != nil || len(argv) == 0 {
			return nil, fmt.Errorf("command %s: %v", label, err)
		}
		cmds = append(cmds, command{label: label, argv: argv})
	}
	return cmds, nil
}

// measure runs warmup+runs interleaved rounds; samples[c] are command c's.
func measure(cmds []command, o options) [][]sample {
	samples := make([][]sample, len(cmds))
	for round := -o.warmup; round < o.runs; round++ {
		for k := range cmds {
			c := (k + max(round, 0)) % len(cmds)
			s := runRound(cmds[c], o)
			if round >= 0 {
				samples[c] = append(samples[c], s)
			}
		}
	}
	return samples
}

// runRound starts o.parallel copies of c at once and waits for all.
func runRound(c command, o options) sample {
	var mu sync.Mutex
	var s sample
	var wg sync.WaitGroup
	start := time.Now()
	for range o.parallel {
		wg.Go(func() {
			cpu, rss, err := runOnce(c, o)
			mu.Lock()
			defer mu.Unlock()
			s.cpu += cpu
			s.rssKB = max(s.rssKB, rss)
			if err != nil {
				s.failures++
				fmt.Fprintf(os.Stderr, "runstat: %s: %v\n", c.label, err)
			}
		})
	}
	wg.Wait()
	s.wall = time.Since(start)
	return s
}

// runOnce runs c once: its CPU time, its peak RSS in KiB, and whether it
// failed (non-zero exit, or stdout not what -stdout-bytes/-expect ask).
func runOnce(c command, o options) (time.Duration, int64, error) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &limited{w: &stderr, n: 4096}
	if o.stdinBytes > 0 {
		cmd.Stdin = io.LimitReader(zeros{}, o.stdinBytes)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	var head bytes.Buffer
	n, _ := io.CopyBuffer(&limited{w: &head, n: 4096}, out, make([]byte, 256<<10))
	err = cmd.Wait()
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var cpu time.Duration
	var rss int64
	if ru != nil {
		cpu = time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime))
		rss = ru.Maxrss
	}
	switch {
	case err != nil:
		err = fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	case o.outBytes >= 0 && n != o.outBytes:
		err = fmt.Errorf("wrote %d bytes to stdout, want %d", n, o.outBytes)
	case o.expect != "" && !strings.Contains(head.String(), o.expect):
		err = fmt.Errorf("stdout %q does not contain %q", head.String(), o.expect)
	}
	return cpu, rss, err
}

// limited keeps the first n bytes written and discards (but counts) the rest.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(l.n, len(p))
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func median[T int64 | time.Duration | float64](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func field[T any](ss []sample, f func(sample) T) []T {
	out := make([]T, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }

// report prints a markdown table, then the first command's ratios.
func report(w io.Writer, cmds []command, samples [][]sample, o options) {
	fmt.Fprintf(w, "runs=%d (interleaved, after %d warm-up) parallel=%d\n\n", o.runs, o.warmup, o.parallel)
	hdr := "| command | wall median ms | wall min–max ms | CPU user+sys median ms | peak RSS median MiB | failures |"
	sep := "|---|---:|---:|---:|---:|---:|"
	bytesMoved := max(o.stdinBytes, o.outBytes)
	if bytesMoved > 0 {
		hdr += " MB/s (median wall) |"
		sep += "---:|"
	}
	fmt.Fprintln(w, hdr)
	fmt.Fprintln(w, sep)
	for c, ss := range samples {
		walls := field(ss, func(s sample) time.Duration { return s.wall })
		fails := 0
		for _, s := range ss {
			fails += s.failures
		}
		row := fmt.Sprintf("| %s | %s | %s–%s | %s | %.1f | %d |", cmds[c].label, ms(median(walls)),
			ms(slices.Min(walls)), ms(slices.Max(walls)),
			ms(median(field(ss, func(s sample) time.Duration { return s.cpu }))),
			float64(median(field(ss, func(s sample) int64 { return s.rssKB })))/1024, fails)
		if bytesMoved > 0 {
			row += fmt.Sprintf(" %.0f |", float64(bytesMoved*int64(o.parallel))/1e6/median(walls).Seconds())
		}
		fmt.Fprintln(w, row)
	}
	fmt.Fprintln(w)
	for c := 1; c < len(cmds); c++ {
		ratio := func(f func(sample) float64) (float64, float64) {
			var paired []float64
			for i := range samples[0] {
				paired = append(paired, f(samples[0][i])/f(samples[c][i]))
			}
			return median(field(samples[0], func(s sample) float64 { return f(s) })) /
				median(field(samples[c], func(s sample) float64 { return f(s) })), median(paired)
		}
		wr, wp := ratio(func(s sample) float64 { return float64(s.wall) })
		cr, _ := ratio(func(s sample) float64 { return float64(s.cpu) })
		rr, _ := ratio(func(s sample) float64 { return float64(s.rssKB) })
		fmt.Fprintf(w, "%s / %s: wall %.3f× (median of paired rounds %.3f×), CPU %.2f×, peak RSS %.2f×\n",
			cmds[0].label, cmds[c].label, wr, wp, cr, rr)
	}
}
