package audit

import (
	"bytes"
	"crypto/sha256"
	"io"
	"runtime"
	"sync"
)

// Verifying is bound by hashing and JSON validation, not by reading, so
// the lines of a file are examined on every core, a block at a time, and
// checked against each other in file order: a line's hash does not depend
// on the lines before it, only the check of its link does.
const (
	// blockSize is what a worker takes at once; more than maxLine, so that
	// a block always holds a whole line.
	blockSize = 4 << 20
	// maxScanWorkers bounds the memory in flight: two blocks per worker.
	maxScanWorkers = 8
)

// lineInfo is what a worker found in one line.
type lineInfo struct {
	hash [sha256.Size]byte
	link link
	err  error // not a chained or chain-less record, or ErrIncompleteLine
}

type block struct {
	buf   []byte
	data  []byte // whole lines; at the end of the file, the last may lack its newline
	err   error  // reading stopped after data: an I/O error or ErrLineTooLong
	lines []lineInfo
	done  chan struct{} // closed when lines are filled in
}

// scan reads r in blocks, examines their lines in parallel, and calls
// visit with each block's lines in file order, then with the error that
// stopped reading, if any. It stops at visit's first error and returns it.
func scan(r io.Reader, visit func(lines []lineInfo, readErr error) error) error {
	workers := min(runtime.GOMAXPROCS(0), maxScanWorkers)
	jobs := make(chan *block, 2*workers)
	inOrder := make(chan *block, 2*workers)
	stop := make(chan struct{})

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range jobs {
				b.lines = examine(b.data, b.lines[:0])
				close(b.done)
			}
		})
	}
	wg.Go(func() {
		defer close(jobs)
		defer close(inOrder)
		readBlocks(r, func(b *block) bool {
			select {
			case inOrder <- b:
			case <-stop:
				return false
			}
			jobs <- b // workers always take jobs: this never waits on visit
			return true
		})
	})

	var err error
	for b := range inOrder {
		<-b.done
		if err == nil {
			if err = visit(b.lines, b.err); err != nil {
				close(stop)
			}
		}
		blocks.Put(b)
	}
	wg.Wait()
	return err
}

// blocks are reused across files: a rotated set is many of them.
var blocks = sync.Pool{New: func() any { return &block{buf: make([]byte, blockSize)} }}

func getBlock() *block {
	b := blocks.Get().(*block)
	b.data, b.err, b.lines, b.done = nil, nil, b.lines[:0], make(chan struct{})
	return b
}

// readBlocks cuts r into blocks of whole lines and sends them, until the
// end of r, a read error, a line longer than maxLine, or send says stop.
func readBlocks(r io.Reader, send func(*block) bool) {
	b, carried := getBlock(), 0
	for {
		n, err := fill(r, b.buf[carried:])
		data := b.buf[:carried+n]
		if err == io.EOF {
			b.data = data
			send(b)
			return
		}
		end := bytes.LastIndexByte(data, '\n') + 1
		b.data = data[:end]
		if err != nil || len(data)-end > maxLine {
			b.err = err
			if err == nil {
				b.err = ErrLineTooLong
			}
			send(b)
			return
		}
		next := getBlock()
		carried = copy(next.buf, data[end:])
		if !send(b) {
			return
		}
		b = next
	}
}

// fill reads into buf until it is full or r fails. Unlike io.ReadFull it
// tells the end of r (io.EOF) from a reader's own io.ErrUnexpectedEOF (a
// gzip file cut short).
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// examine hashes and parses each line of data.
func examine(data []byte, lines []lineInfo) []lineInfo {
	for len(data) > 0 {
		var li lineInfo
		line, rest, whole := bytes.Cut(data, []byte{'\n'})
		data = rest
		switch {
		case !whole:
			li.err = ErrIncompleteLine
		case len(line) > maxLine:
			li.err = ErrLineTooLong
		default:
			li.hash = sha256.Sum256(line)
			li.link, li.err = parseLink(line)
		}
		lines = append(lines, li)
	}
	return lines
}
