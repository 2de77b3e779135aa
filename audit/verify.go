package audit

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
)

// Why a chain breaks at a line. Each is wrapped in a *DamageError naming
// the file and line, with what was found there.
var (
	// ErrSeqBreak: the line's seq is not the one after the line before.
	ErrSeqBreak = errors.New("a record was removed, added or moved")
	// ErrPrevBreak: the line's prev is not the hash of the line before.
	ErrPrevBreak = errors.New("the line before was changed, or this record was put here")
	// ErrUnchained: a record without seq after the chain began.
	ErrUnchained = errors.New("a record without seq inside the chain: added, or its seq removed")
	// ErrNewChain: a record that starts a chain (seq 1, prev "") after
	// others, so not linked to them.
	ErrNewChain = errors.New(`a new chain (seq 1, prev "") starts here, not linked to the records before it`)
)

// Position is a line of a file, 1-based.
type Position struct {
	File string
	Line int
}

func (p Position) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Chain is what Verify found in a whole chain.
type Chain struct {
	Files   int
	Records int64 // every record, with or without seq
	// Unchained records have no seq: written before the chain existed, at
	// the top of the first files. Only the last of them is covered, by
	// the prev of the first record after it.
	Unchained   int64
	UnchainedIn []string // the files that hold them
	First       int64    // seq of the first chained record; 0 when none
	Head        Head     // the last record; Head.Seq is 0 when it has no seq
	Continued   bool     // the first chained record links to a line before the files given
	Empty       []string // files without a record
}

// Verify checks the hash chain through the audit logs at paths, read in
// order (a rotated set oldest first; gzip-compressed files are read as
// they are). It returns what it found, or at the first line where the
// chain breaks a *DamageError naming it: ErrSeqBreak, ErrPrevBreak,
// ErrNewChain, ErrUnchained, ErrNotJSON, ErrMalformedSeq, ErrLineTooLong,
// or ErrIncompleteLine for a file that does not end in a newline. Another
// error is a file that could not be read.
//
// Records without seq are accepted at the top of the set only, before the
// first chained record. The set is one chain: a new one (seq 1, prev "",
// as the bot starts in a file it finds empty) is a break after the first
// line. The first record may link to a line before the set (older files
// removed), and a set that ends at a line boundary cannot tell that its
// last records were removed: compare Head with a logged anchor for that.
func Verify(paths ...string) (Chain, error) {
	v := verifier{}
	for _, p := range paths {
		if err := v.file(p); err != nil {
			return v.result(), err
		}
	}
	return v.result(), nil
}

func (v *verifier) result() Chain {
	c := v.chain
	if v.last.at.Line != 0 {
		c.Head = Head{Seq: v.last.seq, Hash: hex.EncodeToString(v.last.hash[:])}
	}
	return c
}

// verifier checks each line against the one before it, across files.
type verifier struct {
	chain Chain
	at    Position // the line being checked
	last  struct {
		at      Position // zero: no line yet
		hash    [32]byte
		chained bool
		seq     int64
	}
}

func (v *verifier) file(path string) error {
	r, err := openLog(path)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer r.Close()
	return v.stream(r, path)
}

// stream checks the lines of one file, named path, read from r.
func (v *verifier) stream(r io.Reader, path string) error {
	v.chain.Files++
	v.at = Position{File: path}
	err := scan(r, func(lines []lineInfo, readErr error) error {
		for i := range lines {
			v.at.Line++
			if err := v.check(&lines[i]); err != nil {
				return &DamageError{File: path, Line: v.at.Line, Err: err}
			}
		}
		if errors.Is(readErr, ErrLineTooLong) {
			return &DamageError{File: path, Line: v.at.Line + 1, Err: readErr}
		}
		if readErr != nil {
			return fmt.Errorf("audit: read %s: %w", path, readErr)
		}
		return nil
	})
	if err == nil && v.at.Line == 0 {
		v.chain.Empty = append(v.chain.Empty, path)
	}
	return err
}

// openLog opens path for reading, through gzip if it is compressed
// (logrotate's compress).
func openLog(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(f)
	if magic, _ := br.Peek(2); !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return readCloser{br, f}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return readCloser{zr, f}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (v *verifier) check(li *lineInfo) error {
	if li.err != nil {
		return li.err
	}
	var err error
	if li.link.chained {
		err = v.chained(li.link)
	} else {
		err = v.unchained()
	}
	if err != nil {
		return err
	}
	v.chain.Records++
	v.last.at, v.last.hash, v.last.chained, v.last.seq = v.at, li.hash, li.link.chained, li.link.seq
	return nil
}

func (v *verifier) unchained() error {
	if v.chain.First != 0 {
		return ErrUnchained
	}
	v.chain.Unchained++
	if in := v.chain.UnchainedIn; len(in) == 0 || in[len(in)-1] != v.at.File {
		v.chain.UnchainedIn = append(in, v.at.File)
	}
	return nil
}

func (v *verifier) chained(l link) error {
	if v.chain.First == 0 {
		v.chain.First = l.seq
	}
	switch {
	case !l.hasPrev:
		return v.newChain(l)
	case v.last.at.Line == 0: // the first line of the set: what it links to is not here
		v.chain.Continued = true
		return nil
	}
	want := int64(1) // after records without seq
	if v.last.chained {
		want = v.last.seq + 1
	}
	if l.seq != want {
		return fmt.Errorf("seq %d where %d was due (after %s): %w%s", l.seq, want, v.last.at, ErrSeqBreak, v.orderHint())
	}
	if l.prev != v.last.hash {
		return fmt.Errorf("prev does not match %s: %w%s", v.last.at, ErrPrevBreak, v.orderHint())
	}
	return nil
}

// newChain checks a record whose prev is "", the start of a chain: only
// the first line of the set may be one.
func (v *verifier) newChain(l link) error {
	if l.seq != 1 {
		return fmt.Errorf("prev is \"\", the start of a chain, but seq is %d: %w", l.seq, ErrSeqBreak)
	}
	if v.last.at.Line != 0 {
		return fmt.Errorf("after %s: %w (files out of order or from another replica, or the bot was started on an empty file: verify from here on apart)", v.last.at, ErrNewChain)
	}
	return nil
}

// orderHint is said of a break at the top of a file after the first.
func (v *verifier) orderHint() string {
	if v.at.Line == 1 && v.last.at.Line != 0 {
		return " (are the files given oldest first, none missing, from one replica?)"
	}
	return ""
}
