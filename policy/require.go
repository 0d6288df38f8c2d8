package policy

import "strings"

// RequireOnly returns req marked so that Evaluate judges every field as the
// caller's explicit choice: a requirement the request does not meet is a
// refusal rather than a default applied. The engine-side authorization
// plugin judges a request as the engine will run it, and can change
// nothing, so "the caller said nothing" does not exist there; every default
// Evaluate still applies (a Change) is something the request lacks.
//
// Every docker flag that sets a request field counts as given, and so does
// readonly=false of each --mount (an Engine API mount cannot tell it from
// no mode). --use-api-socket does not: it is a client-side flag whose bind
// the judge sees, and judges, like any other.
func RequireOnly(req Request) Request {
	set := make(map[string]bool, len(flagNames)+8)
	for _, f := range flagNames {
		if long, ok := longFlag(f); ok {
			set[long] = true
		}
	}
	delete(set, "use-api-socket")
	if req.HostConfig != nil {
		for _, m := range req.HostConfig.Mounts {
			set["mount-rw:"+m.Target] = true
		}
	}
	req.Set = set
	return req
}

// shortFlags are the long names of the short spellings flagNames uses.
var shortFlags = map[string]string{
	"-a": "attach", "-i": "interactive", "-t": "tty", "-e": "env",
	"-v": "volume", "-p": "publish", "-P": "publish-all",
}

// longFlag is the Set key of a docker flag as flagNames spells it; false
// for what is not a flag (IMAGE, Engine-API-only fields).
func longFlag(f string) (string, bool) {
	if long, ok := shortFlags[f]; ok {
		return long, true
	}
	if name, ok := strings.CutPrefix(f, "--"); ok {
		return name, true
	}
	return "", false
}
