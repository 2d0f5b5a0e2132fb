// Package pad allocates scratch that a worker goroutine writes at every step, apart from
// everything else: two workers' scratch in one cache line make their cores fight over it
// (false sharing), and small allocations made one after another lie side by side.
package pad

// Slice returns a slice of n zero values that shares no cache line with any other
// allocation: 64 elements of padding on each side, a cache line and more for any T.
func Slice[T any](n int) []T {
	const pad = 64
	return make([]T, n+2*pad)[pad : pad+n : pad+n]
}
