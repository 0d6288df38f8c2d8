package policy

import (
	"fmt"
	"strconv"

	units "github.com/docker/go-units"
)

// Sizes come in docker's units: a number of bytes, or a number with a
// binary unit (b, k, m, g, t, p; 1k = 1024). Style.md convention 13: the
// --mount reader parses them here, and the judge, the post-create check and
// audit spell them with FormatSize. (A profile's sizes are checked more
// strictly by profiles.ParseSize, which also rejects what docker would
// misread, such as "1e3".)

// ParseSize reads a size as docker's CLI does (go-units RAMInBytes).
func ParseSize(s string) (int64, error) {
	n, err := units.RAMInBytes(s)
	if err != nil {
		return 0, fmt.Errorf("parse size %q: %w", s, err)
	}
	return n, nil
}

// FormatSize spells bytes in the largest binary unit that divides them:
// 1g, 64m; a number of bytes otherwise (0 included).
func FormatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"t", 1 << 40}, {"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
