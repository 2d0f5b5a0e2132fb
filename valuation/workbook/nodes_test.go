package workbook_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/comps"
	"github.com/sotpkit/sotp/valuation"
	"github.com/sotpkit/sotp/valuation/fault"
	"github.com/sotpkit/sotp/valuation/internal/nodes"
	"github.com/sotpkit/sotp/valuation/key"
	"github.com/sotpkit/sotp/valuation/kuaishou2021"
	"github.com/sotpkit/sotp/valuation/workbook"
)

// callerAggregate is an Aggregate of the caller's: the workbook has no formula for it.
type callerAggregate struct{}

func (callerAggregate) Name() string { return "caller's" }
func (callerAggregate) Of(cs []comps.CompanyMultiple) (decimal.Decimal, error) {
	return comps.Mean{}.Of(cs)
}

// TestNodesTable: every pair of a kind of node and a backend that the table
// (internal/nodes) says the backend does not take is refused by that backend when it
// compiles a model holding one, with an error naming the kind and the backend, matched
// by errors.Is to fault.ErrUnsupported (fault.ErrFloat for the float64 program): a part
// valued by a caller's Method (the kernel, its float64 program and the workbook), a
// caller's Aggregate (the workbook). Each refusal must be shown here: a pair the table refuses without a case
// fails the test, and so does a case of a pair the table says is taken. The decimal
// reference takes every kind.
func TestNodesTable(t *testing.T) {
	query := func(m valuation.Model, out key.Key) *valuation.Query {
		t.Helper()
		p, err := m.Prepare(valuation.PrepareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		q, err := p.Query([]key.Key{key.Forecast(2021, "", "mau")}, []key.Key{out})
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	caller := func() valuation.Model {
		m := kuaishou2021.Model().Clone()
		m.Parts[0].Method = otherMethod{m.Parts[0].Method.(valuation.Multiple)}
		return m
	}
	book := func(m valuation.Model) error { return workbook.Write(&bytes.Buffer{}, m, workbook.Extras{}) }
	float := func(q *valuation.Query) error { _, err := q.Float(); return err }
	target := key.Scalar(key.Target)
	type pair struct {
		kind    nodes.Kind
		backend nodes.Backend
	}
	cases := map[pair]func() error{
		{nodes.Method, nodes.Kernel}:   func() error { return query(caller(), target).Exact() },
		{nodes.Method, nodes.Float}:    func() error { return float(query(caller(), target)) },
		{nodes.Method, nodes.Workbook}: func() error { return book(caller()) },
		{nodes.Aggregate, nodes.Workbook}: func() error {
			m := kuaishou2021.Model().Clone()
			mm := m.Parts[0].Method.(valuation.Multiple)
			mm.Comps = mm.Comps.Clone()
			mm.Comps.Aggregate = callerAggregate{}
			m.Parts[0].Method = mm
			return book(m)
		},
	}
	for k := nodes.Formula; k <= nodes.Report; k++ {
		if !nodes.Takes(k, nodes.Decimal) {
			t.Errorf("the decimal reference does not take %s", k)
		}
		for _, b := range []nodes.Backend{nodes.Kernel, nodes.Float, nodes.Workbook} {
			c, ok := cases[pair{k, b}]
			switch {
			case nodes.Takes(k, b) && ok:
				t.Errorf("%s, %s: a case of a refusal the table does not make", k, b)
			case nodes.Takes(k, b):
			case !ok:
				t.Errorf("%s, %s: the table refuses it, and no case shows the refusal", k, b)
			default:
				err := c()
				want := fault.ErrUnsupported
				if b == nodes.Float {
					want = fault.ErrFloat
				}
				if msg := "the " + b.String() + " does not compute a " + k.String(); !errors.Is(err, want) || !strings.Contains(err.Error(), msg) {
					t.Errorf("%s, %s: %v, want %v saying %q", k, b, err, want, msg)
				}
			}
		}
	}
}
