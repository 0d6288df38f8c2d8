package launcher

// Every test binary accepts -update (go test ./... -update), golden files
// or not.
import _ "github.com/hardrun/hardrun/internal/golden"
