package main

import (
	_ "embed"
	"net/http"
)

// pageHTML is the what-if page: one file of HTML, CSS and plain JavaScript, no build step
// and nothing fetched from elsewhere. It opens on the report's model (GET
// /v1/models/kuaishou2021) or a model file the user picks, and drives /v1/eval,
// /v1/chart, /v1/download and /v1/workbook.
//
//go:embed page.html
var pageHTML []byte

// page serves the what-if page.
func page(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Everything the page loads is the service's own, or a blob it made.
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'")
	_, _ = w.Write(pageHTML)
}
