package authz

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// logDenial writes one line per denial, for ops to grep:
//
//	2025-01-02T15:04:05Z hardrun-authz deny endpoint="POST /containers/create" container="web" profile="default" reason="..."
func (j *Judge) logDenial(d Decision) {
	line := fmt.Sprintf("%s hardrun-authz deny endpoint=%s container=%s profile=%s reason=%s\n",
		j.now().UTC().Format(time.RFC3339), strconv.Quote(d.Endpoint), strconv.Quote(d.Container),
		strconv.Quote(d.Profile), strconv.Quote(strings.Join(d.Reasons, "; ")))
	j.logMu.Lock()
	defer j.logMu.Unlock()
	_, _ = j.log.Write([]byte(line))
}
