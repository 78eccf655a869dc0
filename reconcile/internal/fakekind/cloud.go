package fakekind

import (
	"fmt"
	"maps"
	"sort"
	"sync"
)

// Op is one call a Kind received.
type Op struct {
	Verb string // "create", "update", "delete"
	Type string
	ID   string
}

func (o Op) String() string { return o.Verb + " " + o.Type + " " + o.ID }

// Cloud is the in-memory AWS the fake kinds share. It records every
// mutating call in order, counts creates per id and tracks how many
// operations run at once.
type Cloud struct {
	mu        sync.Mutex
	res       map[string]map[string]*Record // by type, then id
	ops       []Op
	creates   map[string]int
	running   int
	maxActive int
}

// Record is one live resource.
type Record struct {
	Props   map[string]any
	Version int
}

// NewCloud returns an empty cloud.
func NewCloud() *Cloud {
	return &Cloud{res: map[string]map[string]*Record{}, creates: map[string]int{}}
}

// Put makes a resource exist, as if created outside the engine.
func (c *Cloud) Put(typ, id string, props map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.res[typ] == nil {
		c.res[typ] = map[string]*Record{}
	}
	c.res[typ][id] = &Record{Props: deepCopy(props), Version: 1}
}

// Get returns a copy of a live resource's props, nil if absent.
func (c *Cloud) Get(typ, id string) map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.res[typ][id]
	if r == nil {
		return nil
	}
	return deepCopy(r.Props)
}

// Set changes one live property, as an out-of-band change would.
func (c *Cloud) Set(typ, id, key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.res[typ][id]; r != nil {
		r.Props[key] = v
	}
}

// Remove deletes a resource out of band.
func (c *Cloud) Remove(typ, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.res[typ], id)
}

// IDs lists the ids of a type, sorted.
func (c *Cloud) IDs(typ string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.res[typ]))
	for id := range c.res[typ] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Ops returns the mutating calls in the order they started.
func (c *Cloud) Ops() []Op {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Op(nil), c.ops...)
}

// ResetOps forgets the recorded calls and the concurrency peak.
func (c *Cloud) ResetOps() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = nil
	c.maxActive = 0
}

// Creates counts Create calls per id across the cloud's life.
func (c *Cloud) Creates() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.creates)
}

// MaxConcurrent is the most mutating operations that ran at once.
func (c *Cloud) MaxConcurrent() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.maxActive
}

func (c *Cloud) begin(op Op) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = append(c.ops, op)
	if op.Verb == "create" {
		c.creates[op.ID]++
	}
	c.running++
	c.maxActive = max(c.maxActive, c.running)
}

func (c *Cloud) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.running--
}

func (c *Cloud) read(typ, id string) (*Record, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.res[typ][id]
	if !ok {
		return nil, false
	}
	return &Record{Props: deepCopy(r.Props), Version: r.Version}, true
}

func (c *Cloud) write(typ, id string, props map[string]any, bump bool) *Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.res[typ] == nil {
		c.res[typ] = map[string]*Record{}
	}
	r := c.res[typ][id]
	if r == nil {
		r = &Record{Version: 1}
		c.res[typ][id] = r
	} else if bump {
		r.Version++
	}
	r.Props = deepCopy(props)
	return &Record{Props: deepCopy(r.Props), Version: r.Version}
}

func (c *Cloud) del(typ, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.res[typ], id)
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopy(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// errNoName is returned when a fake cannot tell a resource's identity.
var errNoName = fmt.Errorf("fake: desired props have no known name")
