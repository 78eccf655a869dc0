package fanout

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func TestEachBoundsAndReportsTheFirstError(t *testing.T) {
	var inFlight, peak atomic.Int32
	done := make([]bool, 20)
	err := Each(20, 3, func(i int) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		done[i] = true
		if i == 7 || i == 15 {
			return fmt.Errorf("read %d failed", i)
		}
		return nil
	})
	if err == nil || err.Error() != "read 7 failed" {
		t.Errorf("err = %v, want the lowest index's", err)
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("%d calls in flight, limit 3", p)
	}
	for i, d := range done {
		if !d {
			t.Errorf("f(%d) not called", i)
		}
	}
	if err := Each(0, 3, func(int) error { return errors.New("no") }); err != nil {
		t.Errorf("no work: %v", err)
	}
}
