// Package heap measures the peak heap of a call, for tests that bound memory.
package heap

import (
	"runtime"
	"runtime/metrics"
	"sync/atomic"
)

// Peak runs f and returns the most heap its objects held above what they held before,
// sampled by another goroutine as fast as it can read the runtime's metrics: the garbage
// f makes counts until the collector frees it.
func Peak(f func()) uint64 {
	const heap = "/memory/classes/heap/objects:bytes"
	read := func(s []metrics.Sample) uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	runtime.GC()
	base := read([]metrics.Sample{{Name: heap}})
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: heap}}
		for {
			if v := read(s); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	f()
	close(stop)
	<-done
	return max(peak.Load(), base) - base
}
