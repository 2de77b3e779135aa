package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxLine bounds one record when reading: records are small, and a
// garbled file must not exhaust memory.
const maxLine = 1 << 20

// ErrIncompleteLine is the damage of a last line without its newline: a
// write that never finished, so not a record.
var ErrIncompleteLine = errors.New("incomplete last line (no newline): a write that never finished")

// DamageError names where a log is damaged: File (empty when Read was
// given a bare reader) and Line, 1-based.
type DamageError struct {
	File string
	Line int
	Err  error
}

func (e *DamageError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("audit: line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("audit: %s:%d: %v", e.File, e.Line, e.Err)
}

func (e *DamageError) Unwrap() error { return e.Err }

// Read decodes every record of an audit log, for tools and tests. At the
// first damaged line it stops, returning the records before it and a
// *DamageError naming the line.
func Read(r io.Reader) ([]Record, error) {
	return read(r, "")
}

// ReadFile is Read for the log at path; a *DamageError names the file.
func ReadFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	return read(f, path)
}

func read(r io.Reader, name string) ([]Record, error) {
	var out []Record
	unterminated := false
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, maxLine)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			unterminated = true
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	n := 0
	for sc.Scan() {
		n++
		if unterminated {
			return out, &DamageError{File: name, Line: n, Err: ErrIncompleteLine}
		}
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return out, &DamageError{File: name, Line: n, Err: fmt.Errorf("invalid JSON: %w", err)}
		}
		out = append(out, rec)
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return out, &DamageError{File: name, Line: n + 1, Err: fmt.Errorf("line longer than %d bytes: %w", maxLine, err)}
	} else if err != nil {
		return out, fmt.Errorf("audit: read: %w", err)
	}
	return out, nil
}
