package workbook

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestCachedValueKinds: a number, a text and a boolean formula are cached as OOXML types
// them (none, "str", "b") and read back as written, without recalculation; a book with a
// formula excelize fails on (HARMEAN, which it lacks) gets no cached values at all, since
// excelize goes on with such a cell as zero and would cache every cell after it wrong.
func TestCachedValueKinds(t *testing.T) {
	b := &book{f: excelize.NewFile()}
	for col, v := range []any{4.0, "=A1*2.5", `=IF(A1>3,"Buy","Sell")`, "=A1>3"} {
		if err := b.put("Sheet1", col+1, 1, v); err != nil {
			t.Fatal(err)
		}
	}
	values := b.cachedValues()
	want := map[string]cachedValue{"B1": {"10", ""}, "C1": {"Buy", "str"}, "D1": {"1", "b"}}
	for c, w := range want {
		if got := values["Sheet1"][c]; got != w {
			t.Errorf("%s: %+v, want %+v", c, got, w)
		}
	}
	var raw, out bytes.Buffer
	if err := b.f.Write(&raw); err != nil {
		t.Fatal(err)
	}
	if err := writeCached(&out, raw.Bytes(), values); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	for c, w := range map[string]string{"B1": "10", "C1": "Buy", "D1": "TRUE"} {
		if got, err := f.GetCellValue("Sheet1", c); err != nil || got != w {
			t.Errorf("%s read back %q, %v; want %q", c, got, err, w)
		}
		if fm, _ := f.GetCellFormula("Sheet1", c); fm == "" {
			t.Errorf("%s lost its formula", c)
		}
	}
	if err := b.put("Sheet1", 5, 1, "=HARMEAN(A1:A1)"); err != nil {
		t.Fatal(err)
	}
	if v := b.cachedValues(); v != nil {
		t.Errorf("a book with HARMEAN: cached %v, want none", v)
	}
}
