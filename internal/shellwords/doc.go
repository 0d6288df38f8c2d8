// Package shellwords splits a command line into words the simple way the
// test corpora and bench scripts write them: blanks separate, '...' and
// "..." group (quotes are removed), no escapes, no expansion.
package shellwords
