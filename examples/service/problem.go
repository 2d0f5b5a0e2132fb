package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

// Codes of the problems the service itself finds, beside those of sotp's sentinels
// (fault.Code: "rate", "too_many_points", "too_large", "syntax", ...) and of errors that
// wrap none (fault.ToJSON: "file", "deadline", "canceled", "internal").
const (
	codeBusy         = "busy"          // 503: every slot taken and the queue full
	codeMediaType    = "media_type"    // 415: a body that is not declared JSON
	codeReadTimeout  = "read_timeout"  // 408: the body did not arrive in time
	codeNotFound     = "not_found"     // 404
	codeMethod       = "method"        // 405
	codeInternal     = "internal"      // 500: a bug; the log has it
	codeEncode       = "encode"        // 500: a result that could not be written as JSON
	codeUnknownModel = "unknown_model" // 404: a model hash the cache does not hold: send the model
)

// title is a problem type's title: the sentinel's message for sotp's codes.
func title(status int, code string) string {
	switch code {
	case codeBusy:
		return "server busy"
	case codeMediaType:
		return "unsupported media type"
	case codeReadTimeout:
		return "request body timed out"
	case codeNotFound:
		return "no such route"
	case codeMethod:
		return "method not allowed"
	case codeInternal:
		return "internal error"
	case codeEncode:
		return "result cannot be encoded"
	case codeUnknownModel:
		return "unknown model"
	case "file":
		return "file error"
	case "deadline":
		return "deadline exceeded"
	case "canceled":
		return "request canceled"
	}
	if s, ok := fault.ByCode(code); ok {
		return s.Error()
	}
	return http.StatusText(status)
}

// problemType is the URI naming a problem type: a tag URI (RFC 4151), an identifier
// that is never dereferenced, one per code.
func problemType(code string) string { return "tag:sotpkit.github.io,2026:problem:" + code }

// problemJSON is an RFC 9457 problem detail object: the problem type (one per code), its
// title, the HTTP status and this occurrence's detail, with sotp's code and the location
// members of fault.JSON as extension members.
type problemJSON struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	Detail  string `json:"detail"`
	Code    string `json:"code"`
	Path    string `json:"path,omitempty"`
	File    string `json:"file,omitempty"`
	Set     string `json:"set,omitempty"`
	Ticker  string `json:"ticker,omitempty"`
	Segment string `json:"segment,omitempty"`
	Year    int    `json:"year,omitempty"`
	Line    string `json:"line,omitempty"`
	Method  string `json:"method,omitempty"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`

	retryAfter string // the Retry-After header's seconds, for a 503
}

// problem is a problem of the given status and code, with a detail.
func problem(status int, code, detail string) problemJSON {
	return problemJSON{Type: problemType(code), Title: title(status, code), Status: status, Detail: detail, Code: code}
}

// errorProblem is the problem of err, located as fault.ToJSON locates it; code, when
// set, overrides err's own.
func errorProblem(status int, code string, err error) problemJSON {
	j := fault.ToJSON(err)
	if code == "" {
		code = j.Code
	}
	p := problem(status, code, j.Error)
	if j.Path == "" {
		j.Path = innermostKey(err) // an assumption's error, located by its key only
	}
	p.Path, p.File, p.Set, p.Ticker, p.Segment, p.Year = j.Path, j.File, j.Set, j.Ticker, j.Segment, j.Year
	p.Line, p.Method, p.Field, p.Value = j.Line, j.Method, j.Field, j.Value
	return p
}

// innermostKey is the key of the innermost *fault.Error in err's chain that has a
// complete one, in text, or "".
func innermostKey(err error) string {
	var k key.Key
	for e := err; e != nil; e = errors.Unwrap(e) {
		if fe, ok := e.(*fault.Error); ok && fe.Key.Complete() {
			k = fe.Key
		}
	}
	if k.Space == 0 {
		return ""
	}
	return k.String()
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, p problemJSON) {
	b, err := json.Marshal(p)
	if err != nil { // a struct of strings and ints: cannot happen
		b = []byte(`{"type":"` + problemType(codeInternal) + `","title":"internal error","status":500,"detail":"","code":"internal"}`)
		p.Status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	if p.retryAfter != "" {
		h.Set("Retry-After", p.retryAfter)
	}
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(b, '\n'))
}
