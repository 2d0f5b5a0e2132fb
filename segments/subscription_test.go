package segments_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation/modelfile"
	"github.com/sotpkit/sotp/valuation/sensitivity"
)

// TestSubscription works the fourth driver model out by hand: 200m MAU × 10% = 20m
// subscribers; × US$20 a month × 12 = US$4,800m revenue.
func TestSubscription(t *testing.T) {
	lines, err := segments.Evaluate(segments.Subscription{SubscriberRatio: d("0.1"), MonthlyFee: d("20")}, segments.Users{MAU: d("200"), DAU: d("80")})
	if err != nil {
		t.Fatal(err)
	}
	if got := value(t, lines, segments.Subscribers); !got.Equal(d("20")) {
		t.Errorf("subscribers %s, want 20", got)
	}
	if got := value(t, lines, segments.Revenue); !got.Equal(d("4800")) {
		t.Errorf("revenue %s, want 4800", got)
	}
	if _, err := segments.Evaluate(segments.Subscription{SubscriberRatio: d("1.1"), MonthlyFee: d("20")}, segments.Users{MAU: d("200")}); err == nil {
		t.Error("a subscriber ratio of 110% forecast")
	}
}

// TestSubscriptionEndToEnd reads testdata/streamco.json, a made-up company whose
// membership segment is a Subscription, and values it through everything that reads a
// driver's Spec, none of which names the model: the model file decoder, Model.Value, the
// prepared model's exact kernel and the float64 program.
//
// By hand, 2025: membership 20m subscribers × US$1,000 (250,000 / 250m, Sub A's market
// value per subscriber) = US$20,000m; advertising on MAU 200m × US$100 (60,000 / 600m)
// = US$20,000m; sum US$40,000m over 1,000m shares = US$40.0 a share.
func TestSubscriptionEndToEnd(t *testing.T) {
	f, err := os.Open("testdata/streamco.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := modelfile.Read(f, os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"forecast/2025/membership/subscribers": "20",
		"forecast/2025/membership/revenue":     "4800",
		"forecast/2024/membership/revenue":     "3499.2", // 180 × 9% × 18 × 12
		"part/membership/value":                "20000",
		"target":                               "40",
	} {
		if got, err := r.Figure(key); err != nil || !got.Equal(d(want)) {
			t.Errorf("%s = %s, %v; want %s", key, got, err, want)
		}
	}
	e, err := sensitivity.New(m, sensitivity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ratio := "forecast/2025/membership/subscriber_ratio"
	if b, err := e.Base(ratio); err != nil || !b.Equal(d("0.1")) {
		t.Fatalf("assumption %s: %s, %v", ratio, b, err)
	}
	// A grid through the exact kernel: at 15%, 30m subscribers are worth US$30,000m and
	// the target is US$50.0; at 120% the point is invalid (a rate above 1).
	g, err := e.Grid(context.Background(), []string{"target"}, sensitivity.Axis{Name: ratio, Values: []decimal.Decimal{d("0.15"), d("1.2")}})
	if err != nil {
		t.Fatal(err)
	}
	if c := g.Cells[0]; c.Err != nil || !c.Values[0].Equal(d("50")) {
		t.Errorf("target at 15%%: %v, %v; want 50", c.Values, c.Err)
	}
	if g.Cells[1].Err == nil {
		t.Error("a subscriber ratio of 120% was valued")
	}
	if text := g.Text("target"); !strings.Contains(text, "15.0%") {
		t.Errorf("the ratio does not print as 15.0%% in the grid:\n%s", text)
	}
	// The float64 program: target = 20 + 200 × ratio, exactly linear, so a
	// Monte Carlo mean over a uniform ratio on [0.05, 0.15] is 40 within sampling error.
	s, err := e.MonteCarlo(context.Background(), sensitivity.MonteCarlo{Output: "target",
		Inputs: []sensitivity.Variable{{Name: ratio, Dist: distuv.Uniform{Min: 0.05, Max: 0.15}}}, Draws: 20000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Mean < 39.9 || s.Mean > 40.1 {
		t.Errorf("Monte Carlo mean %g, want 40 ± 0.1", s.Mean)
	}
	// And back to a model file, by kind.
	var out strings.Builder
	if err := modelfile.Write(&out, m); err != nil || !strings.Contains(out.String(), `"driver": "subscription"`) {
		t.Errorf("written as %s, %v", out.String(), err)
	}
}
