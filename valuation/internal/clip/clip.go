// Package clip shortens the text an error message quotes from its input.
package clip

import "unicode/utf8"

// String returns s when it has at most n bytes; otherwise the longest prefix of s of at
// most n bytes that ends where a character does, followed by "...". A character is never
// cut in two, so valid UTF-8 stays valid (a Chinese segment name, three bytes a
// character, included).
func String(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := max(n, 0)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
