// Command runstat runs commands side by side, interleaved, and reports the
// median wall time, CPU time (user+sys, from the kernel's rusage of the
// process, microsecond resolution) and peak RSS of each, with the first
// command's ratio to every other. The bench/*.sh scripts share it.
//
//	runstat [-runs N] [-warmup W] [-parallel P] [-stdin-bytes N]
//	        [-stdout-bytes N] [-expect TEXT] LABEL=COMMAND...
//
// COMMAND is split on blanks; '...' and "..." group words. Round i runs
// every command once, starting from command i mod k, so no command always
// runs first (cold caches) or last. Each command's stdin is fed N zero bytes
// (-stdin-bytes) or is empty; its stdout is read through a pipe and counted.
package main
