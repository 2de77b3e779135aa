package audit

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// faults is what the next operations on a faultyFile do wrong. The zero
// value does nothing wrong.
type faults struct {
	writeErr     error // the next write fails with this
	short        bool  // the next write writes half the line, then fails with writeErr (nil: a silent short write)
	syncErr      error // every sync fails with this
	truncateErr  error // every truncate fails with this
	writesCalled int
}

// faultyFile is a real file whose writes, syncs and truncates fail on demand.
type faultyFile struct {
	*os.File
	f *faults
}

func (ff faultyFile) Write(p []byte) (int, error) {
	ff.f.writesCalled++
	if !ff.f.short && ff.f.writeErr == nil {
		return ff.File.Write(p)
	}
	n := 0
	if ff.f.short {
		n = len(p) / 2
	}
	if _, err := ff.File.Write(p[:n]); err != nil {
		return 0, err
	}
	err := ff.f.writeErr
	ff.f.short, ff.f.writeErr = false, nil
	return n, err
}

func (ff faultyFile) Sync() error {
	if ff.f.syncErr != nil {
		return ff.f.syncErr
	}
	return ff.File.Sync()
}

func (ff faultyFile) Truncate(size int64) error {
	if ff.f.truncateErr != nil {
		return ff.f.truncateErr
	}
	return ff.File.Truncate(size)
}

func openFaulty(t *testing.T, path string) (*File, *faults) {
	t.Helper()
	fs := &faults{}
	f, err := opener{wrap: func(f *os.File) logFile { return faultyFile{f, fs} }}.openFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, fs
}

func mustWrite(t *testing.T, f *File, event string) {
	t.Helper()
	if err := f.Write(Record{Event: event, Platform: "slack", Invoker: "U1", Target: "alice", Reason: "lost phone"}); err != nil {
		t.Fatal(err)
	}
}

func contents(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func wantEvents(t *testing.T, path string, want ...string) {
	t.Helper()
	recs := readLines(t, path)
	var got []string
	for _, r := range recs {
		got = append(got, r.Event)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("events %v, want %v", got, want)
	}
}

// A failed or short write leaves the file byte for byte as it was, the
// error reaches the caller, and the next record starts on a clean line.
func TestFailedWriteIsRolledBack(t *testing.T) {
	cases := map[string]struct {
		inject func(*faults)
		want   error
	}{
		"short write, disk full": {func(fs *faults) { fs.short, fs.writeErr = true, syscall.ENOSPC }, syscall.ENOSPC},
		"short write, no error":  {func(fs *faults) { fs.short = true }, io.ErrShortWrite},
		"write fails, EIO":       {func(fs *faults) { fs.writeErr = syscall.EIO }, syscall.EIO},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			f, fs := openFaulty(t, path)
			mustWrite(t, f, Requested)
			mustWrite(t, f, Confirmed)
			before := contents(t, path)

			c.inject(fs)
			if err := f.Write(Record{Event: Succeeded, Reason: "must not land"}); !errors.Is(err, c.want) {
				t.Fatalf("a failed write returned %v, want %v", err, c.want)
			}
			if after := contents(t, path); !bytes.Equal(after, before) {
				t.Fatalf("file changed by a failed write:\nbefore %q\nafter  %q", before, after)
			}
			mustWrite(t, f, Failed)
			wantEvents(t, path, Requested, Confirmed, Failed)
		})
	}
}

// A sync that fails leaves the record's fate unknown; it is taken out, so
// the file holds only records the caller was told are written.
func TestFailedSyncIsRolledBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	f, fs := openFaulty(t, path)
	mustWrite(t, f, Requested)
	before := contents(t, path)
	fs.syncErr = syscall.EIO
	if err := f.Write(Record{Event: Confirmed}); !errors.Is(err, syscall.EIO) {
		t.Fatalf("sync failure: %v", err)
	}
	fs.syncErr = nil
	if after := contents(t, path); !bytes.Equal(after, before) {
		t.Fatalf("file changed by a failed write:\nbefore %q\nafter  %q", before, after)
	}
	mustWrite(t, f, Cancelled)
	wantEvents(t, path, Requested, Cancelled)
}

// When the rollback fails too, the file is dirty: no record is appended
// onto the half line, every write fails until the repair works, then the
// half line is gone and writing goes on.
func TestFailedRollbackKeepsFailingUntilRepaired(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	f, fs := openFaulty(t, path)
	mustWrite(t, f, Requested)
	good := contents(t, path)

	fs.short, fs.writeErr, fs.truncateErr = true, syscall.ENOSPC, syscall.EIO
	if err := f.Write(Record{Event: Confirmed}); !errors.Is(err, syscall.ENOSPC) || !errors.Is(err, syscall.EIO) {
		t.Fatalf("want both the write's and the rollback's error: %v", err)
	}
	dirty := contents(t, path)
	if len(dirty) <= len(good) || dirty[len(dirty)-1] == '\n' {
		t.Fatalf("the fault did not leave a half line: %q", dirty)
	}
	calls := fs.writesCalled
	for range 2 {
		if err := f.Write(Record{Event: Cancelled}); err == nil {
			t.Fatal("wrote onto a half line and reported success")
		}
	}
	if fs.writesCalled != calls {
		t.Fatal("wrote onto a half line")
	}
	if after := contents(t, path); !bytes.Equal(after, dirty) {
		t.Fatalf("a write to a dirty file changed it: %q", after)
	}

	fs.truncateErr = nil
	mustWrite(t, f, Expired)
	wantEvents(t, path, Requested, Expired)
	if raw := contents(t, path); !bytes.HasPrefix(raw, good) {
		t.Fatalf("good records changed: %q", raw)
	}
}

// Close (and so a rotation) repairs a dirty file if it can, so no file is
// left with a half line.
func TestCloseRepairsDirtyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	f, fs := openFaulty(t, path)
	mustWrite(t, f, Requested)
	good := contents(t, path)
	fs.short, fs.writeErr, fs.truncateErr = true, syscall.ENOSPC, syscall.EIO
	if f.Write(Record{Event: Confirmed}) == nil {
		t.Fatal("failed write reported success")
	}
	fs.truncateErr = nil
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if raw := contents(t, path); !bytes.Equal(raw, good) {
		t.Fatalf("closed with a half line: %q", raw)
	}
}
