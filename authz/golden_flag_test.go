package authz

// No golden files here; imported so that go test ./... -update runs in
// every package.
import _ "github.com/hardrun/hardrun/internal/golden"
