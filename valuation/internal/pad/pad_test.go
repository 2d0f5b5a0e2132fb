package pad

import (
	"testing"
	"unsafe"
)

// TestSlice: the slice has n elements and no room to grow into another's, and two made
// one after the other lie 128 bytes or more apart, of one byte or of large elements.
func TestSlice(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100} {
		if s := Slice[int32](n); len(s) != n || cap(s) != n {
			t.Errorf("n %d: len %d cap %d", n, len(s), cap(s))
		}
		if s := Slice[struct{}](n); len(s) != n || cap(s) != n {
			t.Errorf("empty struct, n %d: len %d cap %d", n, len(s), cap(s))
		}
	}
	gap := func(a, b unsafe.Pointer, size uintptr) uintptr { // bytes between the two
		pa, pb := uintptr(a), uintptr(b)
		return max(pa, pb) - min(pa, pb) - size
	}
	for range 100 {
		a, b := Slice[int8](1), Slice[int8](1)
		if g := gap(unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0]), 1); g < 2*apart {
			t.Fatalf("two one-byte slices %d bytes apart", g)
		}
		c, d := Slice[[40]byte](1), Slice[[40]byte](1)
		if g := gap(unsafe.Pointer(&c[0]), unsafe.Pointer(&d[0]), 40); g < 2*apart {
			t.Fatalf("two 40-byte slices %d bytes apart", g)
		}
	}
}
