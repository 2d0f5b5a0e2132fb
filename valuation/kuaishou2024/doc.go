// Package kuaishou2024 refreshes the Western Securities model of Kuaishou
// (valuation/kuaishou2021) with what the later documents allow, as of 2024-03-28: the
// report's method (P/MAU of each segment on its peers, e-commerce at 80% of theirs) on the
// 2022 and 2023 figures the documents give, priced on 2023.
//
// Model returns it. Each input names its source in the code: a document and line, the
// arithmetic that derives it from reported figures, or "invented" where the documents give
// nothing (the peers' market values of 2024 and their users of 2023, FX, the price, the
// paying ratio, the shopping penetration, the split of 2023 revenue between live
// streaming and other services). It is a dataset to show how a model
// is refreshed and what moved its target (sotp diff), not a forecast. The file
// kuaishou2024.json beside it is Model as a model file, held identical by a test.
package kuaishou2024
