package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"
)

// The hash chain. Every record written by File begins with its link:
//
//	{"seq":N,"prev":"HEX",...
//
// seq counts the records of a chain from 1; prev is the lowercase hex
// SHA-256 of the line before it exactly as written, without its newline,
// and "" for the first record of a new chain. Changing, removing, adding
// or moving a line breaks the link of the line after it. The link leads
// the record so that a verifier reads it without decoding the rest.

// Head is the end of a chain: the seq of its last record and the hash of
// its last line, which the next record carries as prev. The zero Head is
// an empty chain; Seq 0 with a Hash is a file whose last line carries no
// seq (a log from before the chain): the next record is seq 1 and pins it.
type Head struct {
	Seq  int64
	Hash string // lowercase hex; "" when there is no line before
}

// link encodes r as the next record after h: its line, newline included,
// and the head once it is written.
func (h Head) link(r Record) ([]byte, Head, error) {
	r.Seq, r.Prev = h.Seq+1, h.Hash
	line, err := json.Marshal(r)
	if err != nil {
		return nil, h, fmt.Errorf("audit: encode: %w", err)
	}
	head := next(r.Seq, line)
	return append(line, '\n'), head, nil
}

// next is the head once line, the record with seq, is written.
func next(seq int64, line []byte) Head {
	return Head{Seq: seq, Hash: hashLine(line)}
}

func hashLine(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// headOf is the head of a log whose last line is line (without newline).
func headOf(line []byte) Head {
	l, err := parseLink(line)
	if err != nil || !l.chained {
		return Head{Hash: hashLine(line)}
	}
	return next(l.seq, line)
}

// Errors of a line that is not a chained record as File writes them.
var (
	ErrNotJSON      = errors.New("not a JSON object")
	ErrLineTooLong  = fmt.Errorf("line longer than %d bytes, more than any record", maxLine)
	ErrMalformedSeq = errors.New(`seq and prev are not the record's first members as signout-bot writes them ({"seq":N,"prev":"<64 lowercase hex or empty>",...)`)
)

// link is what a line says about its place in the chain.
type link struct {
	chained bool     // false: a JSON object without seq, from before the chain
	seq     int64    // from 1
	prev    [32]byte // meaningful when hasPrev
	hasPrev bool     // false: prev is "", the start of a new chain
}

var (
	seqKey  = []byte(`{"seq":`)
	prevKey = []byte(`,"prev":"`)
)

// parseLink reads the link at the start of line, and checks that the line
// is one JSON object. gjson validates at about four times the speed of
// encoding/json, and validation is half of what -verify-audit does.
func parseLink(line []byte) (link, error) {
	if len(line) == 0 || line[0] != '{' || !gjson.ValidBytes(line) {
		return link{}, ErrNotJSON
	}
	if !bytes.HasPrefix(line, seqKey) {
		return unchainedLink(line)
	}
	rest := line[len(seqKey):]
	digits := rest[:max(0, bytes.IndexByte(rest, ','))]
	seq, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil || seq < 1 {
		return link{}, ErrMalformedSeq
	}
	rest = rest[len(digits):]
	if !bytes.HasPrefix(rest, prevKey) {
		return link{}, ErrMalformedSeq
	}
	rest = rest[len(prevKey):]
	l := link{chained: true, seq: seq}
	if len(rest) > 0 && rest[0] == '"' {
		return l, nil
	}
	if len(rest) < 65 || rest[64] != '"' || !isLowerHex(rest[:64]) {
		return link{}, ErrMalformedSeq
	}
	hex.Decode(l.prev[:], rest[:64])
	l.hasPrev = true
	return l, nil
}

// unchainedLink is the link of a JSON object that does not begin with
// seq: a record from before the chain, if it has neither seq nor prev.
func unchainedLink(line []byte) (link, error) {
	if gjson.GetBytes(line, "seq").Exists() || gjson.GetBytes(line, "prev").Exists() {
		return link{}, ErrMalformedSeq
	}
	return link{}, nil
}

// isLowerHex looks each byte up: comparing ranges mispredicts a branch
// on every other digit of a hash, which made it cost as much as hashing.
func isLowerHex(b []byte) bool {
	for _, c := range b {
		if !lowerHexDigit[c] {
			return false
		}
	}
	return true
}

var lowerHexDigit = func() (t [256]bool) {
	for _, c := range "0123456789abcdef" {
		t[c] = true
	}
	return t
}()
