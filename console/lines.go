package console

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"

	"golang.org/x/term"
)

// pipeReader reads plain lines, for scripts and tests.
type pipeReader struct{ r *bufio.Reader }

func newPipeReader(in io.Reader) *pipeReader {
	return &pipeReader{r: bufio.NewReaderSize(in, 4096)}
}

// ReadLine reads up to '\n', discarding lines over maxLine.
func (p *pipeReader) ReadLine() (line string, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := p.r.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLine {
			tooLong = true
		} else {
			buf = append(buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			buf = nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			err = fmt.Errorf("console: read: %w", err)
		}
		return string(trimEOL(buf)), tooLong, err
	}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// terminal is a line editor on a raw-mode terminal. Its Write redraws the
// prompt and the half-typed line after output from another goroutine
// (an expiry notice), so answers never land inside what is being typed.
type terminal struct{ t *term.Terminal }

func newTerminal(in io.Reader, out io.Writer) *terminal {
	return &terminal{t: term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, out}, promptText)}
}

func (t *terminal) ReadLine() (string, bool, error) {
	line, err := t.t.ReadLine()
	if errors.Is(err, term.ErrPasteIndicator) {
		err = nil // a pasted line is a line like any other
	}
	if len(line) > maxLine {
		return "", true, err
	}
	return line, false, err
}

func (t *terminal) Write(p []byte) (int, error) { return t.t.Write(p) }

// output serialises writes: expiry notices arrive from another goroutine.
type output struct {
	mu sync.Mutex
	w  io.Writer
}

func (o *output) println(s string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, err := fmt.Fprintln(o.w, s)
	return err
}
