package fault_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/key"
)

func TestErrorFormat(t *testing.T) {
	for _, c := range []struct {
		e    fault.Error
		want string
	}{
		{fault.Error{Pkg: "segments", Segment: "ads", Year: 2021, Field: "revenue_per_dau", Value: "-1", Err: fault.ErrNegative},
			"segments: ads 2021: revenue_per_dau -1: must not be negative"},
		{fault.Error{Pkg: "comps", Set: "peers", Ticker: "FB US", Segment: "ads", Op: "P/MAU", Field: "mau 2021", Value: "0", Err: fault.ErrNonPositive},
			"comps: ads by P/MAU: set peers FB US: mau 2021 0: must be positive"},
		{fault.Error{Pkg: "valuation", Field: "shares", Value: "0", Err: fault.ErrShares}, "valuation: shares 0: share count must be positive"},
		{fault.Error{Pkg: "earnings", Line: "shares", Year: 2025, Value: "0", Err: fault.ErrShares}, "earnings: shares 2025 0: share count must be positive"},
		{fault.Error{Pkg: "chart", Op: "tornado", Field: "no bars", Err: fault.ErrChart}, "chart: tornado: no bars: cannot be charted"},
		{fault.Error{Err: io.EOF}, "sotp: EOF"},
		{fault.Error{Pkg: "modelfile", File: "model.json", Path: "$.parts[0].comps.file",
			Err: &fault.Error{Pkg: "modelfile", File: "peers.csv", Path: "line 3, column close", Err: fault.ErrDecimal}},
			"modelfile: model.json: $.parts[0].comps.file: peers.csv: line 3, column close: not a decimal within bounds"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

// TestWithin fills in only what an error does not say, on a copy, and wraps what is not
// an *Error.
func TestWithin(t *testing.T) {
	inner := &fault.Error{Pkg: "comps", Set: "peers", Ticker: "T", Field: "mau", Err: fault.ErrMissingMetric}
	err := fault.Within(inner, fault.Error{Pkg: "valuation", Segment: "ads", Op: "P/MAU", Field: "other"})
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Pkg != "comps" || fe.Segment != "ads" || fe.Op != "P/MAU" || fe.Field != "mau" || !errors.Is(err, fault.ErrMissingMetric) {
		t.Errorf("Within = %+v", fe)
	}
	if inner.Segment != "" {
		t.Error("Within modified the error it was given")
	}
	wrapped := fault.Within(io.EOF, fault.Error{Pkg: "valuation", Segment: "ads"})
	if !errors.As(wrapped, &fe) || fe.Segment != "ads" || !errors.Is(wrapped, io.EOF) {
		t.Errorf("Within of a plain error = %v", wrapped)
	}
	if fault.Within(nil, fault.Error{Pkg: "x"}) != nil {
		t.Error("Within(nil) is not nil")
	}
}

// One errors.As finds where a problem is, whichever package found it; errors.Is matches
// its sentinel.
func Example() {
	var err error = &fault.Error{Pkg: "segments", Segment: "live_streaming", Year: 2021, Field: "paying_ratio", Value: "1.18", Err: fault.ErrRate}
	err = fmt.Errorf("valuing: %w", err)
	var fe *fault.Error
	if errors.As(err, &fe) && errors.Is(err, fault.ErrRate) {
		fmt.Printf("%s %d: %s is not a rate: %s\n", fe.Segment, fe.Year, fe.Field, fe.Value)
	}
	fmt.Println(err)
	// Output:
	// live_streaming 2021: paying_ratio is not a rate: 1.18
	// valuing: segments: live_streaming 2021: paying_ratio 1.18: rate out of range
}

// TestWithinKey: Within fills in the parts of an error's key that it lacks from the key
// of where it is met, only when the two keys name one kind of thing or a comparable in
// its part; a key of another kind names what is at fault more closely and is kept.
func TestWithinKey(t *testing.T) {
	part := key.Part("ads", "")
	comp := key.Key{Space: key.SpaceComp, Ticker: "FB US", Name: "metric"}
	for _, c := range []struct {
		name       string
		inner, out key.Key
		want       key.Key
	}{
		{"no key takes where's", key.Key{}, part, part},
		{"a comparable takes its part's segment", comp, part,
			key.Key{Space: key.SpaceComp, Segment: "ads", Ticker: "FB US", Name: "metric"}},
		{"a part's field takes its segment", key.Part("", "premium"), part, key.Part("ads", "premium")},
		{"parts set are kept", key.Part("ads", "metric"), key.Part("other", "method"), key.Part("ads", "metric")},
		{"a key of another space is kept", key.FX("EUR", "HKD"), part, key.FX("EUR", "HKD")},
		{"a comparable in no part is kept", comp, key.Forecast(2021, "ads", "mau"), comp},
		{"where without a key leaves it", comp, key.Key{}, comp},
	} {
		inner := &fault.Error{Pkg: "comps", Err: fault.ErrNonPositive, Key: c.inner}
		var fe *fault.Error
		if err := fault.Within(inner, fault.Error{Pkg: "valuation", Key: c.out}); !errors.As(err, &fe) || fe.Key != c.want {
			t.Errorf("%s: key %+v, want %+v", c.name, fe.Key, c.want)
		}
		if inner.Key != c.inner {
			t.Errorf("%s: Within modified the key of the error it was given", c.name)
		}
	}
}

// TestJSONKey: an error with no other location writes its complete key as the path; a
// key still partial (a driver input's before the forecast fills in its year) or outside
// the grammar is not written, and the key of an error located otherwise neither.
func TestJSONKey(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		path string
	}{
		{"a group figure", &fault.Error{Pkg: "segments", Year: 2021, Field: "dau", Err: fault.ErrDAUAboveMAU, Key: key.Forecast(2021, "", "dau")},
			"forecast/2021/dau"},
		{"the innermost key", &fault.Error{Pkg: "valuation", Field: "earnings", Key: key.Scalar(key.Price),
			Err: &fault.Error{Pkg: "comps", Field: "fx CNY/HKD", Err: fault.ErrNoRate, Key: key.FX("CNY", "HKD")}}, "fx/CNY/HKD"},
		{"a partial key", &fault.Error{Pkg: "segments", Field: "paying_ratio", Err: fault.ErrRate, Key: key.Forecast(0, "", "paying_ratio")}, ""},
		{"a key outside the grammar", &fault.Error{Pkg: "segments", Year: 2030, Err: fault.ErrUnknownYear, Key: key.Scalar("year")}, ""},
		{"a located error", &fault.Error{Pkg: "segments", Segment: "ads", Year: 2021, Field: "paying_ratio", Err: fault.ErrRate,
			Key: key.Forecast(2021, "ads", "paying_ratio")}, ""},
		{"a file's path first", &fault.Error{Pkg: "modelfile", Path: "$.shares",
			Err: &fault.Error{Pkg: "valuation", Field: "shares", Err: fault.ErrShares, Key: key.Scalar(key.Shares)}}, "$.shares"},
	} {
		if got := fault.ToJSON(c.err).Path; got != c.path {
			t.Errorf("%s: path %q, want %q", c.name, got, c.path)
		}
	}
}

// TestJSON writes a file error that locates a plan error as one object: the file's path
// and the plan's location, the sentinel's code.
func TestJSON(t *testing.T) {
	inner := &fault.Error{Pkg: "segments", Segment: "live_streaming", Year: 2021, Field: "paying_ratio", Value: "1.18", Err: fault.ErrRate}
	err := &fault.Error{Pkg: "modelfile", File: "model.json", Path: `$.plan.segments[0].inputs["2021"].paying_ratio`, Err: inner}
	b, jerr := json.Marshal(err)
	if jerr != nil {
		t.Fatal(jerr)
	}
	want := `{"error":"modelfile: model.json: $.plan.segments[0].inputs[\"2021\"].paying_ratio: segments: live_streaming 2021: paying_ratio 1.18: rate out of range",` +
		`"code":"rate","path":"$.plan.segments[0].inputs[\"2021\"].paying_ratio","file":"model.json","segment":"live_streaming","year":2021,"field":"paying_ratio","value":"1.18"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	// An error located by its key alone has the key as its path; the text of a field is
	// not read for one (a name that is not a key has no path).
	j := fault.ToJSON(&fault.Error{Pkg: "sensitivity", Field: "forecast/2021/mau", Key: key.Forecast(2021, "", "mau"), Err: fault.ErrUnknownAssumption})
	if j.Path != "forecast/2021/mau" || j.Code != "unknown_assumption" {
		t.Errorf("an assumption's error: %+v", j)
	}
	if j := fault.ToJSON(&fault.Error{Pkg: "sensitivity", Field: "forecast/2021/mau", Err: fault.ErrUnknownAssumption}); j.Path != "" {
		t.Errorf("a path read from a field's text: %+v", j)
	}
	if c := fault.Code(io.EOF); c != "" {
		t.Errorf("Code(EOF) = %q", c)
	}
	for _, s := range []*fault.Sentinel{fault.ErrDAUAboveMAU, fault.ErrNoCurrency, fault.ErrMissingContext} {
		if c := s.Code(); c == "" || strings.ToLower(c) != c || strings.Contains(c, " ") {
			t.Errorf("code %q", c)
		}
	}
}

// TestSentinelsListed: every sentinel declared in sentinels.go is in the list ByCode reads,
// and codes are unique.
func TestSentinelsListed(t *testing.T) {
	src, err := os.ReadFile("sentinels.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := regexp.MustCompile(`(?m)^\t(Err[A-Za-z]*) += &Sentinel\{code: "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(declared) < 60 {
		t.Fatalf("found %d sentinels", len(declared))
	}
	seen := map[string]bool{}
	for _, d := range declared {
		s, ok := fault.ByCode(d[2])
		if !ok || s.Code() != d[2] || seen[d[2]] {
			t.Errorf("%s (%s): ByCode %v, seen %v", d[1], d[2], ok, seen[d[2]])
		}
		seen[d[2]] = true
	}
}

// TestCategories: every sentinel belongs to one of the seven categories, which are their
// own; errors.Is matches a located error's category and its sentinel, never another
// category; JSON still carries the sentinel's own code.
func TestCategories(t *testing.T) {
	cats := []*fault.Sentinel{fault.ErrInvalid, fault.ErrMissing, fault.ErrUnknown, fault.ErrUnsupported, fault.ErrSyntax, fault.ErrLimit, fault.ErrNoSolution}
	src, err := os.ReadFile("sentinels.go")
	if err != nil {
		t.Fatal(err)
	}
	count := map[*fault.Sentinel]int{}
	for _, d := range regexp.MustCompile(`(?m)^\t(Err[A-Za-z]*) += &Sentinel\{code: "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		s, _ := fault.ByCode(d[2])
		c := s.Category()
		if !slices.Contains(cats, c) {
			t.Errorf("%s: category %q is not one of the seven", d[1], c.Code())
			continue
		}
		count[c]++
		err := &fault.Error{Pkg: "x", Field: "f", Err: s}
		for _, o := range cats {
			if got := errors.Is(err, o); got != (o == c) {
				t.Errorf("%s: errors.Is(err, %s) = %v, its category is %s", d[1], o.Code(), got, c.Code())
			}
		}
		if !errors.Is(err, s) || fault.ToJSON(err).Code != d[2] {
			t.Errorf("%s: errors.Is its own sentinel %v, JSON code %q", d[1], errors.Is(err, s), fault.ToJSON(err).Code)
		}
	}
	for _, c := range cats {
		if c.Category() != c || count[c] < 2 {
			t.Errorf("category %s: its own category %v, %d sentinels in it", c.Code(), c.Category() == c, count[c])
		}
	}
	if !errors.Is(fault.ErrRate, fault.ErrInvalid) || errors.Is(fault.ErrInvalid, fault.ErrRate) {
		t.Error("a sentinel is its category's; a category is not its members'")
	}
}

// TestFromJSON reads an error back from its JSON: the same message, location and sentinel.
func TestFromJSON(t *testing.T) {
	orig := &fault.Error{Pkg: "modelfile", File: "m.json", Path: "$.shares", Err: &fault.Error{Pkg: "valuation", Field: "shares", Value: "0", Err: fault.ErrShares}}
	b, err := json.Marshal(orig)
	if err != nil {
		t.Fatal(err)
	}
	var j fault.JSON
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	back := fault.FromJSON(j)
	var fe *fault.Error
	if back.Error() != orig.Error() || !errors.Is(back, fault.ErrShares) || !errors.As(back, &fe) || fe.Path != "$.shares" || fe.Field != "shares" {
		t.Errorf("read back %v (%+v)", back, fe)
	}
	if unknown := fault.FromJSON(fault.JSON{Error: "x", Code: "nope"}); unknown.Error() != "x" {
		t.Errorf("unknown code: %v", unknown)
	}
}

// plainByStringFixed is Plain as it was first written, through shopspring's StringFixed:
// the reference AppendPlain's digit arithmetic is held to.
func plainByStringFixed(d decimal.Decimal) string {
	if d.Exponent() >= 0 {
		return d.StringFixed(0)
	}
	return strings.TrimSuffix(strings.TrimRight(d.StringFixed(-d.Exponent()), "0"), ".")
}

// FuzzPlain: AppendPlain, which writes a decimal without allocating while its
// coefficient fits 18 digits, gives what StringFixed gives, for any coefficient and
// exponent; CI runs it.
func FuzzPlain(f *testing.F) {
	f.Add(int64(0), int32(0), "")
	f.Add(int64(-5), int32(-1), "")
	f.Add(int64(math.MinInt64), int32(-30), "")
	f.Add(int64(math.MaxInt64), int32(3), "")
	f.Add(int64(1), int32(0), "-123456789012345678901234567890.1234567890")
	f.Add(int64(1), int32(0), "9223372036854775808e-19")
	f.Add(int64(1), int32(0), "1000000000000000000000e-25")
	f.Add(int64(1), int32(0), "0.000")
	f.Fuzz(func(t *testing.T, c int64, exp int32, s string) {
		v := decimal.New(c, exp%64)
		if s != "" {
			var err error
			if v, err = decimal.NewFromString(s); err != nil || v.Exponent() < -1000 || v.Exponent() > 1000 || len(s) > 200 {
				t.Skip()
			}
		}
		want := plainByStringFixed(v)
		if got := string(fault.AppendPlain([]byte("x"), v)); got != "x"+want {
			t.Fatalf("AppendPlain(%s × 10^%d) = %s, want x%s", v.Coefficient(), v.Exponent(), got, want)
		}
		if got := fault.Plain(v); got != want {
			t.Fatalf("Plain(%s × 10^%d) = %s, want %s", v.Coefficient(), v.Exponent(), got, want)
		}
	})
}
