package workbook

// This file gives each formula cell its cached value, so that a reader that does not
// recalculate (a preview, a viewer, a script reading the file) sees numbers, not blanks.
// excelize writes a formula without one and has no way to add it (its value setters
// remove the formula), so the values are worked out by excelize's own calculation engine
// once the book is complete, and written into each worksheet's XML as the OOXML
// standard lays a formula cell out (ECMA-376 Part 1, §18.3.1.4, c: the formula f, then
// the value v, typed by t: none for a number, "str" for text, "b" for a boolean). The file is also marked to be recalculated in full when opened.

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// cachedValue is a formula cell's value and its OOXML type ("" for a number).
type cachedValue struct{ v, t string }

// cachedValues works out the value of every formula the book wrote, by sheet and cell,
// or none at all when excelize fails on one of them: it then goes on with the cell as
// zero, so that every cell depending on it would be cached wrong, and its errors do not
// tell a spreadsheet's error (#DIV/0!) from a function it lacks (#N/A for HARMEAN). The
// book therefore writes no formula excelize is known to fail on: no HARMEAN (n / Σ(1/x)
// of a column instead) and no array arithmetic inside SUMPRODUCT (dilution sums helper
// columns); TestCachedValues holds every cell to LibreOffice's recalculation.
func (b *book) cachedValues() map[string]map[string]cachedValue {
	out := map[string]map[string]cachedValue{}
	for _, fc := range b.formulas {
		res, err := b.f.CalcCellValue(fc[0], fc[1], excelize.Options{RawCellValue: true})
		if err != nil {
			return nil
		}
		var c cachedValue
		switch _, perr := strconv.ParseFloat(res, 64); {
		case res == "TRUE" || res == "FALSE":
			c = cachedValue{map[bool]string{true: "1", false: "0"}[res == "TRUE"], "b"}
		case perr == nil:
			c = cachedValue{res, ""}
		default:
			c = cachedValue{res, "str"}
		}
		if out[fc[0]] == nil {
			out[fc[0]] = map[string]cachedValue{}
		}
		out[fc[0]][fc[1]] = c
	}
	return out
}

// formulaCell is a formula cell as excelize writes it, without a value: its reference,
// other attributes and formula; typeAttr is its type among the attributes.
var (
	formulaCell = regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")*)><f>([^<]*)</f></c>`)
	typeAttr    = regexp.MustCompile(` t="[^"]*"`)
)

// writeCached copies the package xlsx to w with the cached values in its worksheets.
func writeCached(w io.Writer, xlsx []byte, values map[string]map[string]cachedValue) error {
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		return err
	}
	paths, err := sheetPaths(zr)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range zr.File {
		body, err := readZipped(f)
		if err != nil {
			return err
		}
		if vs, ok := values[paths[f.Name]]; ok {
			body = formulaCell.ReplaceAllFunc(body, func(c []byte) []byte {
				m := formulaCell.FindSubmatch(c)
				v, ok := vs[string(m[1])]
				if !ok {
					return c
				}
				attrs := string(typeAttr.ReplaceAll(m[2], nil))
				if v.t != "" {
					attrs += ` t="` + v.t + `"`
				}
				var esc bytes.Buffer
				_ = xml.EscapeText(&esc, []byte(v.v)) // writes to memory: no error
				return []byte(`<c r="` + string(m[1]) + `"` + attrs + `><f>` + string(m[3]) + `</f><v>` + esc.String() + `</v></c>`)
			})
		}
		out, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method}) // no time, as excelize writes none
		if err != nil {
			return err
		}
		if _, err := out.Write(body); err != nil {
			return err
		}
	}
	return zw.Close()
}

// sheetPaths maps each worksheet's part name in the package to the sheet's name, from
// the workbook part and its relationships.
func sheetPaths(zr *zip.Reader) (map[string]string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	for name, v := range map[string]any{"xl/workbook.xml": &wb, "xl/_rels/workbook.xml.rels": &rels} {
		f, err := zr.Open(name)
		if err != nil {
			return nil, err
		}
		err = xml.NewDecoder(f).Decode(v)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		target[r.ID] = path.Join("xl", strings.TrimPrefix(r.Target, "/xl/"))
		if strings.HasPrefix(r.Target, "/") {
			target[r.ID] = strings.TrimPrefix(r.Target, "/")
		}
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		out[target[s.ID]] = s.Name
	}
	return out, nil
}

// readZipped reads a file of the package.
func readZipped(f *zip.File) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
