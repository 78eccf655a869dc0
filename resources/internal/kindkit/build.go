package kindkit

// Build applies opts to k in order and returns k: the body of every kind's
// NewWithAPI that takes options (each kind keeps its own Option type, a
// func(*Kind), so its exported API reads as before).
func Build[K any, O ~func(*K)](k *K, opts []O) *K {
	for _, o := range opts {
		o(k)
	}
	return k
}

// Resetter is a plan-scoped index a kind may be given (iamindex.Index,
// tagindex.Index): Reset drops what it listed.
type Resetter interface{ Reset() }

// ResetIndex is the BeginPlan of a kind whose only plan-scoped state is an
// optional index: it drops the index's listing, so the plan lists afresh
// and never reports what an earlier plan saw. A kind built without an
// index (x nil) has nothing to drop.
func ResetIndex(x Resetter) {
	if x != nil {
		x.Reset()
	}
}
