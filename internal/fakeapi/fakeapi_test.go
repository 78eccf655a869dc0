package fakeapi

import (
	"errors"
	"sync"
	"testing"
)

func TestCall(t *testing.T) {
	var c Calls
	double := func(n int) (int, error) { return 2 * n, nil }
	if got, err := Call(&c, "Double", double, 21); err != nil || got != 42 {
		t.Errorf("Call = %d, %v; want 42, nil", got, err)
	}
	if _, err := Call[int, int](&c, "Unset", nil, 1); err == nil || err.Error() != "unexpected call to Unset" {
		t.Errorf("a call without a function = %v, want unexpected call to Unset", err)
	}
	boom := errors.New("boom")
	if _, err := Call(&c, "Fail", func(int) (int, error) { return 0, boom }, 1); !errors.Is(err, boom) {
		t.Errorf("the function's error is lost: %v", err)
	}
	if got := c.List(); len(got) != 3 || got[0] != "Double" || got[1] != "Unset" || got[2] != "Fail" {
		t.Errorf("List = %v", got)
	}
	c.Reset()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { _, _ = Call(&c, "X", double, 1) })
	}
	wg.Wait()
	if n := len(c.List()); n != 50 {
		t.Errorf("%d calls recorded under concurrency, want 50", n)
	}
}
