package valuation_test

import (
	"testing"

	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
)

// TestLabel: each kind of key of the report's model is labelled as its tables print it,
// worked by hand from the model: its years (2021E), segment and line titles, methods and
// currencies (HK$ target, US$ peers, RMB plan).
func TestLabel(t *testing.T) {
	r, err := kuaishou2021.Model().Value()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"target":                       "Target price (HK$)",
		"upside":                       "Upside (%)",
		"sum":                          "Sum of the parts (HK$ m)",
		"shares":                       "Shares (m)",
		"discount":                     "Discount factor",
		"forecast/2021/mau":            "2021E MAU (m)",
		"forecast/2019/dau":            "2019 DAU (m)",
		"forecast/2021/revenue":        "2021E revenue (RMB m)",
		"forecast/2021/revenue/growth": "2021E revenue growth (%)",
		"forecast/2021/live_streaming/paying_ratio": "2021E Live streaming: Paying ratio (%)",
		"forecast/2021/live_streaming/share":        "2021E Live streaming: share of revenue (%)",
		"forecast/2021/ecommerce/take_rate":         "2021E Other (mainly live e-commerce): Take rate (%)",
		"forecast/2021/advertising/revenue_per_dau": "2021E Advertising: Revenue per DAU (RMB per user)",
		"part/ecommerce/premium":                    "Other (mainly live e-commerce): premium to peers (%)",
		"part/advertising/average":                  "Advertising: peers' P/MAU (US$ per user)",
		"part/advertising/value":                    "Advertising: value (HK$ m)",
		"fx/USD/HKD":                                "HKD per USD",
		"pnl/2021/eps":                              "2021E EPS (RMB)",
		"pnl/2021/pe":                               "2021E P/E (x)",
		"pnl/2021/net_profit/growth":                "2021E Net profit growth (%)",
		"forecast/2021/tiktok/revenue":              "forecast/2021/tiktok/revenue",
		"forecast/2030/mau":                         "forecast/2030/mau",
		"part/tiktok/value":                         "part/tiktok/value",
	} {
		parsed, err := key.Parse(k)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Caption(parsed); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}
