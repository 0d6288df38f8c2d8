// Package scribble is for tests that prove a function's output shares no
// memory with its input: scribble over every reachable value of the
// output, then compare the input with an independently built copy. It is
// the oracle that does not depend on the deep copy under test.
package scribble
