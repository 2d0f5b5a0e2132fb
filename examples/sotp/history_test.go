package main

import (
	"slices"
	"testing"
)

// TestDatesOf: a history's dates, both ends included; a month later is the same day of
// the month, or the month's last day where it has no such day.
func TestDatesOf(t *testing.T) {
	for _, c := range []struct {
		from, to, every string
		want            []string
	}{
		{"2021-03-02", "2021-03-16", "1w", []string{"2021-03-02", "2021-03-09", "2021-03-16"}},
		{"2021-03-02", "2021-03-05", "2d", []string{"2021-03-02", "2021-03-04"}},
		{"2021-01-31", "2021-06-30", "1m", []string{"2021-01-31", "2021-02-28", "2021-03-31", "2021-04-30", "2021-05-31", "2021-06-30"}},
		{"2020-01-31", "2020-03-31", "1m", []string{"2020-01-31", "2020-02-29", "2020-03-31"}},
	} {
		got, err := datesOf(c.from, c.to, c.every)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s to %s every %s: %v %v, want %v", c.from, c.to, c.every, got, err, c.want)
		}
	}
	for _, bad := range [][3]string{{"2021-03-02", "2021-03-01", "1d"}, {"2021-03-02", "2021-03-03", "0d"}, {"2021-03-02", "2021-03-03", "1y"},
		{"2021-03-02", "2021-03-03", "d"}, {"0001-01-01", "9999-12-31", "1d"}} {
		if _, err := datesOf(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
