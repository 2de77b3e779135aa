package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/signout-bot/signout-bot/audit"
)

// verifyAudit is -verify-audit FILE...: it checks the hash chain through
// the files, oldest first. Exit 0 and one line on stdout when it is whole;
// exit 1 and one line on stderr naming where it breaks.
func verifyAudit(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "signout-bot: -verify-audit needs the audit files to check, oldest first: signout-bot -verify-audit audit.jsonl.1 audit.jsonl")
		return 2
	}
	c, err := audit.Verify(files...)
	var de *audit.DamageError
	switch {
	case errors.As(err, &de):
		fmt.Fprintf(stderr, "audit chain broken at %s:%d: %v\n", de.File, de.Line, de.Err)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "signout-bot:", err)
		return 1
	}
	fmt.Fprintln(stdout, chainSummary(c))
	return 0
}

// chainSummary is the one line of a whole chain: the count, the range of
// seq and the head to compare with the latest anchor in the logs, then
// what an operator should know about the set.
func chainSummary(c audit.Chain) string {
	var b strings.Builder
	fmt.Fprintf(&b, "audit chain whole: %d %s in %d %s", c.Records, plural(c.Records, "record"), c.Files, plural(int64(c.Files), "file"))
	if c.First > 0 {
		fmt.Fprintf(&b, ", seq %d to %d", c.First, c.Head.Seq)
	}
	if c.Records > 0 {
		fmt.Fprintf(&b, ", head sha256 %s", c.Head.Hash)
	}
	switch {
	case c.Unchained > 0 && c.First > 0:
		fmt.Fprintf(&b, "; %d %s without seq at the top (in %s), written before the chain: only the last of them is covered",
			c.Unchained, plural(c.Unchained, "record"), strings.Join(c.UnchainedIn, ", "))
	case c.Unchained > 0:
		b.WriteString("; no record has a seq: written before the chain, none is covered")
	}
	if c.Continued {
		fmt.Fprintf(&b, "; seq %d links to a record in an earlier file not given", c.First)
	}
	for _, f := range c.Empty {
		fmt.Fprintf(&b, "; %s is empty", f)
	}
	return b.String()
}

func plural(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
