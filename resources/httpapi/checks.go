package httpapi

import (
	"fmt"
	"unicode/utf8"
)

func checkAPIName(v any) error {
	s, _ := v.(string)
	if n := utf8.RuneCountInString(s); n < 1 || n > 128 {
		return fmt.Errorf("must be 1 to 128 characters, got %d", n)
	}
	return nil
}

func checkIntRange(lo, hi int64) func(any) error {
	return func(v any) error {
		n, ok := v.(int64)
		if !ok || n < lo || n > hi {
			return fmt.Errorf("must be an integer between %d and %d, got %v", lo, hi, v)
		}
		return nil
	}
}

var (
	checkMaxAge  = checkIntRange(-1, 86400)
	checkTimeout = checkIntRange(50, 30000)
)
