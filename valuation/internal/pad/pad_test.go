package pad

import (
	"testing"
	"unsafe"
)

// TestSlice: the slice has n elements and no room to grow into another's, and two made
// one after the other lie a cache line or more apart, even of one byte each.
func TestSlice(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100} {
		if s := Slice[int32](n); len(s) != n || cap(s) != n {
			t.Errorf("n %d: len %d cap %d", n, len(s), cap(s))
		}
	}
	for range 100 {
		a, b := Slice[int8](1), Slice[int8](1)
		pa, pb := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&b[0]))
		if max(pa, pb)-min(pa, pb) < 64 {
			t.Fatalf("two one-byte slices %d bytes apart", max(pa, pb)-min(pa, pb))
		}
	}
}
