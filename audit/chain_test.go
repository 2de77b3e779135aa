package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func sha(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

func lines(t *testing.T, path string) [][]byte {
	t.Helper()
	raw := contents(t, path)
	if len(raw) == 0 {
		return nil
	}
	if raw[len(raw)-1] != '\n' {
		t.Fatalf("%s does not end in a newline", path)
	}
	return bytes.Split(raw[:len(raw)-1], []byte{'\n'})
}

// wantLinks checks, independently of Verify, that the lines of path carry
// seq first..first+n-1 and that each prev is the hash of the line before
// (prev of the first line: firstPrev).
func wantLinks(t *testing.T, path string, first int64, firstPrev string) {
	t.Helper()
	prev := firstPrev
	for i, l := range lines(t, path) {
		want := fmt.Sprintf(`{"seq":%d,"prev":%q,"time":`, first+int64(i), prev)
		if !bytes.HasPrefix(l, []byte(want)) {
			t.Fatalf("%s:%d is %s\nwant it to begin %s", path, i+1, l, want)
		}
		prev = sha(l)
	}
}

func mustVerify(t *testing.T, paths ...string) Chain {
	t.Helper()
	c, err := Verify(paths...)
	if err != nil {
		t.Fatalf("verify %v: %v", paths, err)
	}
	return c
}

func openT(t *testing.T, path string) *File {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func wantHead(t *testing.T, f *File, seq int64, lastLine []byte) {
	t.Helper()
	gotSeq, gotHash := f.Head()
	if gotSeq != seq || gotHash != sha(lastLine) {
		t.Fatalf("Head() = %d %s, want %d %s", gotSeq, gotHash, seq, sha(lastLine))
	}
}

func TestEveryRecordIsLinked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	f := openT(t, path)
	if seq, hash := f.Head(); seq != 0 || hash != "" {
		t.Fatalf("head of a new log: %d %q", seq, hash)
	}
	for _, e := range []string{Requested, Confirmed, Succeeded} {
		// Whatever the caller puts in Seq and Prev is replaced.
		if err := f.Write(Record{Seq: 99, Prev: "forged", Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	wantLinks(t, path, 1, "")
	ls := lines(t, path)
	wantHead(t, f, 3, ls[2])
	c := mustVerify(t, path)
	if c.Records != 3 || c.First != 1 || c.Head != (Head{3, sha(ls[2])}) || c.Continued {
		t.Fatalf("verify: %+v", c)
	}
	if recs := readLines(t, path); recs[1].Seq != 2 || recs[1].Prev != sha(ls[0]) {
		t.Fatalf("Read: %+v", recs[1])
	}
}

// Many writers at once: one chain, no seq twice, no fork.
func TestConcurrentWritersKeepOneChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	f := openT(t, path)
	const writers, each = 32, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := f.Write(Record{Event: Requested, Invoker: fmt.Sprintf("U%d", w), Reason: fmt.Sprint(i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	wantLinks(t, path, 1, "")
	if c := mustVerify(t, path); c.Records != writers*each || c.Head.Seq != writers*each {
		t.Fatalf("verify: %+v", c)
	}
}

// A restart continues the chain from the file's last line, also after a
// partial tail was cut off.
func TestRestartContinuesChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for round := range 3 {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if round > 0 {
			ls := lines(t, path)
			wantHead(t, f, int64(2*round), ls[len(ls)-1])
		}
		mustWrite(t, f, Requested)
		mustWrite(t, f, Expired)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if round == 1 { // the process died in the middle of a write
			if err := os.WriteFile(path, append(contents(t, path), `{"seq":5,"prev":"ab`...), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	wantLinks(t, path, 1, "")
	if c := mustVerify(t, path); c.Records != 6 || c.First != 1 {
		t.Fatalf("verify: %+v", c)
	}
}

// A write that is rolled back leaves the chain where it was.
func TestRolledBackWriteDoesNotAdvanceChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	f, fs := openFaulty(t, path)
	mustWrite(t, f, Requested)
	seq, hash := f.Head()
	fs.short, fs.writeErr = true, syscall.ENOSPC
	if err := f.Write(Record{Event: Confirmed}); err == nil {
		t.Fatal("failed write reported success")
	}
	if s, h := f.Head(); s != seq || h != hash {
		t.Fatalf("head moved by a failed write: %d %s", s, h)
	}
	mustWrite(t, f, Cancelled)
	wantLinks(t, path, 1, "")
	wantEvents(t, path, Requested, Cancelled)
}

// After rotation the new file's first record links to the old file's last
// line, rotated twice in quick succession too, with or without a record
// in between (an empty middle file).
func TestRotationContinuesChain(t *testing.T) {
	for _, between := range []int{0, 1} {
		t.Run(fmt.Sprintf("%d records between rotations", between), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "audit.jsonl")
			f := openT(t, path)
			mustWrite(t, f, Requested)
			mustWrite(t, f, Confirmed)
			rotate := func() { // as logrotate does: .1 -> .2, the log -> .1, SIGHUP
				t.Helper()
				if _, err := os.Stat(path + ".1"); err == nil {
					if err := os.Rename(path+".1", path+".2"); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.Rename(path, path+".1"); err != nil {
					t.Fatal(err)
				}
				if err := f.Reopen(); err != nil {
					t.Fatal(err)
				}
			}
			rotate()
			for range between {
				mustWrite(t, f, Expired)
			}
			rotate()
			mustWrite(t, f, Succeeded)

			old := lines(t, path+".2")
			wantLinks(t, path+".2", 1, "")
			if between > 0 {
				wantLinks(t, path+".1", 3, sha(old[1]))
				old = lines(t, path+".1")
			} else if raw := contents(t, path+".1"); len(raw) != 0 {
				t.Fatalf("middle file: %q", raw)
			}
			wantLinks(t, path, int64(3+between), sha(old[len(old)-1]))

			c := mustVerify(t, path+".2", path+".1", path)
			if c.Records != int64(3+between) || c.Files != 3 || c.First != 1 {
				t.Fatalf("verify: %+v", c)
			}
			if between == 0 && (len(c.Empty) != 1 || c.Empty[0] != path+".1") {
				t.Fatalf("empty files: %v", c.Empty)
			}
			// The newest file alone is whole too, linking to a file not given.
			if c := mustVerify(t, path); !c.Continued || c.First != int64(3+between) {
				t.Fatalf("verify the newest file alone: %+v", c)
			}
		})
	}
}

// A SIGHUP without a rotation keeps the chain; a rotated-in file that
// already holds records is continued from its own last line.
func TestReopenContinuesTheFileItFinds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	f := openT(t, path)
	mustWrite(t, f, Requested)
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, Confirmed)
	wantLinks(t, path, 1, "")

	other := filepath.Join(dir, "other.jsonl")
	g := openT(t, other)
	for range 5 {
		mustWrite(t, g, Denied)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, Succeeded)
	wantLinks(t, path, 1, "")
	if c := mustVerify(t, path); c.Records != 6 {
		t.Fatalf("verify: %+v", c)
	}
}

// A log from before the chain (records without seq): the first new record
// is seq 1 and pins the last old line by its hash; Verify counts the old
// records apart. Records without seq are accepted at the top only.
func TestChainlessLogIsContinued(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	if err := os.WriteFile(path, []byte(twoRecords), 0o600); err != nil {
		t.Fatal(err)
	}
	old := lines(t, path)
	f := openT(t, path)
	if seq, hash := f.Head(); seq != 0 || hash != sha(old[1]) {
		t.Fatalf("head of a chain-less log: %d %s", seq, hash)
	}
	mustWrite(t, f, Succeeded)
	mustWrite(t, f, Expired)
	ls := lines(t, path)
	if want := fmt.Sprintf(`{"seq":1,"prev":%q,`, sha(old[1])); !bytes.HasPrefix(ls[2], []byte(want)) {
		t.Fatalf("first chained record %s, want it to begin %s", ls[2], want)
	}
	c := mustVerify(t, path)
	if c.Records != 4 || c.Unchained != 2 || c.First != 1 || c.Head.Seq != 2 || len(c.UnchainedIn) != 1 || c.UnchainedIn[0] != path {
		t.Fatalf("verify: %+v", c)
	}

	// The last old line is pinned; an earlier one is not (the README says so).
	edited := bytes.Replace(contents(t, path), []byte(`"reason":"r"}`+"\n"+`{"seq"`), []byte(`"reason":"R"}`+"\n"+`{"seq"`), 1)
	writeFile(t, path, edited)
	wantDamage(t, path, 3, ErrPrevBreak)
	writeFile(t, path, bytes.Replace(contents(t, path), []byte(`"reason":"R"}`), []byte(`"reason":"r"}`), 1))
	writeFile(t, path, bytes.Replace(contents(t, path), []byte(`"invoker":"U1"`), []byte(`"invoker":"U2"`), 1))
	mustVerify(t, path)

	// An old file before, in a rotated set, is counted as old too.
	older := filepath.Join(dir, "audit.jsonl.1")
	writeFile(t, older, []byte(twoRecords))
	if c := mustVerify(t, older, path); c.Unchained != 4 || len(c.UnchainedIn) != 2 {
		t.Fatalf("verify: %+v", c)
	}
}

// The bot keeps writing after a last line that is not a record, pinning
// it; Verify names that line.
func TestOpenAfterLastLineThatIsNotARecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeFile(t, path, []byte("hello\n"))
	f := openT(t, path)
	if seq, hash := f.Head(); seq != 0 || hash != sha([]byte("hello")) {
		t.Fatalf("head: %d %s", seq, hash)
	}
	mustWrite(t, f, Requested)
	if want := fmt.Sprintf(`{"seq":1,"prev":%q,`, sha([]byte("hello"))); !bytes.HasPrefix(lines(t, path)[1], []byte(want)) {
		t.Fatalf("record after the bad line: %s", lines(t, path)[1])
	}
	wantDamage(t, path, 1, ErrNotJSON)
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func wantDamage(t *testing.T, path string, line int, is error) {
	t.Helper()
	_, err := Verify(path)
	var de *DamageError
	if !errors.As(err, &de) || de.File != path || de.Line != line || !errors.Is(err, is) {
		t.Fatalf("verify: %v\nwant damage at %s:%d: %v", err, path, line, is)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("%s:%d: ", path, line)) {
		t.Fatalf("message %q does not name %s:%d", err, path, line)
	}
}

// A last line longer than any record cannot be continued: more likely the
// wrong file than a log, so Open refuses it, as it refuses a tail that
// cannot be part of a record, and changes nothing.
func TestOpenRefusesLastLineLongerThanARecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	content := twoRecords + `{"reason":"` + strings.Repeat("x", maxLine) + `"}` + "\n"
	writeFile(t, path, []byte(content))
	if _, err := Open(path); !errors.Is(err, ErrLastLineTooLong) {
		t.Fatalf("open: %v", err)
	}
	if string(contents(t, path)) != content {
		t.Fatal("refused file changed")
	}
}
