package authz

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// The plugin protocol (moby pkg/authorization, api.go): the engine POSTs
// JSON to these paths of the plugin's socket.
const (
	pathActivate = "/Plugin.Activate"
	pathAuthZReq = "/AuthZPlugin.AuthZReq"
	pathAuthZRes = "/AuthZPlugin.AuthZRes"

	// contentType is what Docker's plugin helpers answer with.
	contentType = "application/vnd.docker.plugins.v1.2+json"

	// maxEnvelope bounds what the plugin reads of one call. The engine
	// forwards request bodies under 1 MiB only, base64 in JSON (4/3 of
	// it) plus the headers: anything larger is not from the engine.
	maxEnvelope = 4 << 20
)

// Request is what the engine sends for each API request (AuthZReq) and
// again, with the response, after it (AuthZRes).
type Request struct {
	User            string            `json:"User,omitempty"`
	UserAuthNMethod string            `json:"UserAuthNMethod,omitempty"`
	RequestMethod   string            `json:"RequestMethod,omitempty"`
	RequestURI      string            `json:"RequestUri,omitempty"`
	RequestBody     []byte            `json:"RequestBody,omitempty"` // base64 in JSON
	RequestHeaders  map[string]string `json:"RequestHeaders,omitempty"`

	ResponseStatusCode int    `json:"ResponseStatusCode,omitempty"`
	ResponseBody       []byte `json:"ResponseBody,omitempty"`
}

// Response is the plugin's answer; Err makes the engine fail the request.
type Response struct {
	Allow bool   `json:"Allow"`
	Msg   string `json:"Msg,omitempty"`
	Err   string `json:"Err,omitempty"`
}

// Handler serves the plugin protocol with j.
type Handler struct {
	j *Judge
}

// NewHandler returns the plugin's HTTP handler.
func NewHandler(j *Judge) *Handler { return &Handler{j: j} }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case pathActivate:
		writeJSON(w, map[string][]string{"Implements": {"authz"}})
	case pathAuthZReq:
		writeJSON(w, h.authZReq(r.Context(), r.Body))
	case pathAuthZRes:
		// Responses are not filtered: every decision is made on the request.
		if req, err := DecodeRequest(r.Body); err == nil {
			h.j.Responded(req)
		}
		writeJSON(w, Response{Allow: true})
	default:
		http.NotFound(w, r)
	}
}

// authZReq decodes one call and decides it; a call it cannot read is
// denied with the reason.
func (h *Handler) authZReq(ctx context.Context, body io.Reader) Response {
	req, err := DecodeRequest(body)
	if err != nil {
		d := Decision{Endpoint: "?", Reasons: []string{err.Error()}}
		h.j.logDenial(d)
		return Response{Msg: d.Message()}
	}
	if d := h.j.Decide(ctx, req); !d.Allow {
		return Response{Msg: d.Message()}
	}
	return Response{Allow: true}
}

// DecodeRequest reads one AuthZReq call, at most maxEnvelope bytes.
func DecodeRequest(body io.Reader) (*Request, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxEnvelope+1))
	if err != nil {
		return nil, fmt.Errorf("read authorization request: %w", err)
	}
	if len(data) > maxEnvelope {
		return nil, fmt.Errorf("read authorization request: larger than %d bytes", maxEnvelope)
	}
	var req Request
	if err := json.Unmarshal(data, &req); err != nil {
		return nil, fmt.Errorf("decode authorization request: %w", err)
	}
	return &req, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(v)
}
