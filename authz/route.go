package authz

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// kind is what the plugin does with an endpoint.
type kind int

const (
	kindRead         kind = iota // GET, HEAD: passes
	kindPass                     // a write that cannot widen a container
	kindCreate                   // POST /containers/create
	kindExec                     // POST /containers/{id}/exec
	kindUpdate                   // POST /containers/{id}/update
	kindStart                    // POST /containers/{id}/start
	kindConnect                  // POST /networks/{id}/connect
	kindVolumeCreate             // POST /volumes/create
	kindBuild                    // POST /build
	kindPlugin                   // plugin pull, enable, set, create, upgrade
	kindService                  // service create, update
)

// route is a parsed request URI.
type route struct {
	kind   kind
	method string
	path   string // clean, without the version prefix
	id     string // the container, network or plugin the path names
	query  url.Values
}

// endpoint names the route in the log: "POST /containers/create".
func (r route) endpoint() string { return r.method + " " + r.path }

// versionPrefix is the engine router's /v{version:[0-9.]+} prefix.
var versionPrefix = regexp.MustCompile(`^/v[0-9.]+(/|$)`)

// errUnknownEndpoint is wrapped for a write the plugin does not know.
var errUnknownEndpoint = errors.New("unknown write endpoint: denied until hardrun knows what it does")

// parseRoute reads method and URI as the engine's router will: the path
// percent-decoded, cleaned, and without the API version prefix.
func parseRoute(method, uri string) (route, error) {
	r := route{method: strings.ToUpper(method)}
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return r, fmt.Errorf("parse request URI %q: %w", uri, err)
	}
	p := path.Clean("/" + u.Path)
	if loc := versionPrefix.FindStringIndex(p); loc != nil {
		p = path.Clean("/" + p[loc[1]:])
	}
	r.path, r.query = p, u.Query()
	switch r.method {
	case "GET", "HEAD":
		r.kind = kindRead
		return r, nil
	case "POST", "PUT", "DELETE":
	default:
		return r, fmt.Errorf("method %s: %w", r.method, errUnknownEndpoint)
	}
	seg := strings.Split(strings.TrimPrefix(p, "/"), "/")
	k, id, ok := classify(r.method, seg)
	if !ok {
		return r, fmt.Errorf("%s %s: %w", r.method, p, errUnknownEndpoint)
	}
	r.kind, r.id = k, id
	return r, nil
}

// classify maps a write's path segments to its kind.
func classify(method string, seg []string) (kind, string, bool) {
	switch seg[0] {
	case "containers":
		return classifyContainer(method, seg)
	case "exec":
		return kindPass, "", len(seg) == 3 && method == "POST" && (seg[2] == "start" || seg[2] == "resize")
	case "images":
		return kindPass, "", true // pull, load, tag, push, remove, prune: image trust is not judged here
	case "networks":
		return classifyNetwork(method, seg)
	case "volumes":
		return classifyVolume(method, seg)
	case "plugins":
		return classifyPlugin(method, seg)
	case "services":
		return kindService, "", len(seg) >= 2
	case "build":
		if len(seg) == 1 && method == "POST" {
			return kindBuild, "", true
		}
		return kindPass, "", len(seg) == 2 && (seg[1] == "prune" || seg[1] == "cancel")
	case "commit", "auth", "session", "grpc":
		// commit makes an image, auth checks credentials, session and
		// grpc carry BuildKit's build (its options come through /build).
		return kindPass, "", len(seg) == 1 && method == "POST"
	}
	return 0, "", false
}

// containerPass are the container writes that cannot widen a container.
var containerPass = map[string]bool{
	"stop": true, "restart": true, "kill": true, "wait": true, "pause": true, "unpause": true,
	"attach": true, "resize": true, "rename": true,
}

func classifyContainer(method string, seg []string) (kind, string, bool) {
	switch {
	case len(seg) == 2 && method == "POST" && seg[1] == "create":
		return kindCreate, "", true
	case len(seg) == 2 && method == "POST" && seg[1] == "prune":
		return kindPass, "", true
	case len(seg) == 2 && method == "DELETE":
		return kindPass, seg[1], true
	case len(seg) != 3:
		return 0, "", false
	case method == "PUT" && seg[2] == "archive":
		return kindPass, seg[1], true // docker cp into the container's own file system
	case method != "POST":
		return 0, "", false
	}
	switch seg[2] {
	case "exec":
		return kindExec, seg[1], true
	case "update":
		return kindUpdate, seg[1], true
	case "start":
		return kindStart, seg[1], true
	}
	return kindPass, seg[1], containerPass[seg[2]]
}

func classifyNetwork(method string, seg []string) (kind, string, bool) {
	switch {
	case len(seg) == 2 && method == "POST" && (seg[1] == "create" || seg[1] == "prune"):
		return kindPass, "", true // a network only widens a container that connects to it
	case len(seg) == 2 && method == "DELETE":
		return kindPass, seg[1], true
	case len(seg) == 3 && method == "POST" && seg[2] == "connect":
		return kindConnect, seg[1], true
	case len(seg) == 3 && method == "POST" && seg[2] == "disconnect":
		return kindPass, seg[1], true
	}
	return 0, "", false
}

func classifyVolume(method string, seg []string) (kind, string, bool) {
	switch {
	case len(seg) == 2 && method == "POST" && seg[1] == "create":
		return kindVolumeCreate, "", true
	case len(seg) == 2 && method == "POST" && seg[1] == "prune":
		return kindPass, "", true
	case len(seg) == 2 && method == "DELETE":
		return kindPass, seg[1], true
	}
	return 0, "", false
}

// classifyPlugin: installing, enabling, configuring or upgrading a plugin
// gives it the privileges it asks for; disabling, removing or pushing one
// does not.
func classifyPlugin(method string, seg []string) (kind, string, bool) {
	switch {
	case len(seg) == 2 && method == "POST" && (seg[1] == "pull" || seg[1] == "create"):
		return kindPlugin, "", true
	case len(seg) >= 2 && method == "DELETE":
		return kindPass, strings.Join(seg[1:], "/"), true
	case len(seg) >= 3 && method == "POST":
		// A plugin's name may hold slashes (vieux/sshfs:latest).
		name := strings.Join(seg[1:len(seg)-1], "/")
		switch seg[len(seg)-1] {
		case "enable", "set", "upgrade":
			return kindPlugin, name, true
		case "disable", "push":
			return kindPass, name, true
		}
	}
	return 0, "", false
}
