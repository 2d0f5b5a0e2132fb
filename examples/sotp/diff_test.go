package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// TestDiff: sotp diff tells the change of the report's target, when a new model moves
// 2021E MAU to 600, a peer's printed multiple (Huya's, 34.41 to 40), the e-commerce premium to -30%, USD/HKD to 7.8
// and the shares to 4,200, group by group in a fixed order, each step an exact
// revaluation: the groups sum to the change exactly. Users by hand: 404.559 × (600 /
// 571.68 - 1) = +20.0. -chart draws the groups as a waterfall. Models of another
// structure are refused.
func TestDiff(t *testing.T) {
	old := filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json")
	b, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, r := range [][2]string{{`"mau": "571.68"`, `"mau": "600"`}, {`"rate": "7.7"`, `"rate": "7.8"`},
		{`"premium": "-0.2",`, `"premium": "-0.3",`}, {`"shares": "4159"`, `"shares": "4200"`}} {
		if !strings.Contains(doc, r[0]) {
			t.Fatalf("no %q", r[0])
		}
		doc = strings.Replace(doc, r[0], r[1], 1)
	}
	doc = strings.Replace(doc, `"mau_2021": "34.41"`, `"mau_2021": "40"`, 1) // a peer's printed multiple
	nu := filepath.Join(t.TempDir(), "new.json")
	if err := os.WriteFile(nu, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Old, New string
		Groups   []struct{ Group, Change string }
	}
	if err := json.Unmarshal([]byte(sotp(t, "diff", "-format", "json", old, nu)), &rep); err != nil {
		t.Fatal(err)
	}
	sum := decimal.Decimal{}
	var names []string
	for _, g := range rep.Groups {
		sum = sum.Add(decimal.RequireFromString(g.Change))
		names = append(names, g.Group)
	}
	want := decimal.RequireFromString(rep.New).Sub(decimal.RequireFromString(rep.Old))
	if !sum.Equal(want) || strings.Join(names, ", ") != "users, peer multiples, premiums, FX, shares" {
		t.Errorf("groups %v sum to %s, want %s in the order users, peer multiples, premiums, FX, shares", rep.Groups, sum, want)
	}
	if decimal.RequireFromString(rep.Groups[0].Change).StringFixed(1) != "20.0" {
		t.Errorf("users %s, want +20.0 by hand", rep.Groups[0].Change)
	}
	svg := filepath.Join(t.TempDir(), "diff.svg")
	text := sotp(t, "diff", "-chart", svg, old, nu)
	if !strings.Contains(text, "  users ") || !strings.Contains(text, "Attribution of the target") {
		t.Errorf("text:\n%s", text)
	}
	// The waterfall: the old and new targets and a bar a group, labelled by group.
	drawn, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range append(names, "kuaishou2021.json", "new.json", "by cause") {
		if !strings.Contains(string(drawn), ">"+label) && !strings.Contains(string(drawn), label+"<") {
			t.Errorf("the waterfall has no label %q", label)
		}
	}
	var stdout, stderr strings.Builder
	if code := command(t.Context(), []string{"diff", "-chart", "x.txt", old, nu}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), ".svg or .png") {
		t.Errorf("a chart of another format: exit %d, %s", code, stderr.String())
	}
	streamco := filepath.Join("..", "..", "segments", "testdata", "streamco.json")
	stdout.Reset()
	stderr.Reset()
	if code := command(t.Context(), []string{"diff", old, streamco}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "one structure") {
		t.Errorf("models of two structures: exit %d, %s", code, stderr.String())
	}
}
