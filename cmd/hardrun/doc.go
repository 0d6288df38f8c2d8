// Command hardrun is a hardened drop-in for `docker run` (see README.md and
// the contract). This package is the thin command tree: the urfave/cli
// commands, docker's global flags and endpoint, `docker run` flag parsing
// into runopts.RunOptions, the wiring of the engine (package launcher), the
// judge (package policy), audit and verify, and the exit codes, decided
// once, in run. It is the only package that calls os.Exit or imports the
// CLI library.
//
// It also owns the process-wide performance machinery that only a
// command may set: one processor and one CPU until the container has
// started (affinity.go), and the start gate that subscribes to signals
// while the engine creates (run.go startGate). Each says what it buys;
// the figures are in BENCHMARKS.md.
package main
