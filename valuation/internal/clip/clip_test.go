package clip_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sotpkit/sotp/valuation/internal/clip"
)

// TestString: a short text is kept; a long one is cut to at most n bytes at a
// character's start. "直播电商" is four characters of three bytes: at n = 7 the cut falls
// inside the third, which is left out whole.
func TestString(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "abc..."},
		{"", 0, ""},
		{"直播电商", 12, "直播电商"},
		{"直播电商", 7, "直播..."},
		{"直播电商", 6, "直播..."},
		{"直播电商", 2, "..."},
		{"a直播", 0, "..."},
	} {
		if got := clip.String(c.s, c.n); got != c.want {
			t.Errorf("String(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
	long := strings.Repeat("é", 100)
	for n := range 60 {
		if got := clip.String(long, n); !utf8.ValidString(got) || len(got) > n+len("...") {
			t.Errorf("String(é×100, %d) = %q: invalid or too long", n, got)
		}
	}
}
