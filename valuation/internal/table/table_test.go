package table

import (
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestNum(t *testing.T) {
	for _, c := range []struct {
		in     string
		places int32
		want   string
	}{
		{"0", 0, "0"},
		{"999.5", 0, "1,000"},
		{"35926.77", 0, "35,927"},
		{"-105883.2", 0, "-105,883"},
		{"1234567.891", 2, "1,234,567.89"},
		{"-0.4", 0, "0"}, // StringFixed drops the sign of a zero result
		{"404.5590", 1, "404.6"},
	} {
		if got := Num(decimal.RequireFromString(c.in), c.places); got != c.want {
			t.Errorf("Num(%s, %d) = %q, want %q", c.in, c.places, got, c.want)
		}
	}
	if got := Pct(decimal.RequireFromString("0.1175"), 1); got != "11.8%" {
		t.Errorf("Pct = %q, want 11.8%%", got)
	}
}

// TestValue: each kind of key prints at its places, by hand: take rates as percentages
// to two places, other rates to one, the target to one place, multiples and users to
// two, FX to four, money in millions to none.
func TestValue(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"forecast/2021/ecommerce/take_rate", "0.01175", "1.18%"},
		{"forecast/2025/membership/subscriber_ratio", "0.15", "15.0%"},
		{"part/ecommerce/premium", "-0.2", "-20.0%"},
		{"upside", "0.26845", "26.8%"},
		{"target", "404.5590", "404.6"},
		{"part/advertising/average", "35.875", "35.88"},
		{"forecast/2021/mau", "571.68", "571.68"},
		{"forecast/2021/ecommerce/monthly_fee", "18", "18.00"},
		{"fx/USD/HKD", "7.75671", "7.7567"},
		{"part/ecommerce/value", "105883.2", "105,883"},
		// Rates and discounts of the bridge and horizon are percentages (a holdco discount
		// of 0.3 once printed 0); small multiples keep three significant digits.
		{"bridge/holdco/discount", "0.3", "30.0%"},
		{"horizon/rate", "0.1", "10.0%"},
		{"part/ads/average", "0.0375", "0.0375"},
		{"part/ads/average", "0.0267", "0.0267"},
		{"part/ads/average", "0.5", "0.50"},
		{"dilution/options/strike", "12.5", "12.50"},
		{"bridge/cash/amount", "0.4", "0.4"},
		{"bridge/cash/amount", "0.123456", "0.123"},
		{"fx/CNY/USD", "0.000154", "0.000154"},
		{"part/ads/average", "0", "0.00"},
	} {
		if got := Value(c.name, decimal.RequireFromString(c.in)); got != c.want {
			t.Errorf("Value(%s, %s) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestRender(t *testing.T) {
	tb := Table{Title: "T", Header: []string{"", "2021E"}, Rows: [][]string{{"MAU", "572"}, {"Revenue", "35,927"}}, Notes: []string{"n", "Warning: w"}}
	// Widths: "Revenue" 7, "35,927" 6, two spaces between: 15 in all. A warning is not
	// also a note ("Note: Warning: w" before).
	wantText := "T\n          2021E\n---------------\nMAU         572\nRevenue  35,927\nNote: n\nWarning: w\n"
	if diff := cmp.Diff(wantText, tb.Text()); diff != "" {
		t.Errorf("Text (-want +got):\n%s", diff)
	}
	wantMD := "**T**\n\n|  | 2021E |\n|---|---:|\n| MAU | 572 |\n| Revenue | 35,927 |\n\nn\n\nWarning: w\n"
	if diff := cmp.Diff(wantMD, tb.Markdown()); diff != "" {
		t.Errorf("Markdown (-want +got):\n%s", diff)
	}
}

// TestCleanCells is the regression test of issue 11 item 15: a name with a line break or
// a | must not forge a row in Text or Markdown.
func TestCleanCells(t *testing.T) {
	tb := Table{Title: "T\nforged", Header: []string{"", "v"},
		Rows:  [][]string{{"A\nB | 1 |", "1"}, {"bad\xffutf8\x1b[31m", "2"}},
		Notes: []string{"note\r\nNote: forged"}}
	wantText := "T\\nforged\n" +
		"                     v\n" +
		"----------------------\n" +
		"A\\nB | 1 |           1\n" +
		"bad\\xffutf8\\x1b[31m  2\n" +
		"Note: note\\r\\nNote: forged\n"
	if diff := cmp.Diff(wantText, tb.Text()); diff != "" {
		t.Errorf("Text (-want +got):\n%s", diff)
	}
	wantMD := "**T\\nforged**\n\n|  | v |\n|---|---:|\n| A\\nB \\| 1 \\| | 1 |\n| bad\\xffutf8\\x1b[31m | 2 |\n\nnote\\r\\nNote: forged\n"
	if diff := cmp.Diff(wantMD, tb.Markdown()); diff != "" {
		t.Errorf("Markdown (-want +got):\n%s", diff)
	}
	if got := Clean("plain 亿 | text"); got != "plain 亿 | text" {
		t.Errorf("Clean changed a safe string: %q", got)
	}
}

// TestEmptyTable: a table without a header renders (issue 11 item 10: Grid{}.Text
// panicked with a negative Repeat count).
func TestEmptyTable(t *testing.T) {
	tb := Table{Title: "T", Rows: [][]string{{"x"}}, Notes: []string{"n"}}
	if got, want := tb.Text(), "T\n\n\n\nNote: n\n"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	_ = tb.Markdown()
}

// TestTextLinear is the regression test of issue 11 item 14: rendering allocates a
// bounded multiple of its output, where it used to copy everything written before each
// row (quadratic: 2 minutes for a 64,000-row grid).
func TestTextLinear(t *testing.T) {
	tb := Table{Header: []string{"a", "b"}}
	for range 20000 {
		tb.Rows = append(tb.Rows, []string{"row", "1,234.5"})
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	out := tb.Text()
	runtime.ReadMemStats(&after)
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(16*len(out)); got > limit {
		t.Errorf("Text of %d bytes allocated %d bytes, want at most %d", len(out), got, limit)
	}
}

// BenchmarkText renders a 64,000-row table: linear in the rows (issue 11 item 14: each
// row used to copy everything written before it).
func BenchmarkText(b *testing.B) {
	tb := Table{Header: []string{"a", "b", "c", "d"}}
	for i := range 64000 {
		tb.Rows = append(tb.Rows, []string{"row", "1,234.5", "6.7%", string(rune('a' + i%26))})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = tb.Text()
	}
}

// TestLabels: with labels, keys among the words of a title, header, cells and notes are
// printed as their labels, whole words only; values are left as formatted.
func TestLabels(t *testing.T) {
	tb := Table{Title: "Tornado: target, base 404.6", Header: []string{"assumption", "target at low"},
		Rows:   [][]string{{"forecast/2021/mau", "353.8"}, {"forecast/2021/mau_x", "1"}},
		Notes:  []string{"no effect on target: forecast/2021/dau, shares"},
		Labels: map[string]string{"target": "Target price (HK$)", "forecast/2021/mau": "2021E MAU (m)", "forecast/2021/dau": "2021E DAU (m)"}}
	want := "Tornado: Target price (HK$), base 404.6\n" +
		"assumption           Target price (HK$) at low\n" +
		"----------------------------------------------\n" +
		"2021E MAU (m)                            353.8\n" +
		"forecast/2021/mau_x                          1\n" +
		"Note: no effect on Target price (HK$): 2021E DAU (m), shares\n"
	if got := tb.Text(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
