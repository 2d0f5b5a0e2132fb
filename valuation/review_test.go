package valuation_test

// Tests of issue 23, item 5: a forecast reviewed against what happened.

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

func mustKey(s string) key.Key {
	k, err := key.Parse(s)
	if err != nil {
		panic(err)
	}
	return k
}

// TestReview reviews the made-up platform's 2025 forecast (100m MAU, 40m DAU × US$20 =
// US$800m of advertising revenue, US$8.00 a share) against three actuals, by hand:
//
//   - MAU 90: 10 below, −10.0% of the forecast, outside a 5% tolerance; MAU is an
//     assumption, and with 90 the part is 90 × 80 = 7,200, US$7.20 a share.
//   - advertising revenue 700: 100 below, −12.5%, no tolerance, so no verdict; revenue is
//     computed by the drivers, so there is no target with it.
//   - 2026 MAU 120: the model forecasts 2025 only: no forecast, no difference.
func TestReview(t *testing.T) {
	m := platform()
	m.Actuals = []valuation.Actual{
		{Key: mustKey("forecast/2025/mau"), Value: d("90"), Source: "annual report 2025, p. 3", Tolerance: d("0.05")},
		{Key: mustKey("forecast/2025/ads/revenue"), Value: d("700"), Source: "annual report 2025, p. 5", Derived: "350 × 2"},
		{Key: mustKey("forecast/2026/mau"), Value: d("120"), Source: "annual report 2026, p. 3"},
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Review) != 3 {
		t.Fatalf("%d review lines, want 3", len(r.Review))
	}
	mau, rev, later := r.Review[0], r.Review[1], r.Review[2]
	if !mau.Forecast.Decimal.Equal(d("100")) || !mau.Difference.Decimal.Equal(d("-10")) || !mau.Pct.Decimal.Equal(d("-0.1")) ||
		mau.Verdict != "outside" || !mau.Target.Valid || !mau.Target.Decimal.Equal(d("7.2")) {
		t.Errorf("MAU: %+v", mau)
	}
	if !rev.Forecast.Decimal.Equal(d("800")) || !rev.Pct.Decimal.Equal(d("-0.125")) || rev.Verdict != "" || rev.Target.Valid ||
		!strings.Contains(rev.Note, "not an assumption") {
		t.Errorf("revenue: %+v", rev)
	}
	if later.Forecast.Valid || later.Difference.Valid || !strings.HasPrefix(later.Note, "no forecast") {
		t.Errorf("2026 MAU: %+v", later)
	}
	if !r.Target.Equal(d("8")) {
		t.Errorf("the review moved the target: %s", r.Target)
	}
	text := r.Text()
	for _, want := range []string{"Forecast review", "[1] forecast/2025/mau", "-10.0%", "outside", "7.2", "[2] annual report 2025, p. 5; 350 × 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text has no %q:\n%s", want, text)
		}
	}
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back valuation.Result
	if err := json.Unmarshal(b, &back); err != nil || len(back.Review) != 3 || back.Review[0].Key != mau.Key || !back.Review[0].Target.Decimal.Equal(d("7.2")) {
		t.Errorf("JSON round trip: %v %+v", err, back.Review)
	}
	m.Actuals = append(m.Actuals, m.Actuals[0])
	if _, err := m.Value(); !errors.Is(err, fault.ErrDuplicateAssumption) {
		t.Errorf("an actual given twice: %v", err)
	}
}

// A forecast reviewed against what was later reported: each actual's difference, its
// verdict against a tolerance, and the target the model gives with the actual in place.
func ExampleResult_ReviewText() {
	m := platform()
	m.Actuals = []valuation.Actual{
		{Key: mustKey("forecast/2025/mau"), Value: d("90"), Source: "annual report 2025, p. 3", Tolerance: d("0.05")},
		{Key: mustKey("forecast/2025/ads/revenue"), Value: d("700"), Source: "annual report 2025, p. 5", Derived: "350 × 2"},
	}
	r, err := m.Value()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(r.ReviewText())
	// Output:
	// Forecast review: what happened
	// Figure                         Forecast  Actual  Difference       %  Verdict  Target with it
	// --------------------------------------------------------------------------------------------
	// [1] forecast/2025/mau               100      90         -10  -10.0%  outside             7.2
	// [2] forecast/2025/ads/revenue       800     700        -100  -12.5%                        -
	// Note: [1] annual report 2025, p. 3; tolerance 5.0%
	// Note: [2] annual report 2025, p. 5; 350 × 2; not an assumption of the model: its drivers compute it
	// Note: Figures in the model's units: money in millions, users in millions, rates as percentages; % is the difference over the forecast
	// Note: Target with it: the target (USD) with the actual in the forecast's place, for a figure that is an assumption; base target 8.0
}

// TestReviewZeroForecast: an actual of 0 against a forecast of 0 with a tolerance of 5%
// is within it, and an actual of 1 outside; the verdict was worked out only of a
// forecast not zero (of which a percentage is), and left empty.
func TestReviewZeroForecast(t *testing.T) {
	for actual, want := range map[string]string{"0": "within", "1": "outside"} {
		m := platform()
		m.Plan.Segments = append(slices.Clone(m.Plan.Segments), segments.Segment{Name: "games", Title: "Games",
			Drivers: map[int]segments.Driver{2025: segments.Advertising{RevenuePerDAU: decimal.Zero}}})
		m.Actuals = []valuation.Actual{{Key: mustKey("forecast/2025/games/revenue"), Value: decimal.RequireFromString(actual), Source: "made up", Tolerance: decimal.RequireFromString("0.05")}}
		r, err := m.Value()
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Review) != 1 || !r.Review[0].Forecast.Valid || !r.Review[0].Forecast.Decimal.IsZero() || r.Review[0].Verdict != want {
			t.Errorf("actual %s against a forecast of 0: %+v, want verdict %s", actual, r.Review, want)
		}
	}
}
