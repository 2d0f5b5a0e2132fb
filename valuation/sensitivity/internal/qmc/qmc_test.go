package qmc

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestSciPy: unscrambled, the points are SciPy 1.10.1's (qmc.Sobol(d=1024,
// scramble=False), 30 bits), at indices 0-255, 1000-1039 and 2047 of dimensions 1-8, 100,
// 512, 1001 and 1024: 3,564 coordinates from testdata/scipy-sobol.txt.
func TestSciPy(t *testing.T) {
	s, err := New(MaxDim)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/scipy-sobol.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		var v [3]uint64
		for k, w := range strings.Fields(sc.Text()) {
			if v[k], err = strconv.ParseUint(w, 10, 64); err != nil {
				t.Fatal(err)
			}
		}
		if got := s.Bits(v[0], int(v[1])) >> 34; got != v[2] {
			t.Errorf("point %d, dimension %d: %d/2^30, SciPy %d/2^30", v[0], v[1]+1, got, v[2])
		}
		n++
	}
	if n != 3564 {
		t.Errorf("%d coordinates compared, want 3,564", n)
	}
}

// TestNet: the first 2^10 points of a scrambled sequence are a (0, 10, 2)-net in its
// first two dimensions (every box of area 2^-10 with sides 2^-a by 2^-(10-a) holds
// exactly one point), and stratified one dimension at a time in all 64 (each interval of
// length 2^-10 holds one): scrambling keeps the structure, whatever the seed.
func TestNet(t *testing.T) {
	const m = 10
	for seed := range uint64(5) {
		base, err := New(64)
		if err != nil {
			t.Fatal(err)
		}
		s := base.Scramble(seed, 0)
		for j := range 64 {
			seen := make([]bool, 1<<m)
			for i := range uint64(1 << m) {
				k := s.Bits(i, j) >> (64 - m)
				if seen[k] {
					t.Fatalf("seed %d, dimension %d: two points in interval %d", seed, j+1, k)
				}
				seen[k] = true
			}
		}
		for a := 0; a <= m; a++ {
			seen := make([]bool, 1<<m)
			for i := range uint64(1 << m) {
				k := s.Bits(i, 0)>>(64-a)<<(m-a) | s.Bits(i, 1)>>(64-(m-a))
				if seen[k] {
					t.Fatalf("seed %d: two points in a 2^-%d × 2^-%d box", seed, a, m-a)
				}
				seen[k] = true
			}
		}
	}
}

// TestScramble: seeds give different scrambles, the same seed the same one, and the
// points lie strictly inside the unit cube.
func TestScramble(t *testing.T) {
	base, err := New(3)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := base.Scramble(1, 0), base.Scramble(1, 0), base.Scramble(2, 0)
	ua, ub, uc := make([]float64, 3), make([]float64, 3), make([]float64, 3)
	same := 0
	for i := range uint64(256) {
		a.Point(i, ua)
		b.Point(i, ub)
		c.Point(i, uc)
		for j := range ua {
			if ua[j] != ub[j] {
				t.Fatalf("point %d: seed 1 gave %v then %v", i, ua, ub)
			}
			if ua[j] == uc[j] {
				same++
			}
			if !(ua[j] > 0 && ua[j] < 1) {
				t.Fatalf("point %d: %v outside (0, 1)", i, ua)
			}
		}
	}
	d := base.Scramble(1, 1)
	d.Point(0, uc)
	a.Point(0, ua)
	if ua[0] == uc[0] {
		t.Errorf("streams 0 and 1 of seed 1 share point 0: %v", ua)
	}
	if same > 0 {
		t.Errorf("seeds 1 and 2 share %d of 768 coordinates", same)
	}
	if _, err := New(MaxDim + 1); err == nil {
		t.Errorf("%d dimensions: no error", MaxDim+1)
	}
	if _, err := New(0); err == nil {
		t.Error("0 dimensions: no error")
	}
}
