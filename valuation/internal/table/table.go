// Package table lays out small tables as aligned plain text or GitHub Markdown, and
// formats decimals the way research tables print them.
package table

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/sotpkit/sotp/valuation/fault"
)

// Table is a titled grid of cells. The first column is left-aligned, the rest right-aligned.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	Notes  []string
	// Labels, if set, name keys for the reader: each word of the title, a cell or a note
	// that is a key of Labels (a run of letters, digits, _ and /: forecast/2021/mau) is
	// printed as its label (2021E MAU (m)). Values are formatted by key before, so a
	// label changes names only.
	Labels map[string]string
}

// Text renders the table as aligned plain text. Cells, titles and notes are made safe
// first (see Clean), so that no value can start a line of its own.
func (t Table) Text() string {
	t = t.clean()
	widths := make([]int, len(t.Header)) // cells beyond the header are not printed
	for _, row := range append([][]string{t.Header}, t.Rows...) {
		for i, c := range row[:min(len(row), len(widths))] {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b, line strings.Builder
	if t.Title != "" {
		b.WriteString(t.Title + "\n")
	}
	write := func(row []string) {
		line.Reset()
		for i, w := range widths {
			c := ""
			if i < len(row) {
				c = row[i]
			}
			pad := strings.Repeat(" ", w-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				line.WriteString(c + pad)
			default:
				line.WriteString("  " + pad + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	write(t.Header)
	total := 0
	for _, w := range widths {
		total += w
	}
	b.WriteString(strings.Repeat("-", total+2*max(len(widths)-1, 0)) + "\n")
	for _, r := range t.Rows {
		write(r)
	}
	for _, n := range t.Notes {
		if !strings.HasPrefix(n, "Warning: ") { // a warning says what it is itself
			n = "Note: " + n
		}
		b.WriteString(n + "\n")
	}
	return b.String()
}

// Clean makes one cell, title or note safe to print on one line: line breaks, tabs and
// other control characters become the escapes Go writes for them (\n, \t, \x1b), and
// invalid UTF-8 becomes \xff, so that a name read from a file cannot forge a row.
func Clean(s string) string {
	safe := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, n := utf8.DecodeRuneInString(s[i:])
		w = n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
	}
	return b.String()
}

// clean returns a copy of the table with every string made safe by Clean.
func (t Table) clean() Table {
	label := func(s string) string {
		if len(t.Labels) == 0 {
			return s
		}
		return keyWord.ReplaceAllStringFunc(s, func(w string) string {
			if l, ok := t.Labels[w]; ok {
				return l
			}
			return w
		})
	}
	each := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = Clean(label(s))
		}
		return out
	}
	out := Table{Title: Clean(label(t.Title)), Header: each(t.Header), Notes: each(t.Notes), Rows: make([][]string, len(t.Rows))}
	for i, r := range t.Rows {
		out.Rows[i] = each(r)
	}
	return out
}

// keyWord is a word that may be a key: letters, digits, _ and /.
var keyWord = regexp.MustCompile(`[A-Za-z0-9_/]+`)

// Markdown renders the table as GitHub-flavoured Markdown, with as many columns as the
// header has.
// Cells are made safe by Clean, and a | in a cell is escaped.
func (t Table) Markdown() string {
	t = t.clean()
	var b strings.Builder
	if t.Title != "" {
		b.WriteString("**" + t.Title + "**\n\n")
	}
	row := func(cells []string) {
		b.WriteString("|")
		for i := range t.Header {
			c := ""
			if i < len(cells) {
				c = strings.ReplaceAll(cells[i], "|", `\|`)
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	row(t.Header)
	b.WriteString("|")
	for i := range t.Header {
		if i == 0 {
			b.WriteString("---|")
		} else {
			b.WriteString("---:|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
	for _, n := range t.Notes {
		b.WriteString("\n" + n + "\n")
	}
	return b.String()
}

// Num formats d rounded half away from zero to places, with thousands separators.
func Num(d decimal.Decimal, places int32) string {
	s := d.StringFixed(places)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + frac
}

// Pct formats a fraction as a percentage with places digits: 0.118 -> "11.8%".
func Pct(d decimal.Decimal, places int32) string {
	return Num(d.Shift(2), places) + "%"
}

// Value prints an assumption or output the way research tables do, judged by its
// name: rates, ratios, margins, discounts, shares, growth and upside as percentages (take
// rates to two places, others to one); per-share figures, multiples, per-user money,
// fees and strikes to two places, except the target to one; users to two places; FX to
// four; money in millions to none. A driver input's name says what it is by its suffix
// ("subscriber_ratio" is a rate, "monthly_fee" money per user), so a new driver model
// prints without a change here. A figure printed to places of money that would show
// fewer than three significant digits (a multiple of 0.0375) is printed with them.
func Value(name string, v decimal.Decimal) string {
	p := strings.Split(name, "/")
	last := p[len(p)-1]
	switch {
	case last == "take_rate":
		return Pct(v, 2)
	case last == "penetration" || strings.HasSuffix(last, "ratio") || strings.HasSuffix(last, "_rate") ||
		strings.HasSuffix(last, "margin") ||
		slices.Contains([]string{"growth", "upside", "share", "premium", "discount", "rate"}, last):
		return Pct(v, 1)
	case last == "target":
		return Num(v, 1)
	case strings.HasSuffix(last, "_fee") || strings.HasSuffix(last, "arppu") || strings.Contains(last, "per_") ||
		strings.HasSuffix(last, "mau") || strings.HasSuffix(last, "dau") || strings.HasSuffix(last, "users") ||
		strings.HasSuffix(last, "subscribers") ||
		slices.Contains([]string{"price", "strike", "eps", "bvps", "pe", "pb", "ps", "multiple", "average"}, last):
		return Num(v, significant(v, 2))
	case p[0] == "fx":
		return Num(v, significant(v, 4))
	}
	return Num(v, significant(v, 0))
}

// significant returns places, or more when v printed to places would lose digits and
// keep fewer than three significant ones (0.0375 to two places is 0.04): enough for
// three, or for v exactly if that takes fewer, at most 10.
func significant(v decimal.Decimal, places int32) int32 {
	if v.IsZero() {
		return places
	}
	lead := v.Exponent() + int32(v.NumDigits()) - 1 // the exponent of the leading digit
	exact := int32(0)                               // the places v has, trailing zeros aside
	if _, frac, ok := strings.Cut(fault.Plain(v), "."); ok {
		exact = int32(len(frac))
	}
	return max(places, min(2-lead, exact, 10))
}
