package workbook_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/segments"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// moveKind is what a cell a point moves holds, for the identity test to count the moves
// of each kind its draw made.
type moveKind int

// Kinds of move: an input of the plan, a premium, a comparable's figure other than its
// close, the price or the share count (otherInput); an FX rate; a comparable's close; the
// multiple its source printed, which a set prices it at where it has one; a bridge
// item's amount, price or discount, or the holding-company discount; a dilution
// tranche's count or strike.
const (
	otherInput moveKind = iota
	fxRate
	closePrice
	printedMultiple
	bridgeInput
	dilutionInput
)

var moveKinds = [...]string{otherInput: "other inputs", fxRate: "FX rates", closePrice: "comparables' closes",
	printedMultiple: "comparables' printed multiples", bridgeInput: "bridge inputs", dilutionInput: "dilution inputs"}

// cellMove is an input of the workbook a point may move: what it is, the cell (a sheet's
// row by the label it begins with, and a column), its base value, and the same move made
// on the model by hand.
type cellMove struct {
	kind         moveKind
	sheet, label string
	col          int
	base         decimal.Decimal
	apply        moveFunc
}

// moveFunc is a cellMove's apply: it sets a figure of the model to v.
type moveFunc = func(m *valuation.Model, v decimal.Decimal) error

// users moves the plan's MAU (or DAU) of year.
func users(year int, dau bool) moveFunc {
	return func(m *valuation.Model, v decimal.Decimal) error {
		u := m.Plan.Users[year]
		if dau {
			u.DAU = v
		} else {
			u.MAU = v
		}
		m.Plan.Users[year] = u
		return nil
	}
}

// driverInput moves the driver input metric of the plan's segment seg in year.
func driverInput(seg, year int, metric segments.Metric) moveFunc {
	return func(m *valuation.Model, v decimal.Decimal) error {
		s := m.Plan.Segments[seg]
		dr, ok := segments.With(s.Drivers[year], metric, v)
		if !ok {
			return fmt.Errorf("%s: no input %s", s.Name, metric)
		}
		s.Drivers[year] = dr
		return nil
	}
}

// rate moves the FX table's rate from the currency from.
func rate(from comps.Currency) moveFunc {
	return func(m *valuation.Model, v decimal.Decimal) error {
		rates := m.FX.Rates()
		for i := range rates {
			if rates[i].From == from {
				rates[i].Rate = v
			}
		}
		fx, err := comps.NewFX(rates...)
		m.FX = fx
		return err
	}
}

// premium moves the premium on the peers of part.
func premium(part int) moveFunc {
	return func(m *valuation.Model, v decimal.Decimal) error {
		mm := m.Parts[part].Method.(valuation.Multiple)
		mm.Comps = mm.Comps.Clone()
		mm.Comps.Premium = v
		m.Parts[part].Method = mm
		return nil
	}
}

// company moves a figure of the comparable c of part: set sets it.
func company(part, c int, set func(*comps.Company, decimal.Decimal)) moveFunc {
	return func(m *valuation.Model, v decimal.Decimal) error {
		mm := m.Parts[part].Method.(valuation.Multiple)
		mm.Comps = mm.Comps.Clone()
		set(&mm.Comps.Companies[c], v)
		m.Parts[part].Method = mm
		return nil
	}
}

// closeOf and netDebtOf set a comparable's close and net debt, for company.
func closeOf(c *comps.Company, v decimal.Decimal)   { c.Close = v }
func netDebtOf(c *comps.Company, v decimal.Decimal) { c.NetDebt = v }

// printedOf sets the multiple a comparable's source printed (it has one), for company.
func printedOf(c *comps.Company, v decimal.Decimal) {
	ms := maps.Clone(c.Multiples)
	for metric := range ms {
		ms[metric] = v
	}
	c.Multiples = ms
}

// item moves a field of the bridge item named name: set sets it.
func item(name string, set func(*valuation.Item, decimal.Decimal)) moveFunc {
	return func(m *valuation.Model, v decimal.Decimal) error {
		for i := range m.Bridge.Items {
			if m.Bridge.Items[i].Name == name {
				set(&m.Bridge.Items[i], v)
				return nil
			}
		}
		return fmt.Errorf("no bridge item %s", name)
	}
}

// amountOf, priceOf and discountOf set a bridge item's amount, price and discount, for
// item.
func amountOf(it *valuation.Item, v decimal.Decimal)   { it.Amount = v }
func priceOf(it *valuation.Item, v decimal.Decimal)    { it.Price = v }
func discountOf(it *valuation.Item, v decimal.Decimal) { it.Discount = v }

// tranche moves the count (or, with strike, the strike) of the dilution's tranche named
// name.
func tranche(name string, strike bool) moveFunc {
	return func(m *valuation.Model, v decimal.Decimal) error {
		for i := range m.Dilution.Tranches {
			if tr := &m.Dilution.Tranches[i]; tr.Name == name {
				if strike {
					tr.Strike = v
				} else {
					tr.Count = v
				}
				return nil
			}
		}
		return fmt.Errorf("no tranche %s", name)
	}
}

// setShares and setPrice move the model's share count and price.
func setShares(m *valuation.Model, v decimal.Decimal) error { m.Shares = v; return nil }
func setPrice(m *valuation.Model, v decimal.Decimal) error  { m.Price = v; return nil }

// currenciesMoves are the inputs of testdata/currencies.json the identity test moves:
// users, driver inputs, both FX rates (USD/HKD converts the US$ set's HK$ comparables
// and the parts; CNY/HKD the revenue the ads peers report), a premium, comparables'
// closes, the share count and the price.
func currenciesMoves(m valuation.Model) []cellMove {
	d := decimal.RequireFromString
	live := m.Parts[0].Method.(valuation.Multiple).Comps.Companies
	return []cellMove{
		{otherInput, workbook.Inputs, "MAU (m)", 2, d("600"), users(2025, false)},
		{otherInput, workbook.Inputs, "DAU (m)", 2, d("350"), users(2025, true)},
		{otherInput, workbook.Inputs, "Live streaming: paying_ratio", 2, d("0.1"), driverInput(0, 2025, "paying_ratio")},
		{otherInput, workbook.Inputs, "Live streaming: monthly_arppu", 2, d("60"), driverInput(0, 2025, "monthly_arppu")},
		{otherInput, workbook.Inputs, "Advertising: revenue_per_dau", 2, d("120"), driverInput(1, 2025, "revenue_per_dau")},
		{fxRate, workbook.Inputs, "FX: HKD per USD", 2, d("7.8"), rate(comps.USD)},
		{fxRate, workbook.Inputs, "FX: HKD per CNY", 2, d("1.085"), rate(comps.CNY)},
		{otherInput, workbook.Inputs, "Premium on the peers: Live streaming", 2, d("0"), premium(0)},
		{closePrice, workbook.Comps, "STR1", 4, live[0].Close, company(0, 0, closeOf)},
		{closePrice, workbook.Comps, "STR2", 4, live[1].Close, company(0, 1, closeOf)},
		{otherInput, workbook.Inputs, "Shares (m)", 2, d("5000"), setShares},
		{otherInput, workbook.Inputs, "Price (HKD)", 2, d("60"), setPrice},
	}
}

// kuaishouMoves are the inputs of the report's model (kuaishou2021.json) the identity
// test moves, in 2021, the year it prices (the fourth of the Inputs sheet's years,
// column 5): MAU and DAU, every driver input, the rate the US$ multiples are converted
// to HK$ at and the CNY rate (which reaches only the P&L: a point moving it alone
// leaves the target where it was), the premiums (e-commerce's 20% discount and live
// streaming's none), a multiple each set's source printed (Tables 11 to 13: the sets
// price each peer at its printed P/MAU, so that is where a peer's price reaches the
// target), the share count and the price.
func kuaishouMoves(m valuation.Model) []cellMove {
	d := decimal.RequireFromString
	printed := func(part int) decimal.Decimal {
		c := m.Parts[part].Method.(valuation.Multiple).Comps.Companies[0]
		for _, v := range c.Multiples {
			return v
		}
		return decimal.Decimal{}
	}
	u := m.Plan.Users[2021]
	return []cellMove{
		{otherInput, workbook.Inputs, "MAU (m)", 5, u.MAU, users(2021, false)},
		{otherInput, workbook.Inputs, "DAU (m)", 5, u.DAU, users(2021, true)},
		{otherInput, workbook.Inputs, "Live streaming: paying_ratio", 5, d("0.118"), driverInput(0, 2021, "paying_ratio")},
		{otherInput, workbook.Inputs, "Live streaming: monthly_arppu", 5, d("44.3815"), driverInput(0, 2021, "monthly_arppu")},
		{otherInput, workbook.Inputs, "Advertising: revenue_per_dau", 5, d("136.5459"), driverInput(1, 2021, "revenue_per_dau")},
		{otherInput, workbook.Inputs, "Other (mainly live e-commerce): penetration", 5, d("0.45"), driverInput(2, 2021, "penetration")},
		{otherInput, workbook.Inputs, "Other (mainly live e-commerce): gmv_per_shopper", 5, d("2726.7"), driverInput(2, 2021, "gmv_per_shopper")},
		{otherInput, workbook.Inputs, "Other (mainly live e-commerce): take_rate", 5, d("0.01"), driverInput(2, 2021, "take_rate")},
		{fxRate, workbook.Inputs, "FX: HKD per USD", 2, d("7.7"), rate(comps.USD)},
		{fxRate, workbook.Inputs, "FX: HKD per CNY", 2, d("1.2049"), rate(comps.CNY)},
		{otherInput, workbook.Inputs, "Premium on the peers: Live streaming", 2, d("0"), premium(0)},
		{otherInput, workbook.Inputs, "Premium on the peers: Other", 2, d("-0.2"), premium(2)},
		{printedMultiple, workbook.Comps, "HUYA US", 15, printed(0), company(0, 0, printedOf)},
		{printedMultiple, workbook.Comps, "FB US", 15, printed(1), company(1, 0, printedOf)},
		{printedMultiple, workbook.Comps, "PDD US", 15, printed(2), company(2, 0, printedOf)},
		{otherInput, workbook.Inputs, "Shares (m)", 2, m.Shares, setShares},
		{otherInput, workbook.Inputs, "Price (HKD)", 2, m.Price, setPrice},
	}
}

// holdcoModel is examples/models/holdco-tech.json with the rest of a bridge and a
// dilution added, for the identity test: its two social networks given by their closes
// and share counts in place of their market values (US$250 × 2,000m and, HK-listed,
// HK$78 × 10,000m: the same US$500,000m and HK$780,000m), so that the points can move
// closes; 2026 MAU of 1,400m in place of 1,350m, so that 2026 DAU (1,050m) moved up by
// 30% stays within it; a discount of 10% on the unlisted stakes; HK$39,000m of debt
// (US$5,000m at 7.8, so the FX rate reaches a claim as well as the listed stake and a
// comparable) and US$8,000m of minorities; and a dilution at the value (the default
// basis, the fixed point): 100m RSUs, 300m options at US$55 (in the money at the base),
// 200m at US$62 and a bond converting into 150m shares at US$64 (both out of it at the
// base, US$60.81 a share, and in it at the points that raise the value past them).
func holdcoModel(t *testing.T) (valuation.Model, valuation.Result) {
	t.Helper()
	d := decimal.RequireFromString
	m, _ := load(t, filepath.Join("..", "..", "examples", "models", "holdco-tech.json"))
	mm := m.Parts[0].Method.(valuation.Multiple)
	mm.Comps = mm.Comps.Clone()
	for i, c := range []struct{ ticker, mv, close, shares string }{{"SOC1", "500000", "250", "2000"}, {"SOC2", "780000", "78", "10000"}} {
		co := &mm.Comps.Companies[i]
		if co.Ticker != c.ticker || !co.MarketValue.Equal(d(c.mv)) {
			t.Fatalf("holdco-tech.json's social network %d is %s at %s: the test expects %s at %s", i, co.Ticker, co.MarketValue, c.ticker, c.mv)
		}
		co.Close, co.Shares, co.MarketValue = d(c.close), d(c.shares), decimal.Decimal{}
	}
	m.Parts[0].Method = mm
	u := m.Plan.Users[2026]
	u.MAU = d("1400")
	m.Plan.Users[2026] = u
	for i := range m.Bridge.Items {
		if m.Bridge.Items[i].Name == "ventures" {
			m.Bridge.Items[i].Discount = d("0.1")
		}
	}
	m.Bridge.Items = append(m.Bridge.Items,
		valuation.Item{Kind: valuation.Debt, Name: "loans", Note: "HK$ bank loans (made up)", Currency: "HKD", Amount: d("39000")},
		valuation.Item{Kind: valuation.Minority, Name: "minorities", Note: "made up", Currency: "USD", Amount: d("8000")})
	m.Dilution = valuation.Dilution{Basis: valuation.AtValue, Tranches: []valuation.Tranche{
		{Name: "rsu", Count: d("100")},
		{Name: "options_a", Count: d("300"), Strike: d("55")},
		{Name: "options_b", Count: d("200"), Strike: d("62")},
		{Name: "bonds", Count: d("150"), Strike: d("64"), Convertible: true},
	}}
	r, err := m.Value()
	if err != nil {
		t.Fatal(err)
	}
	return m, r
}

// holdcoMoves are the inputs of holdcoModel the identity test moves: DAU, fintech's
// transactions and cloud's margin in 2026 (the year the parts price), the FX rate
// (USD/HKD converts the HK$ comparable, the listed stake and the debt), both social
// networks' closes (US$ and HK$) and the cloud peer's net debt, the bridge's inputs
// (the listed stake's price and discount, the unlisted stakes' amount and discount,
// cash, debt, minorities and the holding-company discount on the stakes), the options'
// and the bond's strikes and an out-of-the-money tranche's count, the share count and
// the price.
func holdcoMoves(m valuation.Model) []cellMove {
	d := decimal.RequireFromString
	social := m.Parts[0].Method.(valuation.Multiple).Comps.Companies
	it := func(name string) valuation.Item {
		i := slices.IndexFunc(m.Bridge.Items, func(it valuation.Item) bool { return it.Name == name })
		return m.Bridge.Items[i]
	}
	tr := func(name string) valuation.Tranche {
		i := slices.IndexFunc(m.Dilution.Tranches, func(t valuation.Tranche) bool { return t.Name == name })
		return m.Dilution.Tranches[i]
	}
	return []cellMove{
		{otherInput, workbook.Inputs, "DAU (m)", 3, m.Plan.Users[2026].DAU, users(2026, true)},
		{otherInput, workbook.Inputs, "Fintech: transactions", 3, d("220000"), driverInput(1, 2026, "transactions")},
		{otherInput, workbook.Inputs, "Cloud: ebitda_margin", 3, d("0.15"), driverInput(2, 2026, "ebitda_margin")},
		{fxRate, workbook.Inputs, "FX: HKD per USD", 2, d("7.8"), rate(comps.USD)},
		{closePrice, workbook.Comps, "SOC1", 4, social[0].Close, company(0, 0, closeOf)},
		{closePrice, workbook.Comps, "SOC2", 4, social[1].Close, company(0, 1, closeOf)},
		{otherInput, workbook.Comps, "CLD1", 8, m.Parts[2].Method.(valuation.Multiple).Comps.Companies[0].NetDebt, company(2, 0, netDebtOf)},
		{bridgeInput, workbook.SOTP, "stake_music", 4, it("stake_music").Price, item("stake_music", priceOf)},
		{bridgeInput, workbook.SOTP, "stake_music", 7, it("stake_music").Discount, item("stake_music", discountOf)},
		{bridgeInput, workbook.SOTP, "ventures", 3, it("ventures").Amount, item("ventures", amountOf)},
		{bridgeInput, workbook.SOTP, "ventures", 7, it("ventures").Discount, item("ventures", discountOf)},
		{bridgeInput, workbook.SOTP, "net_cash", 3, it("net_cash").Amount, item("net_cash", amountOf)},
		{bridgeInput, workbook.SOTP, "loans", 3, it("loans").Amount, item("loans", amountOf)},
		{bridgeInput, workbook.SOTP, "minorities", 3, it("minorities").Amount, item("minorities", amountOf)},
		{bridgeInput, workbook.SOTP, "Holding-company discount", 7, m.Bridge.HoldcoDiscount, func(m *valuation.Model, v decimal.Decimal) error {
			m.Bridge.HoldcoDiscount = v
			return nil
		}},
		{dilutionInput, workbook.SOTP, "options_a", 4, tr("options_a").Strike, tranche("options_a", true)},
		{dilutionInput, workbook.SOTP, "options_b", 3, tr("options_b").Count, tranche("options_b", false)},
		{dilutionInput, workbook.SOTP, "bonds", 4, tr("bonds").Strike, tranche("bonds", true)},
		{otherInput, workbook.Inputs, "Shares (m)", 2, m.Shares, setShares},
		{otherInput, workbook.Inputs, "Price (USD)", 2, m.Price, setPrice},
	}
}

// identityCase is a model the identity test moves at random points, with its moves and
// the seed of its draw.
type identityCase struct {
	name  string
	m     valuation.Model
	base  valuation.Result
	moves []cellMove
	seed  [2]uint64
}

// identityBooks are a case's points written as workbooks, each with the result sotp
// gives for the model moved by hand.
type identityBooks struct {
	identityCase
	paths []string
	wants []valuation.Result
}

// points writes the case's workbook once and saves 20 copies of it into dir, each with
// one to three of its inputs set at random (within 30% of the base, to four places or
// fewer; a zero base, a premium, within ±30%), and values the model moved the same way
// by hand. It fails unless the draw set every one of the case's inputs at some point
// and moved each kind of input the case has (FX rates, comparables' closes, bridge and
// dilution inputs) three times or more, and, with a convertible bond, unless it
// converts at some points and stays debt at others: a seed that leaves an input alone,
// or the bond on one side of its strike, tests nothing of it.
func (c identityCase) points(t *testing.T, dir string) identityBooks {
	t.Helper()
	book := writeBook(t, c.m, filepath.Join(dir, c.name+"-base.xlsx"))
	r := rand.New(rand.NewPCG(c.seed[0], c.seed[1]))
	out := identityBooks{identityCase: c}
	drawn, has, set := map[moveKind]int{}, map[moveKind]bool{}, make([]int, len(c.moves))
	for _, mv := range c.moves {
		has[mv.kind] = true
	}
	for i := range 20 {
		f := open(t, book)
		mm := c.m.Clone()
		for _, j := range r.Perm(len(c.moves))[:1+r.IntN(3)] {
			mv := c.moves[j]
			v := mv.base.Mul(decimal.NewFromFloat(0.7 + 0.6*r.Float64())).Round(int32(1 + r.IntN(4)))
			if mv.base.IsZero() { // the premium: a discount or premium of up to 30%
				v = decimal.NewFromFloat(0.6*r.Float64() - 0.3).Round(2)
			}
			setCell(t, f, mv.sheet, mv.label, mv.col, v.InexactFloat64())
			if err := mv.apply(&mm, v); err != nil {
				t.Fatal(err)
			}
			drawn[mv.kind]++
			set[j]++
		}
		want, err := mm.Value()
		if err != nil {
			t.Fatalf("%s point %d: %v", c.name, i, err)
		}
		out.wants = append(out.wants, want)
		out.paths = append(out.paths, save(t, f, filepath.Join(dir, fmt.Sprintf("%s-p%02d.xlsx", c.name, i))))
	}
	if slices.ContainsFunc(c.m.Dilution.Tranches, func(t valuation.Tranche) bool { return t.Convertible }) {
		debt := 0 // points at which a bond stays debt: a line of the bridge
		for _, w := range out.wants {
			if slices.ContainsFunc(w.Bridge, func(l valuation.BridgeLine) bool { return l.Kind == valuation.Convertible }) {
				debt++
			}
		}
		if debt == 0 || debt == len(out.wants) {
			t.Fatalf("%s: a bond stays debt at %d of %d points: the draw should convert it at some and not at others", c.name, debt, len(out.wants))
		}
		t.Logf("%s: a bond converts at %d of the %d points", c.name, len(out.wants)-debt, len(out.wants))
	}
	for j, n := range set {
		if n == 0 {
			t.Fatalf("%s: no point sets %s %q column %d: the draw should set every input the case moves", c.name, c.moves[j].sheet, c.moves[j].label, c.moves[j].col)
		}
	}
	for k := fxRate; k <= dilutionInput; k++ {
		if has[k] && drawn[k] < 3 {
			t.Fatalf("%s: %d moves of %s: the draw should hold more", c.name, drawn[k], moveKinds[k])
		}
	}
	var counts []string
	for k := fxRate; k <= dilutionInput; k++ {
		if has[k] {
			counts = append(counts, fmt.Sprintf("%d moves of %s", drawn[k], moveKinds[k]))
		}
	}
	t.Logf("%s: 20 books, %s among their points", c.name, strings.Join(counts, ", "))
	return out
}

// check holds each recalculated book's parts, sum, equity (with a bridge), target and
// upside to sotp's values of the model moved by hand, to 1e-9 relative, and fails
// unless 15 or more of the 20 targets moved from the base.
func (b identityBooks) check(t *testing.T) {
	t.Helper()
	moved := 0
	for i, path := range b.paths {
		rows := sheetCSV(t, path, workbook.SOTP)
		at := func(what string) string { return fmt.Sprintf("%s point %d %s", b.name, i, what) }
		want := b.wants[i]
		for _, pv := range want.Parts {
			near(t, at(pv.Segment), value(t, rows, pv.Title), pv.Value)
		}
		near(t, at("sum"), value(t, rows, "Sum"), want.Sum)
		if !b.m.Bridge.IsZero() {
			near(t, at("equity"), value(t, rows, "Equity ("), want.Equity) // the bonds that stay debt deducted
		}
		target := value(t, rows, "Target per share")
		near(t, at("target"), target, want.Target)
		near(t, at("upside"), upside(t, rows), want.Upside.Decimal)
		if target != b.base.Target.InexactFloat64() {
			moved++
		}
	}
	if moved < 15 {
		t.Errorf("%s: %d of 20 recalculated targets moved from the base: the cells set were not the inputs", b.name, moved)
	}
}

// upside returns the SOTP sheet's upside, a fraction (the CSV shows it as a percentage).
func upside(t *testing.T, rows [][]string) float64 {
	t.Helper()
	for _, r := range rows {
		if len(r) >= 6 && r[0] == "Upside" {
			v, err := strconv.ParseFloat(strings.TrimSuffix(r[5], "%"), 64)
			if err != nil {
				t.Fatalf("upside: %q: %v", r[5], err)
			}
			return v / 100
		}
	}
	t.Fatal("no row Upside")
	return 0
}

// TestWorkbookIdentity writes the workbooks of three models once each and sets 20 random
// points in each one's cells (one to three inputs a point, each within 30% of its base
// to four places or fewer): the report's model (kuaishouMoves: 2021 users and driver
// inputs, both FX rates, premiums, a printed multiple of each set, the share count and
// the price), testdata/currencies.json (users, driver inputs, two FX rates, a premium,
// comparables' closes, the share count and the price) and holdco-tech.json with a full
// bridge and a dilution (holdcoModel: users and driver inputs, the FX rate,
// comparables' closes and a peer's net debt, every bridge input (listed and unlisted
// stakes with their discounts, cash, debt, minorities, the holding-company discount),
// tranches' strikes and a count, the share count and the price; the bond converts at
// some points and stays debt at others). One LibreOffice process recalculates the 60
// books, and each part's value, the sum, equity (with a bridge), the target and the
// upside are sotp's values of the model moved by hand, to 1e-9 relative (the book shows
// two places): the workbook is the model's, input by input, not only at the base it was
// written at.
func TestWorkbookIdentity(t *testing.T) {
	m, base := load(t, filepath.Join("testdata", "currencies.json"))
	hm, hbase := holdcoModel(t)
	km, kbase := load(t, filepath.Join("..", "kuaishou2021", "kuaishou2021.json"))
	cases := []identityCase{
		{name: "kuaishou", m: km, base: kbase, moves: kuaishouMoves(km), seed: [2]uint64{20, 7}},
		{name: "currencies", m: m, base: base, moves: currenciesMoves(m), seed: [2]uint64{25, 20}},
		{name: "holdco", m: hm, base: hbase, moves: holdcoMoves(hm), seed: [2]uint64{82, 20}},
	}
	dir := t.TempDir()
	var books []identityBooks
	var paths []string
	for _, c := range cases {
		b := c.points(t, dir)
		books = append(books, b)
		paths = append(paths, b.paths...)
	}
	recalcAll(t, paths...)
	for _, b := range books {
		b.check(t)
	}
}
