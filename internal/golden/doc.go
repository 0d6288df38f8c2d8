// Package golden is the one golden-file helper of the tests. Importing it
// registers the -update flag, so `go test ./... -update` refreshes every
// package's golden files; a package without golden files imports it too
// (blank), so that no test binary rejects the flag.
package golden
