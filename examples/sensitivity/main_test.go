package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The example's whole output, pinned. Hand checks: the grid's MAU column at the report's
// discount is 404.559 × MAU / 571.68 (P/MAU is linear in MAU: 450 gives 318.5); the DAU
// grid moves revenue by ΔDAU × revenue per DAU (300 × 136.5459 = 40,964 against 344 ×
// 136.5459 = 46,972: 6,008 less); the take-rate grid by ΔGMV × Δrate (GMV 571.68 × 0.45 ×
// 2,726.7 = RMB 701,460m, so 0.5 point adds 3,507m); the tornado's MAU and USD-rate bars
// are each 20% of the target. The Monte Carlo part is seeded and identical for any number
// of workers. The screening gives the 45 assumptions the target does not depend on effects
// of exactly 0, and the Sobol indices of the four it then measures sum to 0.98 (first
// order): the target is nearly additive in them over ±20%.
func Example_run() {
	if err := run(100_000, 1, 0, ""); err != nil {
		fmt.Println(err)
	}
	// Output:
	// target by forecast/2021/mau × part/ecommerce/premium
	// forecast/2021/mau \ part/ecommerce/premium  -50.0%  -40.0%  -30.0%  -20.0%*  -10.0%   0.0%
	// ------------------------------------------------------------------------------------------
	// 450.00                                       266.8   284.0   301.2    318.5   335.7  352.9
	// 500.00                                       296.5   315.6   334.7    353.8   373.0  392.1
	// 550.00                                       326.1   347.1   368.2    389.2   410.3  431.3
	// 571.68*                                      339.0   360.8   382.7   404.6*   426.4  448.3
	// 600.00                                       355.8   378.7   401.7    424.6   447.5  470.5
	// 650.00                                       385.4   410.3   435.1    460.0   484.8  509.7
	// Note: * base case; base target 404.6
	//
	// Tornado: target, base 404.6
	// assumption                             base     low    high  target at low  at high  range
	// ------------------------------------------------------------------------------------------
	// shares                                4,159   3,743   4,575          449.5    367.8   81.7
	// forecast/2021/mau                    571.68  514.51  628.85          364.1    445.0   80.9
	// fx/USD/HKD                           7.7000  6.9300  8.4700          364.1    445.0   80.9
	// part/advertising/average             185.97  167.37  204.57          384.9    424.2   39.4
	// forecast/2021/ecommerce/penetration   45.0%   40.5%   49.5%          387.1    422.0   35.0
	// part/ecommerce/average               459.03  413.13  504.94          387.1    422.0   35.0
	// part/live_streaming/average           31.01   27.91   34.11          401.3    407.8    6.6
	// Note: no effect on target: forecast/2021/dau, forecast/2021/live_streaming/paying_ratio, forecast/2021/advertising/revenue_per_dau, forecast/2021/ecommerce/take_rate
	//
	// HK$319 is justified by forecast/2021/mau = 450.78 (report 571.68), in 1 step(s)
	// HK$319 is justified by part/ecommerce/average = 234.49 (report 459.03), in 1 step(s)
	//
	// forecast/2021/revenue by forecast/2021/dau × forecast/2021/advertising/revenue_per_dau
	// forecast/2021/dau \ forecast/2021/advertising/revenue_per_dau  110.00  120.00  136.55*   150.00   160.00
	// --------------------------------------------------------------------------------------------------------
	// 300.00                                                         75,941  78,941   83,905   87,941   90,941
	// 320.00                                                         78,141  81,341   86,636   90,941   94,141
	// 344.00*                                                        80,781  84,221  89,913*   94,541   97,981
	// 370.00                                                         83,641  87,341   93,463   98,441  102,141
	// 400.00                                                         86,941  90,941   97,560  102,941  106,941
	// Note: * base case; base forecast/2021/revenue 89,913
	//
	// forecast/2021/revenue by forecast/2021/ecommerce/gmv_per_shopper × forecast/2021/ecommerce/take_rate
	// forecast/2021/ecommerce/gmv_per_shopper \ forecast/2021/ecommerce/take_rate   0.50%   1.00%*   1.50%    2.00%    3.00%
	// ----------------------------------------------------------------------------------------------------------------------
	// 2,000.00                                                                     85,471   88,044  90,616   93,189   98,334
	// 2,400.00                                                                     85,986   89,073  92,160   95,247  101,421
	// 2,726.70*                                                                    86,406  89,913*  93,420   96,928  103,942
	// 3,000.00                                                                     86,757   90,616  94,475   98,334  106,052
	// 3,400.00                                                                     87,272   91,645  96,019  100,392  109,139
	// Note: * base case; base forecast/2021/revenue 89,913
	//
	// Scenarios
	//                                       base     bear     bull
	// ------------------------------------------------------------
	// target                               404.6    328.2    486.2
	// upside                               26.8%     2.9%    52.4%
	// forecast/2021/revenue               89,913   80,113  102,262
	// forecast/2021/ecommerce/gmv        701,460  638,048  760,749
	// pnl/2021/net_profit                 -7,401   -6,457   -8,590
	// pnl/2021/eps                         -1.78    -1.55    -2.07
	// forecast/2021/mau                            520.00   620.00
	// forecast/2021/dau                            310.00   380.00
	// part/ecommerce/premium                       -40.0%     0.0%
	// forecast/2021/ecommerce/take_rate             0.80%    1.50%
	//
	// Attribution of the target: base to bull
	// step                                 from      to  live_streaming  advertising  ecommerce  change  target
	// ---------------------------------------------------------------------------------------------------------
	// base                                                                                                404.6
	// forecast/2021/mau                  571.68  620.00            +2.8        +16.6      +14.8   +34.2   438.8
	// forecast/2021/dau                  344.00  380.00             0.0          0.0        0.0     0.0   438.8
	// part/ecommerce/premium             -20.0%    0.0%             0.0          0.0      +47.4   +47.4   486.2
	// forecast/2021/ecommerce/take_rate   1.00%   1.50%             0.0          0.0        0.0     0.0   486.2
	// bull                                                                                        +81.6   486.2
	// Note: changes are per share, in the target's currency; each step moves one assumption, those above it moved already
	//
	// Monte Carlo: target, 100000 draws
	// mean     sd     P5    P50    P95    min    max  P(> 319.0)
	// ----------------------------------------------------------
	// 404.6  33.9  351.2  403.2  462.9  279.8  592.4       99.7%
	//
	// Histogram of target
	// from      to  draws  share
	// --------------------------------------------------------------------
	// 279.8  305.9     50   0.1%
	// 305.9  331.9    949   0.9%  #
	// 331.9  358.0   6816   6.8%  #########
	// 358.0  384.0  20277  20.3%  ###########################
	// 384.0  410.1  29989  30.0%  ########################################
	// 410.1  436.1  24399  24.4%  ################################
	// 436.1  462.2  12336  12.3%  ################
	// 462.2  488.2   4118   4.1%  #####
	// 488.2  514.3    915   0.9%  #
	// 514.3  540.3    134   0.1%
	// 540.3  566.4     16   0.0%
	// 566.4  592.4      1   0.0%
	//
	// Morris screening of target (20 trajectories)
	// input                                  mu*        interval      mu  sigma
	// -------------------------------------------------------------------------
	// forecast/2021/mau                    167.6    [158, 177.4]   167.6  23.82
	// fx/USD/HKD                           164.6  [152.7, 177.2]   164.6   29.4
	// shares                               162.1  [149.3, 176.2]  -162.1   32.4
	// part/advertising/average             81.72   [76.99, 86.5]   81.72  12.26
	// forecast/2021/ecommerce/penetration  74.79  [66.64, 84.02]   74.79  20.22
	// part/ecommerce/average               72.58  [66.55, 77.85]   72.58  13.38
	// part/ecommerce/premium               17.35  [16.06, 18.71]   17.35  3.626
	// part/live_streaming/average          13.24  [11.96, 14.53]   13.24  2.968
	// Note: an effect is the change in target over a step of half an input's probability range, doubled: for a uniform input and a linear effect, the change over the whole range
	// Note: 45 inputs with no effect at all: forecast/2018/mau, forecast/2018/dau, forecast/2018/live_streaming/paying_ratio, forecast/2018/live_streaming/monthly_arppu, forecast/2018/advertising/revenue_per_dau, forecast/2018/ecommerce/penetration, forecast/2018/ecommerce/gmv_per_shopper, forecast/2018/ecommerce/other_revenue, forecast/2019/mau, forecast/2019/dau, forecast/2019/live_streaming/paying_ratio, forecast/2019/live_streaming/monthly_arppu, forecast/2019/advertising/revenue_per_dau, forecast/2019/ecommerce/penetration, forecast/2019/ecommerce/gmv_per_shopper, forecast/2019/ecommerce/take_rate, forecast/2020/mau, forecast/2020/dau, forecast/2020/live_streaming/paying_ratio, forecast/2020/live_streaming/monthly_arppu, forecast/2020/advertising/revenue_per_dau, forecast/2020/ecommerce/penetration, forecast/2020/ecommerce/gmv_per_shopper, forecast/2020/ecommerce/take_rate, forecast/2021/dau, forecast/2021/live_streaming/paying_ratio, forecast/2021/live_streaming/monthly_arppu, forecast/2021/advertising/revenue_per_dau, forecast/2021/ecommerce/gmv_per_shopper, forecast/2021/ecommerce/take_rate, forecast/2022/mau, forecast/2022/dau, forecast/2022/live_streaming/paying_ratio, forecast/2022/live_streaming/monthly_arppu, forecast/2022/advertising/revenue_per_dau, forecast/2022/ecommerce/penetration, forecast/2022/ecommerce/gmv_per_shopper, forecast/2022/ecommerce/take_rate, fx/CNY/HKD, price, pnl/2018/shares, pnl/2019/shares, pnl/2020/shares, pnl/2021/shares, pnl/2022/shares
	//
	// Sobol indices of target
	// input                     first        interval  total        interval
	// ----------------------------------------------------------------------
	// forecast/2021/mau         0.301  [0.301, 0.302]  0.310  [0.310, 0.311]
	// fx/USD/HKD                0.302  [0.301, 0.303]  0.310  [0.310, 0.311]
	// shares                    0.311  [0.310, 0.311]  0.320  [0.320, 0.321]
	// part/advertising/average  0.071  [0.071, 0.071]  0.074  [0.074, 0.074]
}

// TestREADMECharts: the PNG charts the README shows are what the example draws with its
// default flags (go run ./examples/sensitivity -charts examples/sensitivity/charts
// redraws them): a chart that drifts from its picture fails here.
func TestREADMECharts(t *testing.T) {
	dir := t.TempDir()
	stdout := os.Stdout
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout = null
	err = run(100_000, 1, 0, dir)
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"heatmap", "tornado", "histogram"} {
		got, err := os.ReadFile(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("charts", name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("charts/%s.png differs from what the example draws: go run ./examples/sensitivity -charts examples/sensitivity/charts (and delete the SVGs) redraws it", name)
		}
	}
}

// TestCharts: with a directory, the example draws the heatmap, tornado and histogram
// there as SVG and PNG.
func TestCharts(t *testing.T) {
	dir := t.TempDir()
	stdout := os.Stdout
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout = null
	err = run(2000, 1, 0, dir)
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"heatmap", "tornado", "histogram"} {
		for _, ext := range []string{".svg", ".png"} {
			if fi, err := os.Stat(filepath.Join(dir, name+ext)); err != nil || fi.Size() < 1000 {
				t.Errorf("%s%s: %v", name, ext, err)
			}
		}
	}
}
