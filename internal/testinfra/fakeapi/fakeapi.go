package fakeapi

import (
	"fmt"
	"slices"
	"sync"
)

// Calls records the calls made to a fake, in order. Safe for concurrent use.
type Calls struct {
	mu   sync.Mutex
	list []string
}

// List returns the calls recorded so far.
func (c *Calls) List() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.list)
}

// Reset forgets the calls recorded so far.
func (c *Calls) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = nil
}

// Call records name in c and answers with fn(in), or with an error when the
// test set no fn: the call was not expected.
func Call[I, O any](c *Calls, name string, fn func(I) (O, error), in I) (O, error) {
	c.mu.Lock()
	c.list = append(c.list, name)
	c.mu.Unlock()
	if fn == nil {
		var zero O
		return zero, fmt.Errorf("unexpected call to %s", name)
	}
	return fn(in)
}
