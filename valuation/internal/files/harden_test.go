package files_test

// Regression tests of issue 11 (hardening): each names the item it guards.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/files"
	"github.com/sotpkit/sotp/valuation/internal/heap"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// fill repeats unit between head and tail up to about n bytes in all.
func fill(head, unit, sep, tail string, n int) string {
	k := max((n-len(head)-len(tail))/(len(unit)+len(sep)), 1)
	return head + strings.Repeat(unit+sep, k-1) + unit + tail
}

const modelHead = `{"format": "sotp/model/v1", "name": "x", "year": 2021, "currency": "HKD", "shares": "1", `

// adversarial are documents of just under MaxBytes shaped to make a decoder build much
// more than it reads (item 8: a 4,000-character key over an array of zeros took 2.2 GB).
func adversarial() map[string]string {
	n := files.MaxBytes - 64
	key := strings.Repeat("k", 4000)
	return map[string]string{
		"long key over zeros":      fill(`{"`+key+`": [`, "0", ",", "]}", n),
		"long key in a map":        fill(modelHead+`"plan": {"users": {"`+strings.Repeat("9", 20000)+`": [`, "0", ",", "]}}}", n),
		"wide array of years":      fill(modelHead+`"plan": {"currency": "CNY", "years": [`, "0", ",", `]}}`, n),
		"deep arrays":              modelHead + `"fx": ` + strings.Repeat("[", n/2-len(modelHead)),
		"deep objects":             fill(modelHead+`"plan": `, `{"users": `, "", "", n),
		"many exclusions":          fill(modelHead+`"parts": [{"segment": "s", "method": "m", "metric": "mau", "comps": {"name": "c", "metric": "mau_2021", "exclude": {`, `"`+strings.Repeat("x", 4)+`": ""`, ",", "}}}]}", n),
		"many distinct exclusions": manyKeys(n),
		"many small companies":     fill(`{"format": "sotp/comps/v1", "companies": [`, `{"ticker":"A","currency":"USD","market_value":"1","metrics":{"mau_2021":"1"}}`, ",", "]}", n),
	}
}

func manyKeys(n int) string {
	var b strings.Builder
	b.WriteString(modelHead + `"parts": [{"segment": "s", "method": "m", "metric": "mau", "comps": {"name": "c", "metric": "mau_2021", "exclude": {`)
	for i := 0; b.Len() < n-40; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"` + strings.Repeat("x", 1+i%3) + itoa(i) + `":""`)
	}
	b.WriteString("}}}]}")
	return b.String()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// TestDecodeMemoryBounded: decoding any input within MaxBytes holds at its peak under 32
// times the input in heap, plus a small constant: the bound the README states.
func TestDecodeMemoryBounded(t *testing.T) {
	for name, doc := range adversarial() {
		t.Run(name, func(t *testing.T) {
			var err error
			got := heap.Peak(func() {
				if strings.Contains(doc, "sotp/comps/v1") {
					_, err = files.DecodeCompanies(strings.NewReader(doc))
				} else {
					_, err = files.Decode(strings.NewReader(doc))
				}
			})
			if err == nil {
				t.Error("no error")
			}
			limit := uint64(32*len(doc) + 4<<20)
			t.Logf("%d bytes in: peak heap %d (%.1fx): %.80v", len(doc), got, float64(got)/float64(len(doc)), err)
			if got > limit {
				t.Errorf("peak heap %d bytes for %d of input, want under %d", got, len(doc), limit)
			}
		})
	}
}

// Item 17 and the error list: a UTF-8 byte order mark is accepted; invalid UTF-8, which
// the JSON decoder would turn into U+FFFD (so that "A\xff" and "A\xfe" became one
// ticker), is a syntax error at its byte; every syntax error gives the byte.
func TestEncodingErrors(t *testing.T) {
	good := string(kuaishou2021.ModelFile())
	if _, err := files.Decode(strings.NewReader("\ufeff" + good)); err != nil {
		t.Errorf("with a BOM: %v", err)
	}
	doc := `{"format": "sotp/comps/v1", "companies": [{"ticker": "A` + "\xff" + `", "currency": "USD", "market_value": "1", "metrics": {}}]}`
	_, err := files.DecodeCompanies(strings.NewReader(doc))
	var e *fault.Error
	if at := fmt.Sprintf("byte %d", strings.IndexByte(doc, 0xff)); !errors.Is(err, fault.ErrSyntax) || !errors.As(err, &e) || e.Path != at {
		t.Errorf("invalid UTF-8: %v, want ErrSyntax at %s", err, at)
	}
	if _, err := files.ReadCSV(strings.NewReader("ticker,currency,market_value\nA\xfe,USD,1\n")); !errors.Is(err, fault.ErrSyntax) {
		t.Errorf("invalid UTF-8 in CSV: %v, want ErrSyntax", err)
	}
	for _, doc := range []string{"", "{", `{"format": }`, "   "} {
		_, err := files.Decode(strings.NewReader(doc))
		if !errors.Is(err, fault.ErrSyntax) || !errors.As(err, &e) || !strings.Contains(e.Path, "(byte ") {
			t.Errorf("%q: %v, want ErrSyntax with a byte offset", doc, err)
		}
	}
}

// countingFS counts the opens of each file.
type countingFS struct {
	fs.FS
	opens map[string]int
}

func (c countingFS) Open(name string) (fs.File, error) {
	c.opens[name]++
	return c.FS.Open(name)
}

func (c countingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

// hundredParts is testdata/model.json with its one segment and part repeated to 100, each
// part priced on peers.csv.
func hundredParts(t *testing.T) []byte {
	t.Helper()
	model, err := os.ReadFile("../../modelfile/testdata/model.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := files.Decode(bytes.NewReader(model))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 99 {
		seg := f.Plan.Segments[0]
		seg.Name = fmt.Sprint("ads", i)
		f.Plan.Segments = append(f.Plan.Segments, seg)
		part := f.Parts[0]
		part.Segment = seg.Name
		f.Parts = append(f.Parts, part)
	}
	var b bytes.Buffer
	if err := files.Encode(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// kuaishouEdit returns a function that replaces the first old by new in the shipped
// Kuaishou model file, failing the test if the file has no old.
func kuaishouEdit(t *testing.T) func(old, new string) string {
	good := string(kuaishou2021.ModelFile())
	return func(old, new string) string {
		t.Helper()
		if !strings.Contains(good, old) {
			t.Fatalf("the Kuaishou file has no %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
}

// Item 9: a comparables file named by many parts is read once, and the model shares it.
func TestCompsFileReadOnce(t *testing.T) {
	cfs := countingFS{os.DirFS("../../modelfile/testdata"), map[string]int{}}
	m, err := files.Read(bytes.NewReader(hundredParts(t)), cfs)
	if err != nil {
		t.Fatal(err)
	}
	if cfs.opens["peers.csv"] != 1 || len(m.Parts) != 100 {
		t.Errorf("peers.csv opened %d times for %d parts, want once", cfs.opens["peers.csv"], len(m.Parts))
	}
}

// Items 11 and 12: LoadModel reads comparables only as regular files inside the model's
// directory: a symbolic link out of it is refused without echoing what it points to, and
// a FIFO is refused at once rather than blocking.
func TestLoadModelConfined(t *testing.T) {
	model, err := os.ReadFile("../../modelfile/testdata/model.json")
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	if err := os.WriteFile(secret, []byte("ticker,currency,SECRET-LINE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(secret, filepath.Join(dir, "evil.csv")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.csv"), 0o644); err != nil {
		t.Skipf("no FIFO on this system: %v", err)
	}
	for _, name := range []string{"evil.csv", "fifo.csv"} {
		path := filepath.Join(dir, "model-"+name+".json")
		if err := os.WriteFile(path, bytes.Replace(model, []byte(`"peers.csv"`), []byte(`"`+name+`"`), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := files.LoadModel(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || strings.Contains(err.Error(), "SECRET") {
				t.Errorf("%s: %v, want an error that does not echo the file", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: LoadModel still blocked after 10 s", name)
		}
	}
	if _, err := files.LoadModel(filepath.Join(dir, "fifo.csv")); err == nil {
		t.Error("a FIFO as the model file: no error")
	}
}

// The error list of issue 11: Read locates every error of a model read from a stream,
// as LoadModel does for a file.
func TestReadLocatesErrors(t *testing.T) {
	edit := kuaishouEdit(t)
	for _, c := range []struct {
		name, file string
		want       error
		at         string
	}{
		{"zero shares", edit(`"shares": "4159"`, `"shares": "0"`), fault.ErrShares, "$.shares"},
		{"DAU above MAU", edit(`"dau": "344"`, `"dau": "800"`), fault.ErrDAUAboveMAU, `$.plan.users["2021"].dau`},
		{"unknown year", edit(`"year": 2021`, `"year": 2030`), fault.ErrUnknownYear, "$.year"},
		{"years out of order", edit(`"years": [`+"\n      2018,", `"years": [`+"\n      2019,"), fault.ErrPlan, "$.plan.years"},
		{"unknown segment", edit(`"segment": "advertising"`, `"segment": "adverts"`), fault.ErrUnknownSegment, "$.parts[1].segment"},
		{"segment valued twice", edit(`"segment": "advertising"`, `"segment": "live_streaming"`), fault.ErrDuplicatePart, "$.parts[1].segment"},
		{"empty metric", edit(`"metric": "mau",`, `"metric": "",`), fault.ErrInvalid, "$.parts[0].metric"},
		{"label against metric", edit(`"method": "P/MAU",`, `"method": "P/E",`), fault.ErrLabel, "$.parts[0].method"},
		{"lower-case currency", edit(`"currency": "HKD"`, `"currency": "hkd"`), fault.ErrCurrency, "$.currency"},
		{"lower-case comparable currency", edit(`"currency": "USD",`, `"currency": "usd",`), fault.ErrCurrency, "$.parts[0].comps.companies[0].currency"},
		{"duplicate ticker", edit(`"ticker": "DOYU US"`, `"ticker": "HUYA US"`), fault.ErrDuplicateKey, "$.parts[0].comps.companies[1].ticker"},
		{"FX rate beyond bounds", edit(`"rate": "7.7"`, `"rate": "1e17"`), fault.ErrBadRate, "$.fx[0]"},
		{"net margin out of range", edit(`"driver": "ecommerce",`, `"driver": "ecommerce", "net_margin": {"2021": "2"},`), fault.ErrRate, `$.plan.segments[2].net_margin["2021"]`},
		{"P&L share count zero", edit(`"2020": "931.4"`, `"2020": "0"`), fault.ErrShares, `$.earnings.shares["2020"]`},
		{"zero with a huge exponent", edit(`"shares": "4159"`, `"shares": "0e-9999"`), fault.ErrDecimal, "$.shares"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := files.Read(strings.NewReader(c.file), nil)
			var e *fault.Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || e.Path != c.at {
				t.Errorf("error %v, want %v at %s", err, c.want, c.at)
			}
		})
	}
}

// The error list: a comparables file's error inside a model's names both files once
// each, with one "modelfile:" prefix.
func TestErrorPrefixOnce(t *testing.T) {
	dir := t.TempDir()
	model, err := os.ReadFile("../../modelfile/testdata/model.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.json"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "peers.csv"), []byte("ticker,currency,market_value\nA,USD,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = files.LoadModel(filepath.Join(dir, "model.json"))
	if err == nil || strings.Count(err.Error(), "modelfile:") != 1 || !strings.Contains(err.Error(), "model.json: $.parts[0].comps.file: peers.csv: line 2, column market_value") {
		t.Errorf("error %q: want one prefix, naming the part, peers.csv and its line 2", err)
	}
}

// Items 8 and 9: a model whose 100 parts name one comparables file of 10,000 rows (0.9 MB)
// reads the file once, stops at MaxCompanies comparables in all, and holds at its peak
// under 32 times the bytes read (model and file) in heap; 160 such parts used to
// allocate 7.7 GB.
func TestManyPartsOneBigFile(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("ticker,name,currency,market_value,mau_2021,source\n")
	for i := 0; i < files.MaxRows; i++ {
		fmt.Fprintf(&csv, "T%05d,Company number %05d,USD,%d,%d,made up for a test of size bounds\n", i, i, 1000+i, 10+i%7)
	}
	if err := os.WriteFile(filepath.Join(dir, "peers.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	model := hundredParts(t)
	if err := os.WriteFile(filepath.Join(dir, "model.json"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	var e *fault.Error
	var err error
	peak := heap.Peak(func() { _, err = files.LoadModel(filepath.Join(dir, "model.json")) })
	if !errors.Is(err, fault.ErrTooLarge) || !errors.As(err, &e) || e.Path != "$.parts[5].comps" {
		t.Errorf("error %v, want ErrTooLarge at $.parts[5].comps", err)
	}
	read := csv.Len() + len(model)
	t.Logf("%d bytes read: peak heap %d (%.1fx)", read, peak, float64(peak)/float64(read))
	if limit := uint64(32*read + 4<<20); peak > limit {
		t.Errorf("peak heap %d bytes for %d read, want under %d", peak, read, limit)
	}
}

// The error list: Read with no file system says that a comparables file was named and
// none given, at the part that names it.
func TestReadWithoutFS(t *testing.T) {
	model, err := os.ReadFile("../../modelfile/testdata/model.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = files.Read(bytes.NewReader(model), nil)
	var e *fault.Error
	if !errors.Is(err, fault.ErrInvalid) || !errors.As(err, &e) || e.Path != "$.parts[0].comps.file" || !strings.Contains(err.Error(), "no file system was given") {
		t.Errorf("error %v, want ErrInvalid at $.parts[0].comps.file saying no file system was given", err)
	}
}
