package bot

import (
	"crypto/rand"
	"strings"
)

// codeAlphabet has no characters that look alike on a phone keyboard or in
// a small font (no 0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLength is short enough to type on a phone, long enough not to guess:
// 31^6 is about 8.9e8, and a wrong guess is refused without side effects.
const CodeLength = 6

// newCode returns a random confirmation code from crypto/rand.
func newCode() string { return randomString(CodeLength, codeAlphabet) }

// newRequestID returns an ID that ties a prompt, its result and every
// audit record together.
func newRequestID() string {
	return "req-" + strings.ToLower(randomString(10, "abcdefghijkmnpqrstuvwxyz23456789"))
}

func randomString(n int, alphabet string) string {
	// Rejection sampling keeps the distribution uniform.
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(out) < n {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails (Go 1.24+)
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}
