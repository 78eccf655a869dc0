package fanout

import "sync"

// Limit is how many reads of one batch are in flight at once: enough to
// hide latency, few enough not to meet the per-account read quotas.
const Limit = 8

// Each calls f(0) .. f(n-1), at most limit at once, and returns the error
// of the lowest index that failed, so the result does not depend on timing.
func Each(n, limit int, f func(i int) error) error {
	if limit < 1 {
		limit = 1
	}
	errs := make([]error, n)
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
