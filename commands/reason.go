package commands

import "strings"

// cleanReason strips matching quotes around normalised reason text, which
// already has single spaces and no control or format characters (bidi
// overrides such as U+202E would make the audit log and the prompt read
// differently from what was typed).
func cleanReason(s string) string {
	// Stripping repeatedly makes the result a fixed point: parsing the
	// cleaned reason again gives the same reason.
	for len(s) >= 2 {
		q := s[0]
		if (q != '"' && q != '\'') || s[len(s)-1] != q {
			break
		}
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}
