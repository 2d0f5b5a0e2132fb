package jsonx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// compactCases are JSON texts, valid or not, for TestCompact and the seeds of
// FuzzCompact.
var compactCases = []struct {
	in   string
	want bool // compact takes it as it is
}{
	{`null`, true}, {`true`, true}, {`false`, true}, {`0`, true}, {`-0`, true}, {`-12.5e+3`, true}, {`1E-2`, true},
	{`""`, true}, {`"a\"\\\/\b\f\n\r\t\u00e9\uD83D"`, true}, {"\"\xff é\"", true}, {`[]`, true}, {`{}`, true},
	{`{"values":["404.5590123456789012"]}`, true}, {`[1,[2,{"a":[{}]}],"x"]`, true},
	{`{"error":{"error":"a","code":"b","year":2021}}`, true},
	{strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth), true},
	// Valid, but with space, or nested deeper than compact looks: for json.Compact.
	{` 1`, false}, {`1 `, false}, {`[1, 2]`, false}, {"{\"a\":\n1}", false},
	{strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), false},
	// Invalid: json.Compact reports them.
	{``, false}, {`01`, false}, {`1.`, false}, {`.5`, false}, {`1e`, false}, {`-`, false}, {`+1`, false}, {`tru`, false},
	{`nul`, false}, {`True`, false}, {`"abc`, false}, {"\"a\x01\"", false}, {`"\x"`, false}, {`"\u12"`, false},
	{`"\u12G4"`, false}, {`[1,]`, false}, {`[,1]`, false}, {`{"a"}`, false}, {`{"a":1,}`, false}, {`{1:2}`, false},
	{`{"a":1`, false}, {`[1`, false}, {`1 2`, false}, {`12`, true}, {`[1]]`, false}, {`{"a":1}}`, false},
	{`"a"b`, false}, {`NaN`, false}, {`[-]`, false}, {`{"a"::1}`, false},
}

// TestCompact: compact takes as they are only texts that json.Compact would copy
// unchanged, and Marshal's own output.
func TestCompact(t *testing.T) {
	for _, c := range compactCases {
		if got := compact([]byte(c.in)); got != c.want {
			t.Errorf("compact(%q) = %v, want %v", c.in, got, c.want)
		}
		checkCompact(t, []byte(c.in))
	}
	out, err := Marshal(struct {
		S []any
		M map[string]any
	}{[]any{"a<\u2028\xff", 1.5e-9, -3, nil, true, []int(nil)}, map[string]any{"k": map[int]string{1: "\x00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !compact(out) {
		t.Errorf("compact refuses Marshal's output %s", out)
	}
}

// checkCompact fails t when compact takes b but json.Compact would change or refuse it.
func checkCompact(t *testing.T, b []byte) {
	t.Helper()
	if !compact(b) {
		return
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatalf("compact takes %q, which json.Compact refuses: %v", b, err)
	}
	if !bytes.Equal(out.Bytes(), b) {
		t.Fatalf("compact takes %q, which json.Compact changes to %q", b, out.Bytes())
	}
}

// FuzzCompact: whatever the bytes, compact takes them only if json.Compact would copy
// them unchanged.
func FuzzCompact(f *testing.F) {
	for _, c := range compactCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(checkCompact)
}
