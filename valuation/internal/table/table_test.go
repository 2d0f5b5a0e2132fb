package table

import (
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

func TestRender(t *testing.T) {
	tb := Table{Title: "T", Header: []string{"", "2021E"}, Rows: [][]string{{"MAU", "572"}, {"Revenue", "35,927"}}, Notes: []string{"n"}}
	// Widths: "Revenue" 7, "35,927" 6, two spaces between: 15 in all.
	wantText := "T\n          2021E\n---------------\nMAU         572\nRevenue  35,927\nNote: n\n"
	if diff := cmp.Diff(wantText, tb.Text()); diff != "" {
		t.Errorf("Text (-want +got):\n%s", diff)
	}
	wantMD := "**T**\n\n|  | 2021E |\n|---|---:|\n| MAU | 572 |\n| Revenue | 35,927 |\n\nn\n"
	if diff := cmp.Diff(wantMD, tb.Markdown()); diff != "" {
		t.Errorf("Markdown (-want +got):\n%s", diff)
	}
}
