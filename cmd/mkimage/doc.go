// Command mkimage builds hardrun's test and demo images through the Engine
// API (no registry needed): `go run ./cmd/mkimage -hardrun bin/hardrun`.
package main
