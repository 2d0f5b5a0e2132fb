package valuation_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/earnings"
	"github.com/sotpkit/sotp/valuation/fault"
)

// withLoss is madeUp with a one-year P&L: revenue 6,000 (live) + 2,000 (ads) = 8,000, one
// expense of 10,500, so a net loss of 2,500 on 1,000m shares.
func withLoss(t *testing.T) valuation.Result {
	t.Helper()
	m := madeUp()
	fx, err := comps.NewFX(
		comps.Rate{From: comps.USD, To: comps.HKD, Rate: d("7.8")},
		comps.Rate{From: comps.CNY, To: comps.HKD, Rate: d("1.2")},
	)
	if err != nil {
		t.Fatal(err)
	}
	m.FX = fx
	m.Earnings = earnings.PnL{
		Lines: []earnings.LineItem{{Name: "opex", Label: "Operating expenses", Kind: earnings.Expense,
			Years: map[int]earnings.Value{2025: earnings.Amount(d("10500"))}}},
		Shares: map[int]decimal.Decimal{2025: d("1000")},
	}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReconcilePrior: a growth over a year before the result's first is taken over the
// printed prior, by the convention of the figure's own space, worked here by hand.
func TestReconcilePrior(t *testing.T) {
	r := withLoss(t)
	prior := func(v string) *valuation.Prior { return &valuation.Prior{Value: d(v), Source: "by hand"} }
	for _, c := range []struct {
		name, reason, key string
		prior             *valuation.Prior
		places, shift     int32
		want              string // the computed figure, in printed units
	}{
		{"group revenue", "8,000 / 6,400 - 1 = 25%", "forecast/2025/revenue/growth", prior("6400"), 0, 2, "25"},
		{"segment revenue", "live 6,000 / 4,000 - 1 = 50%", "forecast/2025/live/revenue/growth", prior("4000"), 0, 2, "50"},
		{"segment driver", "ARPPU 50 / 40 - 1 = 25%", "forecast/2025/live/monthly_arppu/growth", prior("40"), 0, 2, "25"},
		{"loss narrows", "(-2,500 - -4,000) / |-4,000| = +37.5%, where -2,500 / -4,000 - 1 would be -37.5%",
			"pnl/2025/net_profit/growth", prior("-4000"), 1, 2, "37.5"},
		{"loss widens", "(-2,500 - -2,000) / |-2,000| = -25%, where -2,500 / -2,000 - 1 would be +25%",
			"pnl/2025/net_profit/growth", prior("-2000"), 0, 2, "-25"},
		{"profit to loss", "(-2,500 - 500) / 500 = -600%", "pnl/2025/net_profit/growth", prior("500"), 0, 2, "-600"},
		{"P&L revenue", "8,000 / 5,000 - 1 = 60%", "pnl/2025/revenue/growth", prior("5000"), 0, 2, "60"},
		{"forecast over a negative prior", "the forecast's own convention, cur / prior - 1: 8,000 / -8,000 - 1 = -200%",
			"forecast/2025/revenue/growth", prior("-8000"), 0, 2, "-200"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := r.Reconcile([]valuation.Printed{{Key: c.key, Value: d(c.want), Places: c.places, Shift: c.shift, Prior: c.prior}})
			got := rc.Checks[0]
			if got.Err != nil || !got.Match || !got.Computed.Equal(d(c.want)) {
				t.Errorf("%s: computed %s (err %v, match %t), want %s", c.reason, got.Computed, got.Err, got.Match, c.want)
			}
		})
	}
}

// TestReconcilePriorErrors: a prior that cannot give a growth is an error of that check
// alone, matchable by its sentinel; without a prior the first year has no growth.
func TestReconcilePriorErrors(t *testing.T) {
	r := withLoss(t)
	for _, c := range []struct {
		name, reason string
		printed      valuation.Printed
		want         error
	}{
		{"not a growth", "a prior needs a growth key to grow to", valuation.Printed{Key: "forecast/2025/revenue", Prior: &valuation.Prior{Value: d("1")}}, fault.ErrInvalid},
		{"zero prior", "growth over zero is not defined", valuation.Printed{Key: "pnl/2025/revenue/growth", Prior: &valuation.Prior{}}, fault.ErrNoGrowth},
		{"unknown year", "the figure grown to must be in the result", valuation.Printed{Key: "forecast/2024/revenue/growth", Prior: &valuation.Prior{Value: d("1")}}, fault.ErrUnknownYear},
		{"unknown figure", "so must its key", valuation.Printed{Key: "pnl/2025/nonsense/growth", Prior: &valuation.Prior{Value: d("1")}}, fault.ErrUnknownFigure},
		{"bad key", "and the key must parse", valuation.Printed{Key: "pnl//growth", Prior: &valuation.Prior{Value: d("1")}}, fault.ErrUnknownFigure},
		{"no prior", "the result's first year has no growth of its own", valuation.Printed{Key: "forecast/2025/revenue/growth"}, fault.ErrNoGrowth},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := r.Reconcile([]valuation.Printed{c.printed, {Key: "target", Value: d("124.8"), Places: 1}}).Checks
			var fe *fault.Error
			if !errors.Is(got[0].Err, c.want) || !errors.As(got[0].Err, &fe) || got[0].Match {
				t.Errorf("%s: err %v, want %v", c.reason, got[0].Err, c.want)
			}
			if got[1].Err != nil || !got[1].Match {
				t.Errorf("the next check suffers: %+v", got[1])
			}
		})
	}
}

// TestReconcilePriorNote: the text names each prior and its source, referenced from the
// check's status, after any exception's note.
func TestReconcilePriorNote(t *testing.T) {
	r := withLoss(t)
	rc := r.Reconcile([]valuation.Printed{
		{Table: "T", Row: "Revenue growth", Column: "2025", Key: "forecast/2025/revenue/growth", Value: d("25"), Shift: 2,
			Prior: &valuation.Prior{Value: d("6400"), Source: "2024 revenue (p. 3)"}},
		{Table: "T", Row: "Loss growth", Column: "2025", Key: "pnl/2025/net_profit/growth", Value: d("40"), Shift: 2,
			Prior: &valuation.Prior{Value: d("-4000.5"), Source: "2024 loss (p. 4)"}, Exception: "printed 40, by hand 37.5"},
	})
	text := rc.Text()
	for _, want := range []string{
		"ok [1]",
		"exception [2] [3]",
		"[1] growth over 6,400, 2024 revenue (p. 3)",
		"[2] printed 40, by hand 37.5",
		"[3] growth over -4,000.5, 2024 loss (p. 4)",
		"1 figures match at printed precision; 1 listed exceptions; 0 surprises.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// TestReconcileTies: a computed figure exactly halfway between two printable values
// rounds away from zero, as a spreadsheet's ROUND does: 2.5 prints 3 and -2.5 prints -3,
// where half to even would print 2 and -2. At an odd last digit (0.375) the two agree.
// The ties are growths over priors picked by hand.
func TestReconcileTies(t *testing.T) {
	r := withLoss(t)
	for _, c := range []struct {
		name, reason, key, prior string
		places, shift            int32
		want, halfEven           string
	}{
		{"positive", "8,000 / 6,400 - 1 = 0.25, printed in tenths at no places: 2.5", "forecast/2025/revenue/growth", "6400", 0, 1, "3", "2"},
		{"negative", "(-2,500 - -2,000) / 2,000 = -0.25: -2.5", "pnl/2025/net_profit/growth", "-2000", 0, 1, "-3", "-2"},
		{"two places", "0.25 shifted to 0.025, at two places", "forecast/2025/revenue/growth", "6400", 2, -1, "0.03", "0.02"},
		{"odd digit", "0.375 at two places: half to even agrees, 0.38", "pnl/2025/net_profit/growth", "-4000", 2, 0, "0.38", "0.38"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range []struct {
				printed string
				match   bool
			}{{c.want, true}, {c.halfEven, c.halfEven == c.want}} {
				got := r.Reconcile([]valuation.Printed{{Key: c.key, Value: d(v.printed), Places: c.places, Shift: c.shift,
					Prior: &valuation.Prior{Value: d(c.prior)}}}).Checks[0]
				if got.Err != nil || got.Match != v.match {
					t.Errorf("%s: printed %s, computed %s: match %t (err %v), want %t", c.reason, v.printed, got.Computed, got.Match, got.Err, v.match)
				}
			}
		})
	}
}
