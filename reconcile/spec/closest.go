package spec

// Closest returns the candidate nearest to s, "" if none is near enough
// to suggest: the "did you mean" of the loader, for the engine's own
// messages about names (--target, --replace).
func Closest(s string, candidates []string) string { return closest(s, candidates) }
