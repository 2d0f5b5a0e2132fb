package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/run"
)

var d = decimal.RequireFromString

func readRun(t *testing.T, doc string) (run.Report, error) {
	t.Helper()
	return run.Read(context.Background(), strings.NewReader(doc), os.DirFS("../modelfile/testdata"))
}

// TestReadRun runs testdata/run.json, which names testdata/model.json (one advertising
// segment at 100m MAU, a HK$23.3 target): every analysis comes back, the grid with its
// invalid cells (DAU above MAU), the goal seek on the line through the target, and the
// result writes as JSON.
func TestReadRun(t *testing.T) {
	b, err := os.ReadFile("../modelfile/testdata/run.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := readRun(t, string(b))
	if err != nil {
		t.Fatal(err)
	}
	if r.Grid == nil || len(r.Grid.Cells) != 15 || len(r.Grid.Axes[0].Values) != 5 {
		t.Fatalf("grid %+v", r.Grid)
	}
	invalid := 0
	for _, c := range r.Grid.Cells {
		if errors.Is(c.Err, fault.ErrDAUAboveMAU) {
			invalid++
		}
	}
	if invalid != 5 { // DAU 200 above every MAU of the axis
		t.Errorf("%d cells with DAU above MAU, want 5", invalid)
	}
	if len(r.Tornado) != 1 || len(r.Tornado[0].Bars) != 2 || r.Scenarios == nil || len(r.Scenarios.Cells) != 2 || r.Scenarios.Cells[1].Err == nil {
		t.Errorf("tornado %+v, scenarios %+v", r.Tornado, r.Scenarios)
	}
	// The target is linear in MAU through the origin, so the seek lands on 50 within its
	// tolerance, at 100m × 50 / the base target.
	if r.Seek == nil || r.Seek.Output.Sub(d("50")).Abs().GreaterThan(d("0.000000001")) ||
		r.Seek.Value.Sub(d("5000").DivRound(r.Result.Target, 16)).Abs().GreaterThan(d("0.000001")) {
		t.Errorf("seek %+v, want the target at 50", r.Seek)
	}
	if len(r.MonteCarlo) != 1 || r.MonteCarlo[0].Valid != 2000 || len(r.Sobol) != 1 || len(r.Sobol[0].Inputs) != 2 {
		t.Errorf("monte carlo %+v, sobol %+v", r.MonteCarlo, r.Sobol)
	}
	// Under P/MAU the target does not depend on DAU: its effects are exactly 0; more
	// shares lower it.
	if len(r.Morris) != 1 || len(r.Morris[0].Inputs) != 3 || r.Morris[0].Inputs[0].MuStar <= 0 ||
		r.Morris[0].Inputs[1].MuStar != 0 || r.Morris[0].Inputs[2].Mu >= 0 {
		t.Errorf("morris %+v", r.Morris)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"result":`, `"grid":`, `"tornado":`, `"scenarios":`, `"seek":`, `"monte_carlo":`, `"sobol":`, `"morris":`, `"mu_star":`, `"code":"dau_above_mau"`} {
		if !strings.Contains(string(out), key) {
			t.Errorf("the run's JSON lacks %s", key)
		}
	}
}

// TestRunErrors: a bad run file is an error at the JSON path of what is wrong, decoded as
// strictly as a model file.
func TestRunErrors(t *testing.T) {
	base, err := os.ReadFile("../modelfile/testdata/run.json")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(from, to string) string {
		if !strings.Contains(string(base), from) {
			t.Fatalf("run.json has no %q", from)
		}
		return strings.Replace(string(base), from, to, 1)
	}
	for _, c := range []struct {
		name string
		doc  string
		want error
		at   string
	}{
		{"wrong format", edit(`"sotp/run/v1"`, `"sotp/run/v2"`), fault.ErrInvalid, "$.format"},
		{"no model", edit(`"model_file": "model.json",`, ``), fault.ErrInvalid, "$.model"},
		{"model outside the directory", edit(`"model.json"`, `"../model.json"`), fault.ErrInvalid, "$.model_file"},
		{"model missing", edit(`"model.json"`, `"nope.json"`), nil, "$.model_file"},
		{"unknown field", edit(`"sampling": "latin_hypercube"`, `"sampling": "latin_hypercube", "lsh": true`), fault.ErrUnknownField, "$.monte_carlo.lsh"},
		{"axis with values and steps", edit(`"values": ["40", "50", "200"]`, `"values": ["40"], "steps": 3`), fault.ErrInvalid, "$.grid.axes[1]"},
		{"swing with pct and low", edit(`"pct": "0.1"`, `"pct": "0.1", "low": "1"`), fault.ErrInvalid, "$.tornado.swings[0]"},
		{"float for a decimal", edit(`"target": "50"`, `"target": 50`), fault.ErrNumber, "$.seek.target"},
		{"unknown assumption", edit(`"name": "forecast/2025/dau", "values"`, `"name": "forecast/2025/wau", "values"`), fault.ErrUnknownAssumption, "$.grid"},
		{"unknown distribution", edit(`"dist": "normal"`, `"dist": "cauchy"`), fault.ErrDistribution, "$.monte_carlo.inputs[0].dist"},
		{"bad sigma", edit(`"sigma": "10"`, `"sigma": "-10"`), fault.ErrDistribution, "$.monte_carlo.inputs[0].params"},
		{"missing parameter", edit(`"mode": "100"`, `"mod": "100"`), fault.ErrUnknownField, `$.sobol.inputs[0].params.mod`},
		{"asymmetric correlation", edit(`["0.3", "1"]`, `["0.4", "1"]`), fault.ErrDistribution, "$.monte_carlo.correlation[0][1]"},
		// A short second row was read across by the first row's symmetry check: a panic.
		{"short correlation row", edit(`["0.3", "1"]]`, `[]]`), fault.ErrDistribution, "$.monte_carlo.correlation[1]"},
		{"too many points", edit(`"max_points": 100000`, `"max_points": 10`), fault.ErrTooManyPoints, "$.grid"},
		{"no analysis", `{"format": "sotp/run/v1", "model_file": "model.json"}`, fault.ErrInvalid, "$"},
		{"the progress field", edit(`"format": "sotp/run/v1",`, `"format": "sotp/run/v1", "-": 1,`), fault.ErrUnknownField, `$["-"]`},
	} {
		_, err := readRun(t, c.doc)
		var fe *fault.Error
		if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !errors.As(err, &fe) || fe.Path != c.at {
			t.Errorf("%s: %v (path %q), want %v at %s", c.name, err, pathOf(fe), c.want, c.at)
		}
	}
}

func pathOf(fe *fault.Error) string {
	if fe == nil {
		return ""
	}
	return fe.Path
}

// TestRunInlineModel: a run may carry its model inline; the model's errors are located
// under $.model.
func TestRunInlineModel(t *testing.T) {
	model, err := os.ReadFile("../../segments/testdata/streamco.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"format": "sotp/run/v1", "model": ` + string(model) + `,
	  "seek": {"assumption": "forecast/2025/membership/subscriber_ratio", "output": "target", "target": "45", "low": "0.05", "high": "0.5"}}`
	r, err := readRun(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	// target = (20,000 + 200m MAU × ratio × US$1,000) / 1,000m shares = 20 + 200 × ratio: 45 at 12.5%.
	if r.Seek == nil || r.Seek.Value.Sub(d("0.125")).Abs().GreaterThan(d("0.000000001")) {
		t.Errorf("seek %+v, want 0.125", r.Seek)
	}
	// Weighted cases: 25% at 5% subscribers (US$30), 50% base (US$40), 25% at 20% (US$60):
	// 7.5 + 20 + 15 = US$42.50.
	wdoc := `{"format": "sotp/run/v1", "model": ` + string(model) + `, "weighted": [
	  {"name": "bear", "weight": "0.25", "set": {"forecast/2025/membership/subscriber_ratio": "0.05"}},
	  {"name": "base", "weight": "0.5"},
	  {"name": "bull", "weight": "0.25", "set": {"forecast/2025/membership/subscriber_ratio": "0.2"}}]}`
	wr, err := readRun(t, wdoc)
	if err != nil {
		t.Fatal(err)
	}
	if wr.Weighted == nil || !wr.Weighted.Target.Equal(d("42.5")) {
		t.Errorf("weighted %+v, want 42.5", wr.Weighted)
	}
	if _, err := readRun(t, strings.Replace(wdoc, `"weight": "0.5"`, `"weight": "0.4"`, 1)); !errors.Is(err, fault.ErrWeight) {
		t.Errorf("weights of 0.9: %v, want ErrWeight", err)
	}
	bad := strings.Replace(doc, `"subscriber_ratio": "0.1"`, `"subscriber_ratio": "1.1"`, 1)
	_, err = readRun(t, bad)
	var fe *fault.Error
	if !errors.Is(err, fault.ErrRate) || !errors.As(err, &fe) || fe.Path != `$.model.plan.segments[0].inputs["2025"].subscriber_ratio` {
		t.Errorf("bad inline model: %v", err)
	}
}

// FuzzDecodeRun checks that no run file crashes the decoder.
func FuzzDecodeRun(f *testing.F) {
	b, err := os.ReadFile("../modelfile/testdata/run.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"format": "sotp/run/v1", "model_file": "m.json", "grid": {"outputs": [], "axes": [{"name": "x", "from": "1", "to": "2", "steps": 2}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = run.Decode(strings.NewReader(string(data)))
	})
}

// TestOutputsEverywhere: the tornado and the Monte Carlo run take outputs, as every
// analysis does, one result an output; the one output of files written before (issue 24)
// is still read, gives the same result, and the run warns that it is deprecated.
func TestOutputsEverywhere(t *testing.T) {
	b, err := os.ReadFile("../modelfile/testdata/run.json")
	if err != nil {
		t.Fatal(err)
	}
	two := strings.ReplaceAll(string(b), `"outputs": ["target"],
    "swings"`, `"outputs": ["target", "part/ads/value"],
    "swings"`)
	two = strings.Replace(two, `"outputs": ["target"],
    "inputs": [
      {"name": "forecast/2025/mau", "dist": "normal"`, `"outputs": ["target", "sum"],
    "inputs": [
      {"name": "forecast/2025/mau", "dist": "normal"`, 1)
	r, err := readRun(t, two)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tornado) != 2 || r.Tornado[1].Output != "part/ads/value" || len(r.MonteCarlo) != 2 || r.MonteCarlo[1].Output != "sum" || len(r.Warnings) != 0 {
		t.Fatalf("tornados %d, summaries %d, warnings %v; want 2, 2, none", len(r.Tornado), len(r.MonteCarlo), r.Warnings)
	}
	old := strings.ReplaceAll(string(b), `"outputs": ["target"],
    "swings"`, `"output": "target",
    "swings"`)
	old = strings.Replace(old, `"outputs": ["target"],
    "inputs": [
      {"name": "forecast/2025/mau", "dist": "normal"`, `"output": "target",
    "inputs": [
      {"name": "forecast/2025/mau", "dist": "normal"`, 1)
	o, err := readRun(t, old)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Warnings) != 2 || o.Warnings[0].Code != run.WarnDeprecated || !strings.Contains(o.Warnings[0].Message, "$.tornado.output is deprecated") ||
		o.MonteCarlo[0].Mean != r.MonteCarlo[0].Mean || !o.Tornado[0].Base.Equal(r.Tornado[0].Base) {
		t.Errorf("deprecated spelling: warnings %v, mean %v against %v", o.Warnings, o.MonteCarlo[0].Mean, r.MonteCarlo[0].Mean)
	}
	both := strings.Replace(string(b), `"outputs": ["target"],
    "swings"`, `"outputs": ["target"], "output": "target",
    "swings"`, 1)
	if _, err := run.Decode(strings.NewReader(both)); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("output and outputs: %v, want fault.ErrInvalid", err)
	}
}

// TestMonteCarloPrecisionInRunFiles: a run file's Monte Carlo section takes a precision of
// the mean (mean_half_width, mean_relative, confidence) and of percentiles, and its
// summary says what it reached; two precisions of the mean at once, or a percentile out
// of (0, 1), are refused at the section's path.
func TestMonteCarloPrecisionInRunFiles(t *testing.T) {
	b, err := os.ReadFile("../modelfile/testdata/run.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(b), `"draws": 2000`, `"draws": 50000, "mean_relative": "0.001", "confidence": "0.9"`, 1)
	doc = strings.Replace(doc, `"sampling": "latin_hypercube"`, `"sampling": "plain"`, 1) // strata depend on the draws
	r, err := readRun(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	s := r.MonteCarlo[0]
	if s.HalfWidth <= 0 || s.HalfWidth > 0.001*s.Mean || s.Draws%4096 != 0 || s.Draws >= 50000 || s.Unmet {
		t.Errorf("summary %d draws, mean %g ± %g, unmet %v", s.Draws, s.Mean, s.HalfWidth, s.Unmet)
	}
	both := strings.Replace(doc, `"confidence": "0.9"`, `"mean_half_width": "1"`, 1)
	if _, err := readRun(t, both); !errors.Is(err, fault.ErrOption) || !strings.Contains(err.Error(), "$.monte_carlo") {
		t.Errorf("both precisions: %v", err)
	}
	pct := strings.Replace(doc, `"confidence": "0.9"`, `"confidence": "0.9", "percentiles": [{"p": "0.05", "relative": "0.005"}, {"p": "0.5"}]`, 1)
	if r, err = readRun(t, pct); err != nil {
		t.Fatal(err)
	}
	s = r.MonteCarlo[0]
	if p := s.Precision; len(p) != 3 || p[1].P != 0.05 || p[1].Value != s.P5 || p[1].Hi-p[1].Lo > 0.01*p[1].Value || !p[1].Met || p[2].Value != s.P50 || s.Unmet || s.Draws >= 50000 {
		t.Errorf("percentiles to a precision: %d draws, %+v", s.Draws, s.Precision)
	}
	out := strings.Replace(pct, `"p": "0.5"`, `"p": "1"`, 1)
	if _, err := readRun(t, out); !errors.Is(err, fault.ErrInvalid) || !strings.Contains(err.Error(), "$.monte_carlo.percentiles[1].p") {
		t.Errorf("percentile 1: %v, want fault.ErrInvalid at $.monte_carlo.percentiles[1].p", err)
	}
}
