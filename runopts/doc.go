// Package runopts translates `docker run` options into an Engine API create
// request (policy.Request) exactly as docker's own client would: its value
// syntax, its client-side validation and the fields each API version takes.
// It applies no policy and talks to no engine; cmd/hardrun fills RunOptions
// from the flags and the judge takes the request from here.
package runopts
