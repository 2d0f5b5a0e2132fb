package files

import (
	"bytes"
	"os"
	"testing"
	"testing/fstest"

	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestLocate: an error of valuing a model file's model carries the key of what it names,
// and the file's paths give the key, or the nearest key that holds it, its JSON path. A
// case for each shape of error of segments, comps, earnings and valuation that names a
// figure or input of the file; each would fail if an error site lost its key or the
// paths their entry.
func TestLocate(t *testing.T) {
	kuaishou := kuaishou2021.ModelFile()
	holdco, err := os.ReadFile("../../modelfile/testdata/bridge.json")
	if err != nil {
		t.Fatal(err)
	}
	peers := fstest.MapFS{"peers.csv": {Data: []byte("ticker,currency,market_value,mau_2021\nA,USD,5,10\nB,USD,10,10\n")}}
	decimal := func(s string) Decimal {
		d, err := ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ptr := func(s string) *Decimal { d := decimal(s); return &d }
	for _, c := range []struct {
		name string
		file []byte
		edit func(f *File)
		key  string // the innermost error's key as String writes it, partial keys too ("part//")
		at   string
	}{
		// The plan: driver inputs, users, its shape.
		{"driver input", kuaishou, func(f *File) { f.Plan.Segments[0].Inputs[2021]["paying_ratio"] = decimal("1.5") },
			"forecast/2021/live_streaming/paying_ratio", `$.plan.segments[0].inputs["2021"].paying_ratio`},
		{"net margin", kuaishou, func(f *File) { f.Plan.Segments[2].NetMargin = map[int]Decimal{2021: decimal("2")} },
			"forecast/2021/ecommerce/net_margin", `$.plan.segments[2].net_margin["2021"]`},
		{"inputs of a year missing", kuaishou, func(f *File) { delete(f.Plan.Segments[1].Inputs, 2022) },
			"forecast/2022/advertising/", `$.plan.segments[1].inputs["2022"]`},
		{"DAU above MAU", kuaishou, func(f *File) { f.Plan.Users[2021] = Users{MAU: decimal("1"), DAU: decimal("2")} },
			"forecast/2021/dau", `$.plan.users["2021"].dau`},
		{"MAU zero", kuaishou, func(f *File) { f.Plan.Users[2021] = Users{MAU: decimal("0"), DAU: decimal("0")} },
			"forecast/2021/mau", `$.plan.users["2021"].mau`},
		{"users of a year missing", kuaishou, func(f *File) { delete(f.Plan.Users, 2022) },
			"forecast/2022/", `$.plan.users["2022"]`},
		{"years out of order", kuaishou, func(f *File) { f.Plan.Years[1] = 2000 }, "forecast/0/years", "$.plan.years"},
		{"no segments", kuaishou, func(f *File) { f.Plan.Segments = nil }, "forecast/0/segments", "$.plan.segments"},
		{"segment named twice", kuaishou, func(f *File) { f.Plan.Segments[1].Name = f.Plan.Segments[0].Name },
			"forecast/0/live_streaming/name", "$.plan.segments[0].name"},
		{"segment without a name", kuaishou, func(f *File) { f.Plan.Segments[1].Name = "" }, "forecast/0/name", "$.plan.segments[1].name"},
		// The model's fields.
		{"unknown year", kuaishou, func(f *File) { f.Year = 2050 }, "year", "$.year"},
		{"zero shares", kuaishou, func(f *File) { f.Shares = decimal("0") }, "shares", "$.shares"},
		{"negative price", kuaishou, func(f *File) { f.Price = ptr("-1") }, "price", "$.price"},
		{"no parts", holdco, func(f *File) { f.Parts = nil }, "part//", "$.parts"},
		// A part: its segment, method and metric.
		{"unknown segment", kuaishou, func(f *File) { f.Parts[1].Segment = "x" }, "part/x/segment", "$.parts[1].segment"},
		{"label against metric", kuaishou, func(f *File) { f.Parts[0].Method = "P/E" }, "part/live_streaming/method", "$.parts[0].method"},
		{"unknown metric", kuaishou, func(f *File) { f.Parts[0].Method, f.Parts[0].Metric = "mine", "nosuch" },
			"part/live_streaming/metric", "$.parts[0].metric"},
		{"money figure on a set of users", kuaishou, func(f *File) { f.Parts[0].Method, f.Parts[0].Metric = "mine", "revenue" },
			"part/live_streaming/metric", "$.parts[0].metric"},
		{"EV/ label on a set of market values", kuaishou, func(f *File) {
			f.Parts[0].Method, f.Parts[0].Metric, f.Parts[0].Comps.Money = "EV/S", "revenue", true
		}, "part/live_streaming/method", "$.parts[0].method"},
		// A part's set and comparables.
		{"comparable's metric zero", kuaishou, func(f *File) { f.Parts[0].Comps.Companies[1].Metrics["mau_2021"] = decimal("0") },
			"part/live_streaming/comp/DOYU US/metric", "$.parts[0].comps.companies[1]"},
		{"comparable's metric missing", kuaishou, func(f *File) { delete(f.Parts[0].Comps.Companies[1].Metrics, "mau_2021") },
			"part/live_streaming/comp/DOYU US/metric", "$.parts[0].comps.companies[1]"},
		{"comparable's currency without a rate", kuaishou, func(f *File) { f.Parts[0].Comps.Companies[1].Currency = "EUR" },
			"part/live_streaming/comp/DOYU US/currency", "$.parts[0].comps.companies[1]"},
		{"printed multiple negative", kuaishou, func(f *File) { f.Parts[0].Comps.Companies[1].Multiples = map[string]Decimal{"mau_2021": decimal("-1")} },
			"part/live_streaming/comp/DOYU US/multiple", "$.parts[0].comps.companies[1]"},
		{"premium", kuaishou, func(f *File) { f.Parts[0].Comps.Premium = ptr("-2") }, "part/live_streaming/premium", "$.parts[0].comps.premium"},
		{"outlier threshold", kuaishou, func(f *File) { f.Parts[0].Comps.OutlierZ = ptr("-2") }, "part/live_streaming/outlier_z", "$.parts[0].comps.outlier_z"},
		{"trim", kuaishou, func(f *File) { f.Parts[0].Comps.Aggregate, f.Parts[0].Comps.Trim = "trimmed", ptr("0.6") },
			"part/live_streaming/trim", "$.parts[0].comps.trim"},
		{"weight of no comparable", kuaishou, func(f *File) {
			f.Parts[0].Comps.Aggregate = "weighted"
			f.Parts[0].Comps.Weights = map[string]Decimal{"HUYA US": decimal("1"), "DOYU US": decimal("1"), "ZZ": decimal("1")}
		}, "part/live_streaming/comp/ZZ/weight", "$.parts[0].comps.weights.ZZ"},
		{"negative weight", kuaishou, func(f *File) {
			f.Parts[0].Comps.Aggregate = "weighted"
			f.Parts[0].Comps.Weights = map[string]Decimal{"HUYA US": decimal("-1"), "DOYU US": decimal("1")}
		}, "part/live_streaming/comp/HUYA US/weight", `$.parts[0].comps.weights["HUYA US"]`},
		{"comparable without a weight", kuaishou, func(f *File) {
			f.Parts[0].Comps.Aggregate, f.Parts[0].Comps.Weights = "weighted", map[string]Decimal{"HUYA US": decimal("1")}
		}, "part/live_streaming/comp/DOYU US/weight", "$.parts[0].comps.companies[1]"},
		{"weights summing to zero", kuaishou, func(f *File) {
			f.Parts[0].Comps.Aggregate = "weighted"
			f.Parts[0].Comps.Weights = map[string]Decimal{"HUYA US": decimal("0"), "DOYU US": decimal("0")}
		}, "part/live_streaming/weights", "$.parts[0].comps.weights"},
		{"exclusion of no comparable", kuaishou, func(f *File) { f.Parts[0].Comps.Exclude = map[string]string{"ZZ": "x"} },
			"part/live_streaming/comp/ZZ/exclude", "$.parts[0].comps.exclude.ZZ"},
		{"every comparable excluded", kuaishou, func(f *File) { f.Parts[0].Comps.Exclude = map[string]string{"HUYA US": "x", "DOYU US": "y"} },
			"part/live_streaming/comps", "$.parts[0].comps"},
		{"set's currency without a rate", kuaishou, func(f *File) {
			f.Parts[0].Comps.Currency = "EUR"
			f.FX = append(f.FX, Rate{From: "USD", To: "GBP", Rate: decimal("0.8")}, Rate{From: "GBP", To: "EUR", Rate: decimal("1.15")})
		}, "fx/EUR/HKD", "$.fx"}, // USD/EUR crosses through GBP; EUR/HKD would take three legs
		{"comparable of a file", kuaishou, func(f *File) {
			f.Parts[0].Comps.Companies, f.Parts[0].Comps.File, f.Parts[0].Comps.Metric = nil, "peers.csv", "mau_2022"
		}, "part/live_streaming/comp/A/metric", "$.parts[0].comps.file"},
		{"weight in a set of a file", kuaishou, func(f *File) {
			f.Parts[0].Comps.Companies, f.Parts[0].Comps.File, f.Parts[0].Comps.Aggregate = nil, "peers.csv", "weighted"
			f.Parts[0].Comps.Weights = map[string]Decimal{"A": decimal("-1"), "B": decimal("1")}
		}, "part/live_streaming/comp/A/weight", "$.parts[0].comps.weights.A"},
		// The P&L.
		{"P&L ratio", kuaishou, func(f *File) { f.Earnings.Lines[0].Years[2020] = PnLValue{Ratio: ptr("9")} },
			"pnl/2020/line/cost_of_sales/ratio", `$.earnings.lines[0].years["2020"].ratio`},
		{"P&L amount", kuaishou, func(f *File) { f.Earnings.Lines[0].Years[2020] = PnLValue{Amount: ptr("-9")} },
			"pnl/2020/line/cost_of_sales", `$.earnings.lines[0].years["2020"].amount`},
		{"P&L ratio of no segment", kuaishou, func(f *File) { f.Earnings.Lines[0].Years[2020] = PnLValue{Ratio: ptr("0.5"), Of: "nosuch"} },
			"pnl/2020/line/cost_of_sales", `$.earnings.lines[0].years["2020"].of`},
		{"P&L year missing", kuaishou, func(f *File) { delete(f.Earnings.Lines[1].Years, 2022) },
			"pnl/2022/line/selling_marketing", `$.earnings.lines[1].years["2022"]`},
		{"P&L line named twice", kuaishou, func(f *File) { f.Earnings.Lines[1].Name = f.Earnings.Lines[0].Name },
			"pnl/0/line/cost_of_sales", "$.earnings.lines[0]"},
		{"P&L share count zero", kuaishou, func(f *File) { f.Earnings.Shares[2020] = decimal("0") }, "pnl/2020/shares", `$.earnings.shares["2020"]`},
		{"P&L share count missing", kuaishou, func(f *File) { delete(f.Earnings.Shares, 2022) }, "pnl/2022/shares", `$.earnings.shares["2022"]`},
		{"P&L at the price without a rate", kuaishou, func(f *File) { f.FX = f.FX[:1] }, "fx/CNY/HKD", "$.fx"},
		// The bridge, the dilution, the horizon.
		{"bridge amount", holdco, func(f *File) { f.Bridge.Items[1].Amount = ptr("-5") }, "bridge/bonds/amount", "$.bridge.items[1].amount"},
		{"bridge discount", holdco, func(f *File) { f.Bridge.Items[2].Discount = ptr("1") }, "bridge/stake_hk/discount", "$.bridge.items[2].discount"},
		{"bridge shares and price", holdco, func(f *File) { f.Bridge.Items[2].Shares = ptr("-1") }, "bridge/stake_hk/shares", "$.bridge.items[2].shares"},
		{"bridge item named twice", holdco, func(f *File) { f.Bridge.Items[2].Name = "bonds" }, "bridge/bonds/name", "$.bridge.items[1].name"},
		{"bridge item without a name", holdco, func(f *File) { f.Bridge.Items[2].Name = "" }, "bridge//name", "$.bridge.items[2].name"},
		{"bridge currency without a rate", holdco, func(f *File) { f.Bridge.Items[2].Currency = "EUR" },
			"bridge/stake_hk/currency", "$.bridge.items[2].currency"},
		{"holdco discount", holdco, func(f *File) { f.Bridge.HoldcoDiscount = ptr("1") }, "bridge/holdco/discount", "$.bridge.holdco_discount"},
		{"tranche count", holdco, func(f *File) { f.Dilution.Tranches[1].Count = decimal("-1") }, "dilution/options/count", "$.dilution.tranches[1]"},
		{"tranche strike", holdco, func(f *File) { f.Dilution.Tranches[1].Strike = ptr("-1") }, "dilution/options/strike", "$.dilution.tranches[1]"},
		{"dilution at no price", holdco, func(f *File) { f.Dilution.Basis, f.Price = "price", nil }, "price", "$.price"},
		{"horizon rate", holdco, func(f *File) { f.Horizon = &Horizon{Rate: decimal("1"), Years: decimal("1")} }, "horizon/rate", "$.horizon.rate"},
		{"horizon years", holdco, func(f *File) { f.Horizon = &Horizon{Rate: decimal("0.1"), Years: decimal("50")} }, "horizon/years", "$.horizon.years"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Decode(bytes.NewReader(c.file))
			if err != nil {
				t.Fatal(err)
			}
			c.edit(&f)
			m, err := f.Model(peers)
			if err != nil {
				t.Fatalf("building the model: %v", err)
			}
			_, err = m.Value()
			if err == nil {
				t.Fatal("valuing: no error")
			}
			if got := innermostKey(err).String(); got != c.key {
				t.Errorf("key %s, want %s (%v)", got, c.key, err)
			}
			if got := f.Locate("$", err); got != c.at {
				t.Errorf("at %s, want %s (%v)", got, c.at, err)
			}
			if got, want := f.Locate("$.model", err), "$.model"+c.at[1:]; got != want {
				t.Errorf("in a run: at %s, want %s", got, want)
			}
		})
	}
}
