// Package qmc generates scrambled Sobol' sequences: Joe and Kuo's direction numbers
// (new-joe-kuo-6.21201, the first MaxDim dimensions, in directions.txt with their licence),
// points in Gray-code order as Antonov and Saleev give them, and a linear matrix scramble
// with a digital shift (Matoušek's; SciPy's qmc.Sobol scrambles the same way), seeded.
//
// Unscrambled, the points are SciPy's bit for bit (a test compares them). Scrambled, each
// point is uniform on the unit cube, and the first 2^m points of each scramble keep the
// sequence's stratification, which is what makes quasi-random estimates precise.
package qmc

import (
	_ "embed"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
)

// MaxDim is the number of dimensions the package has direction numbers for.
const MaxDim = 1024

// MaxPoints is the number of points a sequence can give: one direction number a bit.
const MaxPoints = 1 << 32

//go:embed directions.txt
var directions string

// Sobol is a Sobol' sequence, scrambled or not. It is immutable: safe for concurrent use.
type Sobol struct {
	dim int
	v   [][32]uint64 // direction numbers by dimension, scrambled, most significant bit first
	// shift is each dimension's digital shift; zero when not scrambled.
	shift []uint64
}

// New returns the unscrambled sequence of dim dimensions, in [1, MaxDim].
func New(dim int) (*Sobol, error) {
	if dim < 1 || dim > MaxDim {
		return nil, errDim(dim)
	}
	s := &Sobol{dim: dim, v: make([][32]uint64, dim), shift: make([]uint64, dim)}
	for k := range 32 { // dimension 1: van der Corput, m_k = 1
		s.v[0][k] = 1 << (63 - k)
	}
	rest := directions
	for j := 1; j < dim; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		deg, _ := strconv.Atoi(f[0])
		a, _ := strconv.ParseUint(f[1], 10, 64)
		v := &s.v[j]
		for k := range min(deg, 32) {
			m, _ := strconv.ParseUint(f[2+k], 10, 64)
			v[k] = m << (63 - k)
		}
		for k := deg; k < 32; k++ { // Bratley and Fox's recurrence
			x := v[k-deg] ^ v[k-deg]>>deg
			for i := 1; i < deg; i++ {
				if a>>(deg-1-i)&1 == 1 {
					x ^= v[k-i]
				}
			}
			v[k] = x
		}
		j++
	}
	return s, nil
}

// Scramble returns the sequence scrambled; seed and stream pick the scramble (a PCG
// stream's two words): the same pair gives the same points. s itself is unchanged.
func (s *Sobol) Scramble(seed, stream uint64) *Sobol {
	out := &Sobol{dim: s.dim, v: make([][32]uint64, s.dim), shift: make([]uint64, s.dim)}
	rng := rand.New(rand.NewPCG(seed, stream))
	for j := range s.v {
		// A random lower-triangular binary matrix with a unit diagonal: row b (bit b from
		// the top) has bit b set and random bits above it.
		var rows [64]uint64
		for b := range rows {
			top := uint64(1) << (63 - b)
			rows[b] = top | rng.Uint64()&^(top|(top-1))
		}
		for k, x := range s.v[j] {
			var y uint64
			for b, r := range rows {
				y |= uint64(bits.OnesCount64(r&x)&1) << (63 - b)
			}
			out.v[j][k] = y
		}
		out.shift[j] = s.shift[j] ^ rng.Uint64()
	}
	return out
}

// Dim returns the sequence's number of dimensions.
func (s *Sobol) Dim() int { return s.dim }

// Bits returns coordinate j of point i as a 64-bit binary fraction.
func (s *Sobol) Bits(i uint64, j int) uint64 {
	x := s.shift[j]
	v := &s.v[j]
	for g, k := i^i>>1, 0; g != 0; g, k = g>>1, k+1 {
		if g&1 == 1 {
			x ^= v[k]
		}
	}
	return x
}

// Point fills u with point i, i < MaxPoints, each coordinate in (0, 1): the point's top 53
// bits and half of the next, so that no coordinate is 0 or 1.
func (s *Sobol) Point(i uint64, u []float64) {
	for j := range u {
		u[j] = (float64(s.Bits(i, j)>>11) + 0.5) / (1 << 53)
	}
}

type errDim int

func (e errDim) Error() string {
	return "quasi-random sampling of " + strconv.Itoa(int(e)) + " dimensions: want 1 to " + strconv.Itoa(MaxDim)
}
