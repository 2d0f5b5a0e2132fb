package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
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
	rep, names, sum := diffJSON(t, old, nu)
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
	if code := command(t.Context(), []string{"diff", old, streamco}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "is not in the new model") {
		t.Errorf("models of two structures: exit %d, %s", code, stderr.String())
	}
}

// TestDiffStructural: a new model of the local-services example without its grocery
// segment (a fixed -800), its advertising priced at a fixed 24,000 in place of P/MAU
// (30,000), and its delivery peer at a market value of 32,000 for 28,000 (EV/EBITDA 17x
// for 15x on 2,400 of EBITDA: 40,800 for 36,000) is told structure first, each step an
// exact revaluation, by hand over 1,000m shares: grocery removed +0.8, advertising's
// method -6.0, then like for like the peer multiples +4.8; 68.2 to 67.8, the steps
// summing to the change exactly. Backwards, grocery is added at -0.8.
func TestDiffStructural(t *testing.T) {
	old := filepath.Join("..", "models", "localco.json")
	nu := edited(t, old, func(doc map[string]any) {
		parts := doc["parts"].([]any)
		delivery := parts[1].(map[string]any)
		delivery["comps"].(map[string]any)["companies"].([]any)[0].(map[string]any)["market_value"] = "32000"
		doc["parts"] = []any{delivery, map[string]any{"segment": "ads", "method": "fixed", "value": "24000", "note": "a stake's price (made up)"}}
		plan := doc["plan"].(map[string]any)
		plan["segments"] = plan["segments"].([]any)[1:] // grocery was first
	})
	rep, _, _ := diffJSON(t, old, nu)
	var got []string
	sum := decimal.Decimal{}
	for _, g := range rep.Groups {
		c := decimal.RequireFromString(g.Change)
		sum = sum.Add(c)
		got = append(got, g.Group+" "+c.StringFixed(1))
	}
	want := []string{"removed: grocery 0.8", "method: ads P/MAU to Fixed -6.0", "peer multiples 4.8"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") || rep.Old != "68.2" || rep.New != "67.8" ||
		!sum.Equal(decimal.RequireFromString(rep.New).Sub(decimal.RequireFromString(rep.Old))) {
		t.Errorf("%s to %s by %v, want 68.2 to 67.8 by %v, summing exactly", rep.Old, rep.New, got, want)
	}
	// Backwards, grocery is added at its value and advertising's method changes back.
	rep, _, _ = diffJSON(t, nu, old)
	got = got[:0]
	for _, g := range rep.Groups {
		got = append(got, g.Group+" "+decimal.RequireFromString(g.Change).StringFixed(1))
	}
	if want := "added: grocery -0.8; method: ads Fixed to P/MAU 6.0; peer multiples -4.8"; strings.Join(got, "; ") != want {
		t.Errorf("backwards by %v, want %s", got, want)
	}
}

// TestDiffYears: a new model of the report's drops 2018 from its plan and prices 2022E in
// place of 2021E, nothing else moved. The change is told as two structural steps: the
// valuation year rolled forward, the report's multiples on 2022E's users, the whole
// change exactly; then 2018 dropped (its figures touch no 2022 value: exactly 0).
// Backwards, 2018 is added first, at 0, and the year rolls back by as much.
func TestDiffYears(t *testing.T) {
	old := filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json")
	nu := edited(t, old, func(doc map[string]any) {
		doc["year"] = 2022
		plan := doc["plan"].(map[string]any)
		plan["years"] = plan["years"].([]any)[1:]
		delete(plan["users"].(map[string]any), "2018")
		for _, s := range plan["segments"].([]any) {
			delete(s.(map[string]any)["inputs"].(map[string]any), "2018")
		}
		pnl := doc["earnings"].(map[string]any)
		for _, l := range pnl["lines"].([]any) {
			delete(l.(map[string]any)["years"].(map[string]any), "2018")
		}
		delete(pnl["shares"].(map[string]any), "2018")
		delete(pnl["equity"].(map[string]any), "2018")
	})
	target := func(file string) decimal.Decimal {
		var figs map[string]string
		if err := json.Unmarshal([]byte(sotp(t, "figure", "-format", "json", file, "target")), &figs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return decimal.RequireFromString(figs["target"])
	}
	oldTarget, newTarget := target(old), target(nu)
	for _, c := range []struct {
		from, to string
		want     []string
		change   decimal.Decimal
	}{
		{old, nu, []string{"valuation year: 2021 to 2022", "plan years dropped: 2018-2022 to 2019-2022"}, newTarget.Sub(oldTarget)},
		{nu, old, []string{"plan years added: 2019-2022 to 2018-2022", "valuation year: 2022 to 2021"}, oldTarget.Sub(newTarget)},
	} {
		roll, years := 1, 0 // the places of the year's step and the plan's
		if c.want[0] != "plan years added: 2019-2022 to 2018-2022" {
			roll, years = 0, 1
		}
		var rep struct {
			Groups []struct{ Group, Change string }
		}
		if err := json.Unmarshal([]byte(sotp(t, "diff", "-format", "json", c.from, c.to)), &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.Groups) != 2 || rep.Groups[0].Group != c.want[0] || rep.Groups[1].Group != c.want[1] ||
			!decimal.RequireFromString(rep.Groups[years].Change).IsZero() || !decimal.RequireFromString(rep.Groups[roll].Change).Equal(c.change) {
			t.Errorf("%s to %s: %v, want %v, the plan's years at 0 and the year's roll at %s", c.from, c.to, rep.Groups, c.want, c.change)
		}
	}
}

// TestDiffRefresh: the report's model against its 2024 refresh (valuation/kuaishou2024:
// other years, priced on 2023, other peers, FX and price): the structural steps (2023
// added, the year rolled from 2021 to 2023, 2018-2021 dropped) and the like-for-like
// groups sum to the change of the target exactly. The golden text is diff-2024.txt.
func TestDiffRefresh(t *testing.T) {
	old := filepath.Join("..", "..", "valuation", "kuaishou2021", "kuaishou2021.json")
	nu := filepath.Join("..", "..", "valuation", "kuaishou2024", "kuaishou2024.json")
	rep, groups, sum := diffJSON(t, old, nu)
	want := []string{"plan years added: 2018-2022 to 2018-2023", "valuation year: 2021 to 2023",
		"plan years dropped: 2018-2023 to 2022-2023", "peer multiples", "FX"}
	if change := decimal.RequireFromString(rep.New).Sub(decimal.RequireFromString(rep.Old)); !sum.Equal(change) ||
		strings.Join(groups, "; ") != strings.Join(want, "; ") {
		t.Errorf("%s to %s (%s) by %v summing to %s; want %v, summing exactly", rep.Old, rep.New, change, groups, sum, want)
	}
	// Backwards the report's P&L comes in as a step of its own (a review found the
	// refresh, which has none, refused as another structure).
	rep, groups, sum = diffJSON(t, nu, old)
	if change := decimal.RequireFromString(rep.New).Sub(decimal.RequireFromString(rep.Old)); !sum.Equal(change) || !slices.Contains(groups, "P&L added") {
		t.Errorf("backwards: %v summing to %s, want a P&L step, summing exactly to %s", groups, sum, change)
	}
}

// diffReportJSON is the JSON of sotp diff, as the tests read it.
type diffReportJSON struct {
	Old, New string
	Groups   []struct{ Group, Change string }
}

// diffJSON runs sotp diff -format json and returns its report, its groups' names and the
// sum of their changes.
func diffJSON(t *testing.T, old, nu string) (diffReportJSON, []string, decimal.Decimal) {
	t.Helper()
	var rep diffReportJSON
	if err := json.Unmarshal([]byte(sotp(t, "diff", "-format", "json", old, nu)), &rep); err != nil {
		t.Fatal(err)
	}
	sum := decimal.Decimal{}
	var names []string
	for _, g := range rep.Groups {
		sum = sum.Add(decimal.RequireFromString(g.Change))
		names = append(names, g.Group)
	}
	return rep, names, sum
}

// TestDiffGrowthYears: the plan's years of a model whose revenue grows from the year
// before (testdata/growth.json: prev(revenue, base_revenue) × (1 + growth), 2024-2026).
//   - Rolled a year on, 2025-2027 with 2025's base the 1,100 of 2024 (1,000 × 1.1) and
//     2027 added: the same target. 2027 is added (0) and 2024 dropped (0: the dropped
//     year's revenue becomes 2025's base, so no figure moves), and nothing else.
//   - Without 2025 (2024, 2026: 2026 grows from 2024's 1,100), against the file: 2025 is
//     added and 2026 now grows from 2025's 1,320. The span is the same, the step is told
//     (a review found it dropped), and the steps sum to the change exactly.
func TestDiffGrowthYears(t *testing.T) {
	growth := filepath.Join("..", "..", "valuation", "modelfile", "testdata", "growth.json")
	plan := func(doc map[string]any) (map[string]any, []map[string]any) {
		p := doc["plan"].(map[string]any)
		var inputs []map[string]any
		for _, s := range p["segments"].([]any) {
			inputs = append(inputs, s.(map[string]any)["inputs"].(map[string]any))
		}
		return p, inputs
	}
	old := growth
	rolled := edited(t, growth, func(doc map[string]any) {
		p, inputs := plan(doc)
		p["years"] = []int{2025, 2026, 2027}
		p["first_estimate"] = 2026
		users := p["users"].(map[string]any)
		delete(users, "2024")
		users["2027"] = map[string]string{"mau": "230", "dau": "95"}
		delete(inputs[0], "2024")
		inputs[0]["2025"].(map[string]any)["base_revenue"] = "1100"
		inputs[0]["2027"] = map[string]string{"revenue_growth": "0.1", "ebitda_margin": "0.2"}
		delete(inputs[1], "2024")
		inputs[1]["2027"] = map[string]string{"revenue_per_dau": "13"}
	})
	rep, groups, sum := diffJSON(t, old, rolled)
	want := []string{"plan years added: 2024-2026 to 2024-2027", "plan years dropped: 2024-2027 to 2025-2027"}
	if strings.Join(groups, "; ") != strings.Join(want, "; ") || !sum.IsZero() || rep.Old != rep.New {
		t.Errorf("rolled a year on: %s to %s by %v; want the same target by %v at 0", rep.Old, rep.New, rep.Groups, want)
	}
	for _, g := range rep.Groups {
		if !decimal.RequireFromString(g.Change).IsZero() {
			t.Errorf("rolled a year on: %s moved the target %s, want 0", g.Group, g.Change)
		}
	}
	gap := edited(t, growth, func(doc map[string]any) {
		p, inputs := plan(doc)
		p["years"] = []int{2024, 2026}
		delete(p["users"].(map[string]any), "2025")
		delete(inputs[0], "2025")
		delete(inputs[1], "2025")
	})
	rep, groups, sum = diffJSON(t, gap, old)
	change := decimal.RequireFromString(rep.New).Sub(decimal.RequireFromString(rep.Old))
	if len(groups) == 0 || groups[0] != "plan years added: 2024, 2026 to 2024-2026" || !sum.Equal(change) || change.IsZero() {
		t.Errorf("a year filled in: %s to %s by %v; want the years step first, summing to the change exactly", rep.Old, rep.New, rep.Groups)
	}
}

// edited writes the model file at path with edit applied to its JSON, to a file of the
// test's own, and returns that file's path.
func edited(t *testing.T, path string, edit func(doc map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	nu := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(nu, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return nu
}

// TestDiffReplacedOnlyPart: the old model's only part replaced by another (its segment
// renamed): diff removed the old part first, leaving a model with no parts to value, and
// failed; it adds the new one first now, and the steps sum to the change of the target.
func TestDiffReplacedOnlyPart(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "valuation", "modelfile", "testdata", "bridge.json"))
	if err != nil {
		t.Fatal(err)
	}
	nu := strings.NewReplacer(`"name": "ads"`, `"name": "ads2"`, `"segment": "ads"`, `"segment": "ads2"`).Replace(string(b))
	if nu == string(b) {
		t.Fatal("bridge.json has no segment ads to rename")
	}
	dir := t.TempDir()
	oldPath, newPath := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	if err := os.WriteFile(oldPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newPath, []byte(nu), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := command(context.Background(), []string{"diff", oldPath, newPath}, &stdout, &stderr); code != 0 {
		t.Errorf("diff: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "added: ads2") || !strings.Contains(stdout.String(), "removed: ads") {
		t.Errorf("diff output names no part added and removed:\n%s", stdout.String())
	}
}
