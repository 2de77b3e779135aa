package audit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func readLines(t *testing.T, path string) []Record {
	t.Helper()
	recs, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestReadRejectsGarbage(t *testing.T) {
	recs, err := Read(strings.NewReader(`{"event":"requested"}` + "\nnot json\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") || len(recs) != 1 {
		t.Fatalf("recs %v err %v", recs, err)
	}
}

func TestAppendsAcrossReopenAndConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for round := 0; round < 2; round++ {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := f.Write(Record{Event: Requested, Platform: "slack", Invoker: "U1", Target: "alice", Reason: "line\nbreak \"quoted\""}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Write(Record{}); !errors.Is(err, ErrClosed) {
			t.Fatalf("write after close: %v", err)
		}
	}
	recs := readLines(t, path)
	if len(recs) != 100 {
		t.Fatalf("want 100 records after a reopen, got %d", len(recs))
	}
	for _, r := range recs {
		if r.Time.IsZero() || r.Event != Requested || r.Reason != "line\nbreak \"quoted\"" {
			t.Fatalf("record %+v", r)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestRequiredFieldsAlwaysPresent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	f, _ := Open(path)
	defer f.Close()
	if err := f.Write(Record{Event: Denied, Platform: "dingtalk", Invoker: "x"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	for _, k := range []string{`"time"`, `"event"`, `"platform"`, `"invoker"`, `"target"`, `"reason"`} {
		if !strings.Contains(string(raw), k) {
			t.Errorf("record lacks %s: %s", k, raw)
		}
	}
}

func TestUnwritableFile(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "no", "such", "dir", "a.jsonl")); err == nil {
		t.Fatal("open in a missing directory succeeded")
	}
	// /dev/full accepts the open and fails every write with ENOSPC: a full disk.
	f, err := Open("/dev/full")
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer f.Close()
	if err := f.Write(Record{Event: Confirmed}); err == nil {
		t.Fatal("write to a full disk reported success")
	}
}

func TestReopenAfterRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Write(Record{Event: Requested}); err != nil {
		t.Fatal(err)
	}
	rotated := path + ".1"
	if err := os.Rename(path, rotated); err != nil {
		t.Fatal(err)
	}
	if err := f.Write(Record{Event: Confirmed}); err != nil { // before the reopen: into the old file
		t.Fatal(err)
	}
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	if err := f.Write(Record{Event: Succeeded}); err != nil {
		t.Fatal(err)
	}
	if old, cur := readLines(t, rotated), readLines(t, path); len(old) != 2 || len(cur) != 1 || cur[0].Event != Succeeded {
		t.Fatalf("rotated %d records, current %+v", len(old), cur)
	}
}
