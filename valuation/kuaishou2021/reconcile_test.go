package kuaishou2021_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestPriors2017: the 2018 growth rows are taken over the 2017 figures the report's text
// prints, and are exactly these; each reproduces as printed. The advertising prior is
// the one calibrated within its printed rounding: at the printed 4.7% of 2017 revenue the
// 2018 growth would be 324%, not the printed 326% (Table 8).
func TestPriors2017(t *testing.T) {
	r := value(t)
	var got []string
	var ad valuation.Printed
	for _, c := range r.Reconcile(kuaishou2021.Figures()).Checks {
		if c.Prior == nil {
			continue
		}
		got = append(got, c.Table+" | "+c.Row+" | "+c.Column+" over "+c.Prior.Value.StringFixed(6))
		if c.Err != nil || !c.Match {
			t.Errorf("%s %s %s: computed %s (err %v), printed %s", c.Table, c.Row, c.Column, c.Computed, c.Err, c.Value)
		}
		if c.Table == "Table 8" {
			ad = c.Printed
		}
	}
	// 2017 revenue 777 / 0.093 = 8,354.84 (RMB m, two places); live streaming 95.3% of
	// it, advertising 4.68%; net loss RMB 200亿.
	want := []string{
		"Table 7 | YoY (%) | 2018 over 7962.162520",
		"Table 8 | YoY (%) | 2018 over 391.006512",
		"Table 10 | YoY (%) | 2018 over 8354.840000",
		"Headline | Revenue growth (%) | 2018 over 8354.840000",
		"Headline | Net profit growth (%) | 2018 over -20000.000000",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("priors (-want +got):\n%s", diff)
	}
	printedShare := decimal.RequireFromString("8354.84").Mul(decimal.RequireFromString("0.047"))
	ad.Prior = &valuation.Prior{Value: printedShare}
	c := r.Reconcile([]valuation.Printed{ad}).Checks[0]
	if c.Match || c.Computed.Round(0).StringFixed(0) != "324" {
		t.Errorf("2018 advertising growth over 4.7%% of 2017 revenue: %s (match %t), want 324 and no match", c.Computed, c.Match)
	}
}

// TestRoundingTies: the reconciliation's only computed figures that sit exactly halfway
// between two printable values are the 2018 paying ratio, 11.75% printed 11.8, and the
// 2019 DAU, 175.5m printed 176. Both match because a tie rounds up, away from zero:
// truncating, or rounding a tie towards zero, would print 11.7 and 175. Half to even
// would print them as printed too (8 and 176 are even), so these two do not tell it
// apart from half away from zero.
func TestRoundingTies(t *testing.T) {
	half := decimal.RequireFromString("0.5")
	var got []string
	for _, c := range value(t).Reconcile(kuaishou2021.Figures()).Checks {
		if c.Err != nil {
			continue
		}
		x := c.Computed.Shift(c.Places)
		if !x.Sub(x.Truncate(0)).Abs().Equal(half) {
			continue
		}
		got = append(got, c.Table+" | "+c.Row+" | "+c.Column)
		if !c.Match {
			t.Errorf("%s: %s does not print as %s", c.Row, c.Computed, c.Value)
		}
		if c.Computed.Truncate(c.Places).Equal(c.Value) {
			t.Errorf("%s: %s matches truncated too", c.Row, c.Computed)
		}
		if !c.Computed.RoundBank(c.Places).Equal(c.Value) {
			t.Errorf("%s: %s half to even is %s", c.Row, c.Computed, c.Computed.RoundBank(c.Places))
		}
	}
	want := []string{"Table 7 | Paying ratio (%) | 2018", "Table 8 | Average DAU (m) | 2019"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ties (-want +got):\n%s", diff)
	}
}
