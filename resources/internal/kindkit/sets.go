package kindkit

// Minus returns the elements of a not in b, in a's order.
func Minus(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

// SameSet reports whether a and b hold the same elements, in any order.
func SameSet(a, b []string) bool {
	return len(Minus(a, b)) == 0 && len(Minus(b, a)) == 0
}
