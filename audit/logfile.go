package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// logFile is what File writes through: an *os.File in production; tests
// wrap it to inject short and failing writes.
type logFile interface {
	io.Writer
	Sync() error
	Close() error
	Truncate(size int64) error
}

// opener opens the log. Its fields are seams for tests; the zero value is
// the real thing.
type opener struct {
	wrap    func(*os.File) logFile
	syncDir func(dir string) error
}

// PartialTail says Open cut an incomplete last line off the log: the tail
// of a write that never finished (a crash or a full disk in an earlier
// run). That record was never reported written, so no acknowledged record
// is lost, and the next one starts on a clean line.
type PartialTail struct {
	File   string
	Offset int64 // where the cut line began: the file's size now
	Bytes  int64 // how many bytes were cut
}

func (p *PartialTail) Error() string {
	return fmt.Sprintf("audit: %s ended in an incomplete record (%d bytes from offset %d, a write that never finished); it was removed so the next record starts on a clean line",
		p.File, p.Bytes, p.Offset)
}

// opened is a freshly opened log, ready to append to.
type opened struct {
	w       logFile
	size    int64 // bytes of complete records: where a failed write is rolled back to
	regular bool  // a regular file, which can be rolled back; not /dev/full or a pipe
	tail    *PartialTail
	head    *Head // the chain's end per the file's last line; nil when it has none
}

func (o opener) open(path string) (opened, error) {
	f, created, err := openForAppend(path)
	if err != nil {
		return opened{}, err
	}
	if created {
		// The file's name must be as durable as the records synced into it.
		if err := o.syncDirOf(path); err != nil {
			f.Close()
			os.Remove(path) // so the next open creates it again, and syncs again
			return opened{}, fmt.Errorf("sync directory of %s: %w", path, err)
		}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return opened{}, err
	}
	op := opened{size: fi.Size(), regular: fi.Mode().IsRegular()}
	if op.regular && op.size > 0 {
		if err := op.readEnd(f, path, fi); err != nil {
			f.Close()
			return opened{}, err
		}
	}
	op.w = logFile(f)
	if o.wrap != nil {
		op.w = o.wrap(f)
	}
	return op, nil
}

func (o opener) syncDirOf(path string) error {
	if o.syncDir != nil {
		return o.syncDir(filepath.Dir(path))
	}
	return syncDir(filepath.Dir(path))
}

// openForAppend opens path for appending and says whether it created the
// file (O_EXCL tells, without a race).
func openForAppend(path string) (f *os.File, created bool, err error) {
	const flags = os.O_WRONLY | os.O_APPEND
	for range 2 {
		if f, err = os.OpenFile(path, flags|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
			return f, true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, false, err
		}
		if f, err = os.OpenFile(path, flags, 0); !errors.Is(err, fs.ErrNotExist) {
			return f, false, err
		}
		// Removed between the two opens; or a dangling symlink: try again.
	}
	f, err = os.OpenFile(path, flags|os.O_CREATE, 0o600)
	return f, err == nil, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// tailChunk is how much of the file's end is read at a time to find its
// last newline.
const tailChunk = 64 << 10

// ErrNotPartialRecord is why Open refuses a file whose unterminated tail
// cannot be the start of a record: not '{', or longer than any record. It
// is more likely the wrong file than a log, and is not truncated.
var ErrNotPartialRecord = errors.New("ends in a line that is not part of an audit record; not truncating it")

// readEnd cuts a partial tail off a non-empty log and reads the chain's
// head from its last line. w is open for writing only, so the end is read
// through a second handle, checked to be the same file.
func (op *opened) readEnd(w *os.File, path string, fi os.FileInfo) error {
	r, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("check the end of %s: %w", path, err)
	}
	defer r.Close()
	if rfi, err := r.Stat(); err != nil || !os.SameFile(fi, rfi) {
		return fmt.Errorf("%s was replaced while being opened", path)
	}
	if op.tail, err = cutPartialTail(w, r, path, fi.Size()); err != nil {
		return err
	}
	if op.tail != nil {
		op.size = op.tail.Offset
	}
	if op.size == 0 {
		return nil
	}
	line, err := lastLine(r, op.size)
	if err != nil {
		return fmt.Errorf("read the last record of %s: %w", path, err)
	}
	h := headOf(line)
	op.head = &h
	return nil
}

// ErrLastLineTooLong is why Open refuses a log whose last line is longer
// than any record: it cannot continue a chain it cannot read.
var ErrLastLineTooLong = fmt.Errorf("last line is longer than %d bytes, more than any record: not an audit log?", maxLine)

// lastLine returns the line that ends (with its newline) at end.
func lastLine(r io.ReaderAt, end int64) ([]byte, error) {
	start, err := lastLineEnd(r, end-1)
	if err != nil {
		return nil, err
	}
	if start < 0 {
		return nil, ErrLastLineTooLong
	}
	line := make([]byte, end-1-start)
	if _, err := r.ReadAt(line, start); err != nil {
		return nil, err
	}
	return line, nil
}

// cutPartialTail truncates a log that does not end in a newline back to
// its last newline.
func cutPartialTail(w *os.File, r io.ReaderAt, path string, size int64) (*PartialTail, error) {
	end, err := lastLineEnd(r, size)
	if err != nil {
		return nil, fmt.Errorf("check the end of %s: %w", path, err)
	}
	if end == size {
		return nil, nil
	}
	if !startsRecord(r, end) {
		return nil, fmt.Errorf("%s %w", path, ErrNotPartialRecord)
	}
	if err := errors.Join(w.Truncate(end), w.Sync()); err != nil {
		return nil, fmt.Errorf("%s ends in an incomplete record that could not be removed: %w", path, err)
	}
	return &PartialTail{File: path, Offset: end, Bytes: size - end}, nil
}

// startsRecord says whether the line at off (-1: none found) begins as
// every record does.
func startsRecord(r io.ReaderAt, off int64) bool {
	first := make([]byte, 1)
	if off < 0 {
		return false
	}
	_, err := r.ReadAt(first, off)
	return err == nil && first[0] == '{'
}

// lastLineEnd is the offset just past the last newline in the first size
// bytes of r, 0 if there is none, or -1 if there is none in the last
// maxLine bytes, more than a record can be.
func lastLineEnd(r io.ReaderAt, size int64) (int64, error) {
	buf := make([]byte, tailChunk)
	for end := size; end > 0; {
		if size-end >= maxLine {
			return -1, nil
		}
		start := max(0, end-tailChunk)
		chunk := buf[:end-start]
		if _, err := r.ReadAt(chunk, start); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}
