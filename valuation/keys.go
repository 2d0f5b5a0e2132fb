package valuation

import (
	"maps"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/internal/exact"
	"github.com/sotpkit/sotp/valuation/key"
)

// keyKind is what sotp does with the keys of one space of the grammar (key.Space): a
// leaf of the valuation (an assumption a point moves, set) or a node (a figure of the
// result, looked up, compiled into the exact kernel), and how either is labelled. A nil
// field is a key of the space that is not that: an FX rate is a leaf and no figure, a
// comparable's figure a node and no leaf.
type keyKind struct {
	figure func(Result, key.Key, unknownFigure) (decimal.Decimal, error) // Result.Lookup
	label  func(Result, key.Key) (title, unit string)                    // Result.Label
	output func(*kernel, key.Key) (exact.Poly, bool)                     // the kernel's node; false: not compiled
	set    func(*applied, key.Key, *decimal.Decimal)                     // Prepared.apply's move
}

// kindOfKey is the one table of the key grammar's spaces: a space added to the grammar
// (valuation/key) is added here, and is then looked up, labelled, compiled and moved
// wherever keys are.
func kindOfKey(s key.Space) keyKind {
	switch s {
	case key.SpaceScalar:
		return keyKind{figure: Result.scalarFigure, label: Result.scalarLabel, output: (*kernel).scalar, set: (*applied).scalar}
	case key.SpaceForecast:
		return keyKind{figure: Result.forecastFigure, label: Result.forecastLabel, output: (*kernel).forecastNode, set: (*applied).forecast}
	case key.SpacePnL:
		return keyKind{figure: Result.pnlFigure, label: Result.pnlLabel, output: (*kernel).pnlOutput, set: (*applied).pnlShares}
	case key.SpacePnLLine:
		return keyKind{figure: Result.pnlFigure, label: Result.pnlLabel, output: (*kernel).pnlOutput}
	case key.SpacePart:
		return keyKind{figure: Result.partFigure, label: Result.partLabel, output: (*kernel).partOutput, set: (*applied).part}
	case key.SpaceComp:
		return keyKind{figure: Result.partFigure, label: Result.partLabel, output: (*kernel).compOutput}
	case key.SpaceFX:
		return keyKind{label: Result.fxLabel, set: (*applied).rate}
	case key.SpaceBridge:
		return keyKind{figure: Result.bridgeFigure, label: Result.bridgeLabel, output: (*kernel).bridgeOutput, set: (*applied).bridge}
	case key.SpaceDilution:
		return keyKind{label: Result.dilutionLabel, set: (*applied).tranche}
	case key.SpaceHorizon:
		return keyKind{label: Result.horizonLabel, set: (*applied).horizon}
	}
	return keyKind{}
}

// scalar sets the share count or the price.
func (a *applied) scalar(k key.Key, v *decimal.Decimal) {
	if k == key.Scalar(key.Shares) {
		a.m.Shares = *v
	} else {
		a.m.Price = *v
	}
}

// part sets a part's comparables' average or its premium.
func (a *applied) part(k key.Key, v *decimal.Decimal) {
	j := slices.IndexFunc(a.m.Parts, func(part Part) bool { return part.Segment == k.Segment })
	if k.Name == "average" {
		a.average[j] = v
	} else {
		a.premium[j] = v
	}
}

// horizon sets the horizon's rate or its years.
func (a *applied) horizon(k key.Key, v *decimal.Decimal) {
	if k.Name == "rate" {
		a.m.Horizon.Rate = *v
	} else {
		a.m.Horizon.Years = *v
	}
}

// pnlShares sets a year's share count of the P&L, the counts copied.
func (a *applied) pnlShares(k key.Key, v *decimal.Decimal) {
	shares := maps.Clone(a.m.Earnings.Shares)
	shares[k.Year] = *v
	a.m.Earnings.Shares = shares
}

// bridgeFigure returns a bridge line's value.
func (r Result) bridgeFigure(k key.Key, unknown unknownFigure) (decimal.Decimal, error) {
	for _, l := range r.Bridge {
		if l.Name == k.Item && k.Name == "" {
			return l.Value, nil
		}
	}
	return decimal.Decimal{}, unknown.err()
}

// forecastNode compiles a forecast figure: a growth, a segment's share of revenue, or a
// line or the platform's users or revenue.
func (k *kernel) forecastNode(o key.Key) (exact.Poly, bool) {
	switch {
	case o.Growth:
		return k.forecastGrowth(o)
	case o.Name == "share" && o.Segment != "":
		return k.share(o)
	}
	return k.forecastOutput(o)
}
