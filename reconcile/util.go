package reconcile

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
