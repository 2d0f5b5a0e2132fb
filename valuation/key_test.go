package valuation_test

import (
	"errors"
	"testing"

	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestKeyRoundTrip reads every key the report's figures use and writes it back: the
// grammar has one reading and one writing of each key.
func TestKeyRoundTrip(t *testing.T) {
	keys := []string{"sum", "shares", "target", "price", "upside", "fx/USD/HKD",
		"forecast/2021/mau", "forecast/2021/revenue/growth", "forecast/2021/ecommerce/gmv",
		"forecast/2021/ecommerce/gmv/growth", "forecast/2021/ecommerce/share",
		"forecast/2021/growth/revenue", "pnl/2021/eps", "pnl/2021/net_profit/growth",
		"pnl/2021/line/selling", "pnl/2021/line/selling/ratio", "part/ecommerce/premium",
		"part/ecommerce/comp/PDD/multiple"}
	for _, p := range kuaishou2021.Figures() {
		keys = append(keys, p.Key)
	}
	for _, s := range keys {
		k, err := valuation.ParseKey(s)
		if err != nil {
			t.Errorf("ParseKey(%q): %v", s, err)
			continue
		}
		if got := k.String(); got != s {
			t.Errorf("ParseKey(%q).String() = %q", s, got)
		}
		b, err := k.MarshalText()
		var back valuation.Key
		if err != nil || back.UnmarshalText(b) != nil || back != k {
			t.Errorf("%q: text round trip gave %+v, %v", s, back, err)
		}
	}
}

// TestKeyGrammar pins how the grammar reads the forms that look alike.
func TestKeyGrammar(t *testing.T) {
	for _, c := range []struct {
		in   string
		want valuation.Key
	}{
		{"forecast/2021/revenue/growth", valuation.Key{Space: valuation.SpaceForecast, Year: 2021, Name: "revenue", Growth: true}},
		{"forecast/2021/live_streaming/revenue", valuation.Key{Space: valuation.SpaceForecast, Year: 2021, Segment: "live_streaming", Name: "revenue"}},
		{"pnl/2022/line/selling/ratio", valuation.Key{Space: valuation.SpacePnLLine, Year: 2022, Name: "selling", Ratio: true}},
		{"pnl/2022/revenue/growth", valuation.Key{Space: valuation.SpacePnL, Year: 2022, Name: "revenue", Growth: true}},
		{"part/ads/comp/FB/implied", valuation.Key{Space: valuation.SpaceComp, Segment: "ads", Ticker: "FB", Name: "implied"}},
		{"fx/CNY/HKD", valuation.FXKey("CNY", "HKD")},
		{"target", valuation.Scalar(valuation.KeyTarget)},
	} {
		got, err := valuation.ParseKey(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseKey(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestParseKeyRefuses(t *testing.T) {
	for _, s := range []string{"", "/", "target/", "Target", "forecast", "forecast/2021",
		"forecast/02021/mau", "forecast/+2021/mau", "forecast/x/mau", "forecast/2021//mau",
		"forecast/2021/growth", "forecast/2021/a/growth/growth", "forecast/2021/a/b/c",
		"forecast/2021/ecommerce/share/growth", "pnl/2021/line", "pnl/2021/line/x/y",
		"pnl/2021/eps/ratio", "part/ecommerce", "part/a/comp/PDD", "part/a/b/c/d",
		"fx/USD", "fx/USD/HKD/x", "sums"} {
		k, err := valuation.ParseKey(s)
		if !errors.Is(err, fault.ErrUnknownFigure) {
			t.Errorf("ParseKey(%q) = %+v, %v; want ErrUnknownFigure", s, k, err)
		}
	}
}

// FuzzParseKey checks that every key ParseKey accepts writes back as it was read.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"target", "forecast/2021/ecommerce/gmv/growth", "pnl/2021/line/x/ratio", "part/a/comp/T/close", "fx/A/B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := valuation.ParseKey(s)
		if err != nil {
			return
		}
		if k.String() != s {
			t.Fatalf("ParseKey(%q).String() = %q", s, k.String())
		}
	})
}

// TestResultKeys: every figure the report prints is among Result.Keys, and every key
// Keys lists writes and reads back as itself.
func TestResultKeys(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, k := range r.Keys() {
		s := k.String()
		if back, err := valuation.ParseKey(s); err != nil || back != k {
			t.Errorf("%s reads back as %+v, %v", s, back, err)
		}
		keys[s] = true
	}
	for _, p := range kuaishou2021.Figures() {
		if !keys[p.Key] {
			t.Errorf("printed figure %s (%s, %s) is not among Keys", p.Key, p.Table, p.Row)
		}
	}
}
