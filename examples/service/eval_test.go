package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// evalBody is a what-if request: the model inline (or a "model_hash": ... member) and
// the rest of the members.
func evalBody(model string, rest string) string {
	if strings.HasPrefix(model, "sha256:") {
		return `{"model_hash": "` + model + `"` + rest + `}`
	}
	return `{"model": ` + model + rest + `}`
}

// TestEval: the what-if routes value the report's model at a point given by key, from
// the model inline and then from its hash, and refuse what is outside their limits,
// each refusal located at the key or member at fault; every answer conforms to
// openapi.json. At 2021E MAU 500 the target is 404.559 × 500 / 571.68 = 353.833 (P/MAU
// is linear in MAU).
func TestEval(t *testing.T) {
	s := newServer(testConfig(), quiet())
	srv := httptest.NewServer(s)
	defer srv.Close()
	kuaishou := string(kuaishou2021.ModelFile())
	first := post(t, srv.URL+"/v1/eval", evalBody(kuaishou, `, "set": {"forecast/2021/mau": "500"}, "outputs": ["target", "upside"], "describe": true`))
	hash, _ := first.json["model_hash"].(string)
	outputs, _ := first.json["outputs"].(map[string]any)
	if first.status != 200 || !strings.HasPrefix(fmt.Sprint(outputs["target"]), "353.833421") || !strings.HasPrefix(hash, "sha256:") {
		t.Fatalf("eval: %d %.400s", first.status, first.body)
	}
	if as, _ := first.json["assumptions"].([]any); len(as) != 60 {
		t.Errorf("%d assumptions described, want the report model's 60", len(as))
	}
	for _, c := range []struct {
		name, path, body string
		status           int
		code, at         string
	}{
		{"by hash", "/v1/eval", evalBody(hash, `, "set": {"forecast/2021/mau": "500"}`), 200, "", ""},
		{"unknown hash", "/v1/eval", evalBody("sha256:"+strings.Repeat("0", 64), ``), 404, "unknown_model", ""},
		{"model and hash", "/v1/eval", `{"model": ` + kuaishou + `, "model_hash": "` + hash + `"}`, 400, "invalid", "$.model"},
		{"neither", "/v1/eval", `{"set": {}}`, 400, "invalid", "$.model"},
		{"unknown member", "/v1/eval", evalBody(hash, `, "sett": {}`), 400, "syntax", ""},
		{"bad model", "/v1/eval", evalBody(strings.Replace(kuaishou, `"4159"`, `4159`, 1), ``), 400, "number", "$.model.shares"},
		{"DAU above MAU", "/v1/eval", evalBody(hash, `, "set": {"forecast/2021/dau": "600"}`), 400, "dau_above_mau", "forecast/2021/dau"},
		{"rate above 1", "/v1/eval", evalBody(hash, `, "set": {"forecast/2021/ecommerce/take_rate": "2"}`), 400, "rate", "forecast/2021/ecommerce/take_rate"},
		{"beyond the decimal bounds", "/v1/eval", evalBody(hash, `, "set": {"forecast/2021/mau": "1e99"}`), 400, "decimal", "forecast/2021/mau"},
		{"not an assumption", "/v1/eval", evalBody(hash, `, "set": {"forecast/2021/ecommerce/gmv": "1"}`), 400, "unknown_assumption", "forecast/2021/ecommerce/gmv"},
		{"not a key", "/v1/eval", evalBody(hash, `, "set": {"forecast//mau": "1"}`), 400, "unknown_figure", "forecast//mau"},
		{"too many", "/v1/eval", evalBody(hash, `, "set": {`+manySet(maxSet+1)+`}`), 413, "too_large", "$.set"},
		{"unknown output", "/v1/eval", evalBody(hash, `, "outputs": ["targte"]`), 400, "unknown_figure", "$.outputs"},
		{"tornado", "/v1/chart", evalBody(hash, `, "chart": "tornado", "set": {"forecast/2021/mau": "500"}`), 200, "", ""},
		{"heatmap", "/v1/chart", evalBody(hash, `, "chart": "heatmap", "x": "fx/USD/HKD", "y": "forecast/2021/mau"`), 200, "", ""},
		{"waterfall", "/v1/chart", evalBody(hash, `, "chart": "waterfall"`), 200, "", ""},
		{"no such chart", "/v1/chart", evalBody(hash, `, "chart": "pie"`), 400, "invalid", "$.chart"},
		{"download", "/v1/download", evalBody(hash, `, "set": {"forecast/2021/mau": "500", "part/ecommerce/premium": "-0.3"}`), 200, "", ""},
		{"download of an average", "/v1/download", evalBody(hash, `, "set": {"part/ecommerce/average": "400"}`), 400, "unsupported", "part/ecommerce/average"},
		{"workbook", "/v1/workbook", evalBody(hash, `, "set": {"forecast/2021/mau": "500"}`), 200, "", ""},
	} {
		r := post(t, srv.URL+c.path, c.body)
		switch {
		case c.status == 200 && r.status != 200:
			t.Errorf("%s: %d %.300s", c.name, r.status, r.body)
		case c.status != 200 && (!r.problem(c.status, c.code) || fmt.Sprint(r.json["path"]) != c.at && c.at != ""):
			t.Errorf("%s: %d %.400s; want %d %s at %s", c.name, r.status, r.body, c.status, c.code, c.at)
		}
		switch c.name {
		case "tornado", "heatmap", "waterfall":
			if !bytes.Contains(r.body, []byte("<svg")) || r.header.Get("Content-Type") != "image/svg+xml" {
				t.Errorf("%s: not an SVG: %.100s", c.name, r.body)
			}
		case "workbook":
			if !bytes.HasPrefix(r.body, []byte("PK")) {
				t.Errorf("workbook: not a zip: %.20q", r.body)
			}
		}
	}
	if n := s.models.prepares.Load(); n != 2 { // the report's, and the one with a bad share count
		t.Errorf("%d models prepared, want 2: one a model, however often it is asked for", n)
	}
}

// manySet is n assumptions set, as JSON members.
func manySet(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `"forecast/%d/mau": "1"`, 1000+i)
	}
	return b.String()
}

// TestModelCache: a model asked for by many clients at once is read and prepared once;
// the cache keeps at most its bound of models, the least recently used going first, and a
// model it let go is prepared again when sent again.
func TestModelCache(t *testing.T) {
	cfg := testConfig()
	cfg.CacheModels = 2
	s := newServer(cfg, quiet())
	srv := httptest.NewServer(s)
	defer srv.Close()
	kuaishou := string(kuaishou2021.ModelFile())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if r := post(t, srv.URL+"/v1/eval", evalBody(kuaishou, ``)); r.status != 200 {
				t.Errorf("%d %.200s", r.status, r.body)
			}
		})
	}
	wg.Wait()
	if n := s.models.prepares.Load(); n != 1 {
		t.Fatalf("8 clients at once: %d prepares, want 1", n)
	}
	// Two more models (the report's with another name) push the report's out.
	hash := hashOf([]byte(kuaishou))
	for _, name := range []string{"A", "B"} {
		other := strings.Replace(kuaishou, `"name": "Kuaishou"`, `"name": "`+name+`"`, 1)
		if r := post(t, srv.URL+"/v1/eval", evalBody(other, ``)); r.status != 200 {
			t.Fatalf("%s: %d", name, r.status)
		}
	}
	if r := post(t, srv.URL+"/v1/eval", evalBody(hash, ``)); !r.problem(404, "unknown_model") {
		t.Errorf("the least recently used model is still held: %d %.200s", r.status, r.body)
	}
	if r := post(t, srv.URL+"/v1/eval", evalBody(kuaishou, ``)); r.status != 200 || s.models.prepares.Load() != 4 {
		t.Errorf("sent again: %d, %d prepares, want 4", r.status, s.models.prepares.Load())
	}
}

// TestCacheEvictsOnlyReady: a model still being prepared is never let go, and the cache's
// books stay straight when models finish out of order: with room for two, A starts, B and
// C finish (pushing nothing out but each other), then A finishes. Before, A was dropped
// from the list while preparing, its heap counted for ever, and a model larger than the
// bound emptied the list and panicked.
func TestCacheEvictsOnlyReady(t *testing.T) {
	c := newModelCache(2, 1<<40)
	release := make(chan struct{})
	started := make(chan struct{})
	c.prepare = func(hash string, raw []byte) (*prepared, error) {
		if hash == "A" {
			close(started)
			<-release
		}
		return &prepared{hash: hash, heap: 100}, nil
	}
	done := make(chan error)
	go func() {
		_, err := c.get(context.Background(), "A", []byte("a"))
		done <- err
	}()
	<-started
	for _, h := range []string{"B", "C"} {
		if _, err := c.get(context.Background(), h, []byte(h)); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byKey) != c.order.Len() || c.order.Len() != 2 || c.held != 200 {
		t.Errorf("byKey %d, listed %d, held %d; want 2, 2, 200", len(c.byKey), c.order.Len(), c.held)
	}
	if _, ok := c.byKey["A"]; !ok {
		t.Error("the model just prepared was let go")
	}
	// One model above the bytes bound is kept alone, without a panic.
	big := newModelCache(2, 10)
	big.prepare = func(hash string, _ []byte) (*prepared, error) { return &prepared{hash: hash, heap: 100}, nil }
	for _, h := range []string{"X", "Y"} {
		if _, err := big.get(context.Background(), h, []byte(h)); err != nil {
			t.Fatal(err)
		}
	}
	if big.order.Len() != 1 || big.held != 100 {
		t.Errorf("above the bound: listed %d, held %d; want the last alone", big.order.Len(), big.held)
	}
}

// TestDescribeBounded: the assumptions of a model too large to rank within rankBudget
// (24 segments of a 40-input driver the file defines, 30 years: 28,860 assumptions) are
// described in the model's order, unranked, rather than valued 57,720 times; its tornado
// swings the first ten (none of which moves this model's fixed parts: a chart error).
func TestDescribeBounded(t *testing.T) {
	var inputs, lines, segs []string
	for i := range 40 {
		inputs = append(inputs, fmt.Sprintf(`{"name": "x%d", "title": "X%d", "unit": "millions", "range": "non_negative"}`, i, i))
		lines = append(lines, fmt.Sprintf("x%d", i))
	}
	years, users := []string{}, []string{}
	for y := 2001; y <= 2030; y++ {
		years = append(years, fmt.Sprint(y))
		users = append(users, fmt.Sprintf(`"%d": {"mau": "100", "dau": "50"}`, y))
	}
	var in []string
	for i := range 40 {
		in = append(in, fmt.Sprintf(`"x%d": "1"`, i))
	}
	yearInputs := []string{}
	for _, y := range years {
		yearInputs = append(yearInputs, `"`+y+`": {`+strings.Join(in, ", ")+`}`)
	}
	var parts []string
	for s := range 24 {
		segs = append(segs, fmt.Sprintf(`{"name": "s%d", "title": "S%d", "driver": "big", "inputs": {%s}}`, s, s, strings.Join(yearInputs, ", ")))
		parts = append(parts, fmt.Sprintf(`{"segment": "s%d", "method": "fixed", "value": "1"}`, s))
	}
	model := `{"format": "sotp/model/v1", "name": "Big", "year": 2030, "currency": "USD", "shares": "1",
	  "drivers": [{"kind": "big", "inputs": [` + strings.Join(inputs, ", ") + `],
	    "lines": [{"name": "revenue", "title": "Revenue", "unit": "millions", "formula": "` + strings.Join(lines, " + ") + `"}]}],
	  "plan": {"currency": "USD", "years": [` + strings.Join(years, ", ") + `], "first_estimate": 2001,
	    "users": {` + strings.Join(users, ", ") + `}, "segments": [` + strings.Join(segs, ", ") + `]},
	  "parts": [` + strings.Join(parts, ", ") + `]}`
	srv := httptest.NewServer(newServer(testConfig(), quiet()))
	defer srv.Close()
	r := post(t, srv.URL+"/v1/eval", evalBody(model, `, "describe": true`))
	as, _ := r.json["assumptions"].([]any)
	if r.status != 200 || len(as) < 28_000 {
		t.Fatalf("%d, %d assumptions: %.300s", r.status, len(as), r.body)
	}
	for i, a := range as[:5] {
		m := a.(map[string]any)
		if m["effect"] != float64(0) || m["rank"] != float64(i+1) {
			t.Errorf("assumption %d ranked: %v", i, m)
		}
	}
	if r := post(t, srv.URL+"/v1/chart", evalBody(fmt.Sprint(r.json["model_hash"]), `, "chart": "tornado"`)); !r.problem(400, "chart") ||
		!strings.Contains(fmt.Sprint(r.json["detail"]), "2001E S0: X0 (USD m)") {
		t.Errorf("tornado of an unranked model: %d %.300s", r.status, r.body)
	}
}
