package workbook

import (
	"archive/zip"
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
	// Each part keeps excelize's date and time fields (none): copying its zero time
	// through time.Time once wrote the DOS date of 2107.
	in, err := zip.NewReader(bytes.NewReader(raw.Bytes()), int64(raw.Len()))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range zr.File {
		if w := in.File[i]; e.Name != w.Name || e.ModifiedDate != w.ModifiedDate || e.ModifiedTime != w.ModifiedTime {
			t.Errorf("%s dated %d %d, excelize's %s %d %d", e.Name, e.ModifiedDate, e.ModifiedTime, w.Name, w.ModifiedDate, w.ModifiedTime)
		}
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
