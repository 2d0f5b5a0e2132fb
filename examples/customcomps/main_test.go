package main

import "fmt"

// The example reproduces the report with peers from the CSV, then prints the alternatives.
// Hand checks: median e-commerce multiple 294.98 x 80% x 257.256m shopping MAU x 7.7 =
// HK$467,454m; P/S at 1%: GMV RMB 701,454m x 1% x 12.2466 x 1.2049 = HK$103,504m; without
// Alibaba (267.04 + 294.98) / 2 x 80% = 224.81; live streaming by P/S: 35,927 x 12.2466 x
// 1.2049 = HK$530,117m. (P/S x revenue x FX = 319 x 4,159 x revenue share: the rate cancels.)
func Example_run() {
	if err := run("", ""); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Targets and segment values (HK$ 亿), against the report's choices
	// Scenario                                           E-com by  live_streaming     advertising       ecommerce       Sum   Target   Change
	// ---------------------------------------------------------------------------------------------------------------------------------------
	// Report (model file)                                P/MAU               1365            8186            7274     16826    404.6     0.0%
	// Report, peers from CSV                             P/MAU               1365            8186            7274     16826    404.6     0.0%
	// (a) Median aggregates                              P/MAU               1365            8186    4675 (-2600)     14226    342.1   -15.5%
	// (b) E-com P/S, take 1% (report 2021E)              P/S                 1365            8186    1035 (-6239)     10586    254.5   -37.1%
	// (b) E-com P/S, take 1.5% (report 2022E)            P/S                 1365            8186    1553 (-5722)     11104    267.0   -34.0%
	// (b) E-com P/S, take 2.22% (Tmall commission FY21)  P/S                 1365            8186    2298 (-4976)     11849    284.9   -29.6%
	// (b) E-com P/S, take 4.08% (Alibaba overall FY21)   P/S                 1365            8186    4223 (-3051)     13774    331.2   -18.1%
	//
	// Median e-commerce multiple: 294.98 x 80% = 235.98 (mean 459.03); outliers flagged: Alibaba 815.08 (z 12.6)
	// P/S: Kuaishou's own 12.25x (HK$319 x 4,159m over 2021E revenue RMB 89,913m x 1.2049 HKD/RMB)
	//
	// Other (mainly live e-commerce): P/MAU leaving out one comparable at a time
	// Without  Multiple  Value (HKD 亿)  Change  Target (HKD)
	// ------------------------------------------------------
	// (none)     367.23          7,274                 404.6
	// PDD US     444.02          8,796   20.9%         441.1
	// 9988.HK    224.81          4,453  -38.8%         336.7
	// JD US      432.85          8,574   17.9%         435.8
	//
	// Cross-check: each segment under each method, 2021 (HKD 亿)
	//                                   P/MAU    P/S
	// ----------------------------------------------
	// Live streaming                  1,365 *  5,301
	// Advertising                     8,186 *  6,931
	// Other (mainly live e-commerce)  7,274 *  1,035
	// Note: * the model's choice; blank: not tried
	//
	// Report's choices: Target price: HK$404.6 (upside 26.8% vs HK$319.00, Buy)
}

// Given another model, the example prints only what it computes from it: this one has no
// e-commerce segment and does not list itself among its peers, so the P/S path, the
// median e-commerce line and the P/S cross-check are left out (issue 11 item 5: they were
// printed with Kuaishou's figures).
func Example_otherModel() {
	if err := run("../../valuation/modelfile/testdata/peers.csv", "../../valuation/modelfile/testdata/model.json"); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Targets and segment values (HKD 亿), against the report's choices
	// Scenario                E-com by             ads       Sum   Target   Change
	// ----------------------------------------------------------------------------
	// Report (model file)     -                    233       233     23.3     0.0%
	// Report, peers from CSV  -                    233       233     23.3     0.0%
	// (a) Median aggregates   -                    233       233     23.3     0.0%
	// (b) left out: the model has no e-commerce segment
	//
	// Advertising: P/MAU leaving out one comparable at a time
	// Without  Multiple  Value (HKD 亿)  Change  Target (HKD)
	// ------------------------------------------------------
	// (none)      30.00            233                  23.3
	// AAA US      35.00            271   16.7%          27.1
	// 0001.HK     30.00            233    0.0%          23.3
	// CCC US      35.00            271   16.7%          27.1
	//
	// Report's choices: Target price: HKD 23.3
}
