package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// FuzzHandler sends the handler requests of any method, path, content type and body and
// asserts a well-formed answer: no panic and no 500 (a recovered panic or a result that
// cannot be encoded is a bug), a status the service gives, and a body that is
// the route's JSON on 200 or an RFC 9457 problem of the same status otherwise.
func FuzzHandler(f *testing.F) {
	f.Add("POST", "/v1/value", "application/json", string(kuaishou2021.ModelFile()))
	f.Add("POST", "/v1/value", "", `{"format": "sotp/model/v1"}`)
	f.Add("POST", "/v1/run", "application/json", `{"format": "sotp/run/v1", "model_file": "m.json", "seek": {}}`)
	f.Add("POST", "/v1/run", "text/plain", `{}`)
	f.Add("GET", "/healthz", "", "")
	f.Add("GET", "/v1/value", "", "")
	f.Add("POST", "/v1/eval", "application/json", `{"model": `+string(kuaishou2021.ModelFile())+`, "set": {"forecast/2021/mau": "500"}, "describe": true}`)
	f.Add("POST", "/v1/chart", "application/json", `{"model_hash": "sha256:00", "chart": "heatmap", "x": "shares"}`)
	f.Add("PUT", "/openapi.json", "application/problem+json", "[")
	f.Add("POST", "/x/../v1/value", "application/json; charset=\"", "\xff")
	cfg := testConfig()
	cfg.Timeout, cfg.MaxPoints = 2*time.Second, 10_000
	s := newServer(cfg, quiet())
	valid := map[int]bool{200: true, 400: true, 404: true, 405: true, 408: true, 413: true, 415: true, 503: true, 504: true} // not 500: a recovered panic or an unencodable result is a bug
	f.Fuzz(func(t *testing.T, method, path, contentType, body string) {
		u, err := url.ParseRequestURI(path)
		if err != nil || !validMethod(method) || !strings.HasPrefix(path, "/") || strings.ContainsFunc(path, unicode.IsSpace) {
			return // not a request line net/http would parse
		}
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Method, req.URL, req.RequestURI = method, u, path
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		code, ct, b := w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()
		switch {
		case !valid[code] && code != http.StatusMovedPermanently && code != http.StatusTemporaryRedirect:
			t.Fatalf("%s %s: status %d", method, path, code)
		case code == 200 && method != "HEAD" && (len(b) == 0 || ct == "application/json" && !json.Valid(b)):
			t.Fatalf("%s %s: 200 with a body of %d bytes that is not JSON", method, path, len(b))
		case code >= 400:
			var p problemJSON
			if ct != "application/problem+json" || json.NewDecoder(bytes.NewReader(b)).Decode(&p) != nil || p.Status != code || p.Code == "" || p.Title == "" {
				t.Fatalf("%s %s: %d %q %.200s: not a problem of its status", method, path, code, ct, b)
			}
		}
	})
}

// validMethod reports a token net/http takes as a method.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, r := range m {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r) {
			return false
		}
	}
	return true
}
