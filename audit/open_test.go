package audit

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

const twoRecords = `{"time":"2026-01-01T00:00:00Z","event":"requested","platform":"slack","invoker":"U1","target":"alice","reason":"r"}
{"time":"2026-01-01T00:00:01Z","event":"confirmed","platform":"slack","invoker":"U1","target":"alice","reason":"r"}
`

// A log that ends mid-record (a crash in an earlier run) is cut back to
// its last newline: every complete record is kept, the next one starts
// on a clean line, and PartialTail says what was cut.
func TestOpenCutsPartialTail(t *testing.T) {
	cases := map[string]struct{ good, tail string }{
		"half a record":            {twoRecords, `{"time":"2026-01-01T00:00:02Z","event":"succ`},
		"a whole record, no \\n":   {twoRecords, `{"event":"succeeded","platform":"slack","invoker":"U1","target":"alice","reason":"r"}`},
		"no newline at all":        {"", `{"event":"requ`},
		"tail longer than a chunk": {twoRecords, `{"reason":"` + strings.Repeat("x", 3*tailChunk+17)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			if err := os.WriteFile(path, []byte(c.good+c.tail), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			want := &PartialTail{File: path, Offset: int64(len(c.good)), Bytes: int64(len(c.tail))}
			if got := f.PartialTail(); got == nil || *got != *want {
				t.Fatalf("PartialTail %+v, want %+v", got, want)
			}
			if raw := contents(t, path); string(raw) != c.good {
				t.Fatalf("after open: %q", raw)
			}
			mustWrite(t, f, Expired)
			recs := readLines(t, path)
			if len(recs) != strings.Count(c.good, "\n")+1 || recs[len(recs)-1].Event != Expired {
				t.Fatalf("records %+v", recs)
			}
		})
	}
}

// A tail that cannot be part of a record means the wrong file: Open
// refuses it and changes nothing.
func TestOpenRefusesNonRecordTail(t *testing.T) {
	cases := map[string]string{
		"not a record":       twoRecords + "hello",
		"longer than a line": twoRecords + `{"reason":"` + strings.Repeat("x", maxLine),
		"a binary":           string(bytes.Repeat([]byte{0x7f, 'E', 'L', 'F', 0}, 1000)),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(path); !errors.Is(err, ErrNotPartialRecord) {
				t.Fatalf("open: %v", err)
			}
			if raw := contents(t, path); string(raw) != content {
				t.Fatal("refused file changed")
			}
		})
	}
}

func TestOpenLeavesCleanLogAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := os.WriteFile(path, []byte(twoRecords), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := f.PartialTail(); p != nil {
		t.Fatalf("PartialTail %+v on a clean log", p)
	}
	mustWrite(t, f, Succeeded)
	if raw := contents(t, path); !strings.HasPrefix(string(raw), twoRecords) {
		t.Fatalf("clean log rewritten: %q", raw)
	}
}

// Reopen onto a file with a partial tail cleans it the same way.
func TestReopenCutsPartialTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(twoRecords+`{"ev`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	if p := f.PartialTail(); p == nil || p.Bytes != 4 {
		t.Fatalf("PartialTail %+v", p)
	}
	mustWrite(t, f, Succeeded)
	wantEvents(t, path, Requested, Confirmed, Succeeded)
}

// The directory is synced when, and only when, the log is created: at
// Open and at a Reopen after rotation.
func TestDirectorySyncedOnCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	var synced []string
	o := opener{syncDir: func(d string) error { synced = append(synced, d); return nil }}
	f, err := o.openFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(synced) != 1 || synced[0] != dir {
		t.Fatalf("synced %v after creating the log", synced)
	}
	if err := f.Reopen(); err != nil { // same file, not rotated: nothing created
		t.Fatal(err)
	}
	if len(synced) != 1 {
		t.Fatalf("synced %v after reopening an existing log", synced)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	if len(synced) != 2 {
		t.Fatalf("synced %v after reopening a rotated log", synced)
	}
	if f2, err := o.openFile(path); err != nil || len(synced) != 2 {
		t.Fatalf("open of an existing log: synced %v, err %v", synced, err)
	} else {
		f2.Close()
	}
}

// If the directory cannot be synced, the new log is not durable: Open
// fails and leaves no file, so the next attempt creates and syncs again.
func TestDirectorySyncFailureFailsOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	o := opener{syncDir: func(string) error { return syscall.EIO }}
	if _, err := o.openFile(path); !errors.Is(err, syscall.EIO) {
		t.Fatalf("open with a failing directory sync: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file left behind: %v", err)
	}
}

// Read names the file and line of damage, typed.
func TestReadNamesLineOfDamage(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		content string
		line    int
		is      error
		text    string
	}{
		"bad json":         {twoRecords + "{\"event\":\"req{\"event\":\"x\"}\n" + twoRecords, 3, nil, ":3: invalid JSON: "},
		"blank line":       {twoRecords + "\n" + twoRecords, 3, nil, ":3: invalid JSON: "},
		"no last newline":  {twoRecords + `{"event":"requested"}`, 3, ErrIncompleteLine, ":3: incomplete last line"},
		"line too long":    {twoRecords + strings.Repeat("x", maxLine+1) + "\n", 3, nil, ":3: line longer than"},
		"damage on line 1": {"garbage\n" + twoRecords, 1, nil, ":1: invalid JSON: "},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".jsonl")
			if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			recs, err := ReadFile(path)
			var de *DamageError
			if !errors.As(err, &de) || de.Line != c.line || de.File != path {
				t.Fatalf("err %v (%#v), want damage at %s:%d", err, de, path, c.line)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Fatalf("err %v is not %v", err, c.is)
			}
			if !strings.Contains(err.Error(), path+c.text) {
				t.Fatalf("message %q lacks %q", err, path+c.text)
			}
			if len(recs) != c.line-1 {
				t.Fatalf("%d records before the damage, want %d", len(recs), c.line-1)
			}
		})
	}
}

// A real short write on a real disk: the file size limit (RLIMIT_FSIZE)
// cuts a write off part way, as a full disk does. It is process-wide, so
// it runs in a child process. On the old code the half line stayed and the
// next record was appended to it.
func TestRealShortWrite(t *testing.T) {
	if dir := os.Getenv("AUDIT_FSIZE_CHILD"); dir != "" {
		realShortWrite(t, dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRealShortWrite$", "-test.v")
	cmd.Env = append(os.Environ(), "AUDIT_FSIZE_CHILD="+dir)
	out, err := cmd.CombinedOutput()
	if err == nil && bytes.Contains(out, []byte("--- SKIP")) {
		t.Skipf("child skipped:\n%s", out)
	}
	if err != nil || !bytes.Contains(out, []byte("--- PASS: TestRealShortWrite")) {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func realShortWrite(t *testing.T, dir string) {
	path := filepath.Join(dir, "audit.jsonl")
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mustWrite(t, f, Requested)
	before := contents(t, path)

	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skip(err)
	}
	cut := lim
	cut.Cur = uint64(len(before)) + 20 // room for 20 bytes of the next record
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &cut); err != nil {
		t.Skip(err)
	}
	werr := f.Write(Record{Event: Confirmed, Reason: strings.Repeat("long reason ", 10)})
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(werr, syscall.EFBIG) {
		t.Fatalf("write past the size limit: %v", werr)
	}
	if after := contents(t, path); !bytes.Equal(after, before) {
		t.Fatalf("file changed by a failed write:\nbefore %q\nafter  %q", before, after)
	}
	mustWrite(t, f, Cancelled)
	wantEvents(t, path, Requested, Cancelled)
}

// A SIGHUP without a rotation reopens the same file while records are
// being written: none of them may be taken for a partial tail and cut.
func TestReopenSameFileDuringWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const writers, each = 4, 50
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if err := f.Write(Record{Event: Requested, Reason: strings.Repeat("r", 2000)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for range 50 {
		if err := f.Reopen(); err != nil {
			t.Error(err)
			break
		}
		if p := f.PartialTail(); p != nil {
			t.Errorf("a record in flight was cut: %+v", p)
			break
		}
	}
	wg.Wait()
	if recs := readLines(t, path); len(recs) != writers*each {
		t.Fatalf("%d records, want %d", len(recs), writers*each)
	}
}
