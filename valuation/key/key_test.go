package key_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestRoundTrip reads every key the report's figures use and writes it back: the
// grammar has one reading and one writing of each key.
func TestRoundTrip(t *testing.T) {
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
		k, err := key.Parse(s)
		if err != nil {
			t.Errorf("Parse(%q): %v", s, err)
			continue
		}
		if got := k.String(); got != s {
			t.Errorf("Parse(%q).String() = %q", s, got)
		}
		b, err := k.MarshalText()
		var back key.Key
		if err != nil || back.UnmarshalText(b) != nil || back != k {
			t.Errorf("%q: text round trip gave %+v, %v", s, back, err)
		}
	}
}

// TestGrammar pins how the grammar reads the forms that look alike.
func TestGrammar(t *testing.T) {
	for _, c := range []struct {
		in   string
		want key.Key
	}{
		{"forecast/2021/revenue/growth", key.Key{Space: key.SpaceForecast, Year: 2021, Name: "revenue", Growth: true}},
		{"forecast/2021/live_streaming/revenue", key.Key{Space: key.SpaceForecast, Year: 2021, Segment: "live_streaming", Name: "revenue"}},
		{"pnl/2022/line/selling/ratio", key.Key{Space: key.SpacePnLLine, Year: 2022, Name: "selling", Ratio: true}},
		{"pnl/2022/revenue/growth", key.Key{Space: key.SpacePnL, Year: 2022, Name: "revenue", Growth: true}},
		{"part/ads/comp/FB/implied", key.Key{Space: key.SpaceComp, Segment: "ads", Ticker: "FB", Name: "implied"}},
		{"fx/CNY/HKD", key.FX("CNY", "HKD")},
		{"target", key.Scalar(key.Target)},
	} {
		got, err := key.Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

// TestComplete: a key is complete when it reads back from its text and has its year; the
// keys errors build in steps are not until the last.
func TestComplete(t *testing.T) {
	for _, c := range []struct {
		k    key.Key
		want bool
	}{
		{key.Forecast(2021, "ads", "paying_ratio"), true},
		{key.Forecast(0, "", "paying_ratio"), false}, // a driver's input before the forecast places it
		{key.Forecast(2021, "ads", ""), false},       // a segment's year
		{key.Part("", "premium"), false},             // a set's field before its part fills in the segment
		{key.Key{Space: key.SpacePnLLine, Year: 2021, Name: "selling", Ratio: true}, true},
		{key.Key{Space: key.SpacePnLLine, Name: "selling"}, false}, // a line
		{key.Scalar(key.Shares), true},
		{key.Scalar("year"), false}, // the model's year: no figure
		{key.FX("EUR", "HKD"), true},
		{key.Key{}, false},
	} {
		if got := c.k.Complete(); got != c.want {
			t.Errorf("%+v.Complete() = %v, want %v", c.k, got, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, s := range []string{"", "/", "target/", "Target", "forecast", "forecast/2021",
		"forecast/02021/mau", "forecast/+2021/mau", "forecast/x/mau", "forecast/2021//mau",
		"forecast/2021/growth", "forecast/2021/a/growth/growth", "forecast/2021/a/b/c",
		"forecast/2021/ecommerce/share/growth", "pnl/2021/line", "pnl/2021/line/x/y",
		"pnl/2021/eps/ratio", "part/ecommerce", "part/a/comp/PDD", "part/a/b/c/d",
		"fx/USD", "fx/USD/HKD/x", "sums"} {
		k, err := key.Parse(s)
		if !errors.Is(err, fault.ErrUnknownFigure) {
			t.Errorf("Parse(%q) = %+v, %v; want ErrUnknownFigure", s, k, err)
		}
	}
}

// TestParseErrorText: the text a ParseError quotes is cut to at most 80 bytes at a
// character. In "forecast/2021/x" (15 bytes) and sixty "直" (3 bytes a character) byte
// 80 is the third byte of the 22nd character (bytes 78-80), so the text keeps 15 + 21×3 =
// 78 bytes. Before, the text was cut at byte 80 and ended in two bytes of a character:
// invalid UTF-8.
func TestParseErrorText(t *testing.T) {
	s := "forecast/2021/x" + strings.Repeat("直", 60) + "/y/z"
	_, err := key.Parse(s)
	var pe *key.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("Parse(%q) = %v, want a *ParseError", s, err)
	}
	if want := s[:78] + "..."; pe.Text != want || !utf8.ValidString(pe.Text) {
		t.Errorf("Text %q, want %q", pe.Text, want)
	}
}

// FuzzParse checks that every key Parse accepts writes back as it was read.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"target", "forecast/2021/ecommerce/gmv/growth", "pnl/2021/line/x/ratio", "part/a/comp/T/close", "fx/A/B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := key.Parse(s)
		if err != nil {
			return
		}
		if k.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, k.String())
		}
	})
}

// TestSuggest: a typo of a known key suggests it, nearest first; a text near none
// suggests nothing.
func TestSuggest(t *testing.T) {
	known := []string{"forecast/2021/mau", "forecast/2021/dau", "forecast/2021/ecommerce/take_rate", "part/ecommerce/premium", "target"}
	for _, c := range []struct{ text, want string }{
		{"forecast/2021/ecommerce/takerate", "(did you mean forecast/2021/ecommerce/take_rate?)"},
		{"forecast/2021/mua", "(did you mean forecast/2021/mau or forecast/2021/dau?)"},
		{"targte", "(did you mean target?)"},
		{"part/advertising/premium", ""},
		{"nothing/like/it", ""},
	} {
		if got := key.Suggest(c.text, known); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
