package audit

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sixRecords writes a whole chain of six records to path and returns its
// lines.
func sixRecords(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if err := f.Write(Record{Event: Requested, Platform: "slack", Invoker: "U1", Target: "alice", Reason: "reason " + strconv.Itoa(i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return lines(t, path)
}

func joinLines(ls ...[]byte) []byte {
	return append(bytes.Join(ls, []byte{'\n'}), '\n')
}

// Every kind of damage is found at the first line where the chain breaks,
// with a reason that says what it is.
func TestVerifyFindsTheBreak(t *testing.T) {
	cases := map[string]struct {
		tamper func(ls [][]byte) []byte
		line   int
		is     error
		text   string
	}{
		"a record edited": {func(ls [][]byte) []byte {
			ls[2] = bytes.Replace(ls[2], []byte("reason 3"), []byte("reason X"), 1)
			return joinLines(ls...)
		}, 4, ErrPrevBreak, "prev does not match %s:3"},
		"a record removed": {func(ls [][]byte) []byte {
			return joinLines(slices.Delete(ls, 2, 3)...)
		}, 3, ErrSeqBreak, "seq 4 where 3 was due (after %s:2)"},
		"a record inserted (a copy)": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 2, ls[1])...)
		}, 3, ErrSeqBreak, "seq 2 where 3 was due"},
		"a record inserted, seq and prev forged": {func(ls [][]byte) []byte {
			forged := fmt.Appendf(nil, `{"seq":4,"prev":"%s","event":"succeeded"}`, sha(ls[2]))
			return joinLines(slices.Insert(ls, 3, forged)...)
		}, 5, ErrSeqBreak, "seq 4 where 5 was due"},
		"two records swapped": {func(ls [][]byte) []byte {
			ls[2], ls[3] = ls[3], ls[2]
			return joinLines(ls...)
		}, 3, ErrSeqBreak, "seq 4 where 3 was due"},
		"a seq edited": {func(ls [][]byte) []byte {
			ls[3] = bytes.Replace(ls[3], []byte(`{"seq":4,`), []byte(`{"seq":40,`), 1)
			return joinLines(ls...)
		}, 4, ErrSeqBreak, "seq 40 where 4 was due"},
		"a line that is not JSON": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 1, []byte("rm -rf / # not json"))...)
		}, 2, ErrNotJSON, "not a JSON object"},
		"a record cut short inside": {func(ls [][]byte) []byte {
			ls[1] = ls[1][:40]
			return joinLines(ls...)
		}, 2, ErrNotJSON, "not a JSON object"},
		"a blank line": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 5, []byte{})...)
		}, 6, ErrNotJSON, "not a JSON object"},
		"a JSON array": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 0, []byte(`[1,2]`))...)
		}, 1, ErrNotJSON, "not a JSON object"},
		"a record without seq in the chain": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 3, []byte(`{"event":"succeeded"}`))...)
		}, 4, ErrUnchained, "without seq inside the chain"},
		"a new chain inside the file": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 3, []byte(`{"seq":1,"prev":"","event":"succeeded"}`))...)
		}, 4, ErrNewChain, "after %s:3: a new chain"},
		"prev in upper case": {func(ls [][]byte) []byte {
			i := bytes.Index(ls[2], []byte(`"prev":"`)) + 8
			copy(ls[2][i:], bytes.ToUpper(ls[2][i:i+64]))
			return joinLines(ls...)
		}, 3, ErrMalformedSeq, "lowercase hex"},
		"seq not first": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 6, []byte(`{"event":"x","seq":7,"prev":""}`))...)
		}, 7, ErrMalformedSeq, "first members"},
		"seq as a string": {func(ls [][]byte) []byte {
			ls[0] = bytes.Replace(ls[0], []byte(`{"seq":1,`), []byte(`{"seq":"1",`), 1)
			return joinLines(ls...)
		}, 1, ErrMalformedSeq, "first members"},
		"a truncated tail": {func(ls [][]byte) []byte {
			return joinLines(ls...)[:len(joinLines(ls...))-30]
		}, 6, ErrIncompleteLine, "incomplete last line"},
		"no newline at the end": {func(ls [][]byte) []byte {
			return bytes.TrimSuffix(joinLines(ls...), []byte{'\n'})
		}, 6, ErrIncompleteLine, "incomplete last line"},
		"a line longer than a record, inside a block": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 2, bytes.Repeat([]byte("x"), 2*maxLine))...)
		}, 3, ErrLineTooLong, "longer than"},
		"a line longer than a block": {func(ls [][]byte) []byte {
			return joinLines(slices.Insert(ls, 2, bytes.Repeat([]byte("x"), 2*blockSize))...)
		}, 3, ErrLineTooLong, "longer than"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			ls := sixRecords(t, path)
			writeFile(t, path, c.tamper(ls))
			wantDamage(t, path, c.line, c.is)
			text := c.text
			if strings.Contains(text, "%s") {
				text = fmt.Sprintf(text, path)
			}
			if _, err := Verify(path); !strings.Contains(err.Error(), text) {
				t.Fatalf("message %q lacks %q", err, text)
			}
		})
	}
}

// What the chain alone can't see, the head does: an edited last record,
// or whole records cut off the end, verify as a chain but end at another
// head than the one the bot logged.
func TestTailChangesShowOnlyInTheHead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	ls := sixRecords(t, path)
	anchor := mustVerify(t, path).Head
	for name, tampered := range map[string][]byte{
		"last record edited":  joinLines(append(ls[:5:5], bytes.Replace(ls[5], []byte("reason 6"), []byte("reason X"), 1))...),
		"last record removed": joinLines(ls[:5]...),
	} {
		writeFile(t, path, tampered)
		if c := mustVerify(t, path); c.Head == anchor {
			t.Errorf("%s: the same head %+v", name, c.Head)
		}
	}
}

func TestVerifyEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.jsonl")
	writeFile(t, empty, nil)
	if c := mustVerify(t, empty); c.Records != 0 || c.Files != 1 || len(c.Empty) != 1 || c.Head != (Head{}) {
		t.Fatalf("an empty file: %+v", c)
	}
	full := filepath.Join(dir, "audit.jsonl")
	sixRecords(t, full)
	if c := mustVerify(t, empty, full, empty); c.Records != 6 || len(c.Empty) != 2 {
		t.Fatalf("empty files around a chain: %+v", c)
	}
}

// Two replicas, two files: each is its own chain and verifies alone;
// given together, they are not one chain.
func TestTwoReplicasTwoChains(t *testing.T) {
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")}
	files := []*File{openT(t, paths[0]), openT(t, paths[1])}
	done := make(chan error)
	for i, f := range files {
		go func() {
			var err error
			for n := range 40 {
				err = errors.Join(err, f.Write(Record{Event: Requested, Instance: fmt.Sprintf("bot-%d", i), Reason: strconv.Itoa(n)}))
			}
			done <- err
		}()
	}
	for range files {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range paths {
		if c := mustVerify(t, p); c.Records != 40 || c.First != 1 {
			t.Fatalf("%s: %+v", p, c)
		}
	}
	_, err := Verify(paths...)
	var de *DamageError
	if !errors.As(err, &de) || de.File != paths[1] || de.Line != 1 || !errors.Is(err, ErrNewChain) {
		t.Fatalf("both: %v", err)
	}
}

// A rotated set given out of order, or with a file missing, breaks at the
// top of a file, with a hint.
func TestVerifyRotatedSetOrder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	f := openT(t, path)
	for i := range 3 {
		mustWrite(t, f, Requested)
		mustWrite(t, f, Confirmed)
		if i < 2 {
			if err := os.Rename(path, path+"."+strconv.Itoa(2-i)); err != nil {
				t.Fatal(err)
			}
			if err := f.Reopen(); err != nil {
				t.Fatal(err)
			}
		}
	}
	set := []string{path + ".2", path + ".1", path}
	if c := mustVerify(t, set...); c.Records != 6 {
		t.Fatalf("in order: %+v", c)
	}
	for name, c := range map[string]struct {
		given []string
		at    string
	}{
		"newest first":    {[]string{path, path + ".1", path + ".2"}, path + ".1"},
		"one left out":    {[]string{path + ".2", path}, path},
		"one given twice": {[]string{path + ".2", path + ".1", path + ".1", path}, path + ".1"},
	} {
		_, err := Verify(c.given...)
		var de *DamageError
		if !errors.As(err, &de) || de.File != c.at || de.Line != 1 || !errors.Is(err, ErrSeqBreak) {
			t.Errorf("%s: %v, want a break at %s:1", name, err, c.at)
		} else if !strings.Contains(err.Error(), "oldest first") {
			t.Errorf("%s: no hint in %q", name, err)
		}
	}
}

// logrotate's compress: a gzipped file in the set is read as it is.
func TestVerifyReadsGzip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	f := openT(t, path)
	mustWrite(t, f, Requested)
	mustWrite(t, f, Confirmed)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := f.Reopen(); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, Succeeded)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(contents(t, path+".1"))
	zw.Close()
	writeFile(t, path+".1.gz", z.Bytes())
	if c := mustVerify(t, path+".1.gz", path); c.Records != 3 {
		t.Fatalf("verify: %+v", c)
	}
	writeFile(t, path+".1.gz", z.Bytes()[:z.Len()-4])
	if _, err := Verify(path+".1.gz", path); err == nil || !strings.Contains(err.Error(), path+".1.gz") {
		t.Fatalf("a damaged gzip: %v", err)
	}
}

// Many blocks: the parallel scan checks lines in file order across block
// boundaries, and finds a break far into the file.
func TestVerifyManyBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	size := writeChain(t, path, 3*blockSize)
	c := mustVerify(t, path)
	n := len(lines(t, path))
	if c.Records != int64(n) || c.Head.Seq != int64(n) || size < 3*blockSize {
		t.Fatalf("verify: %+v, %d lines", c, n)
	}
	ls := lines(t, path)
	at := n - 1000
	ls[at-1] = bytes.Replace(ls[at-1], []byte(`"reason":"`), []byte(`"reason":"X`), 1)
	writeFile(t, path, joinLines(ls...))
	wantDamage(t, path, at+1, ErrPrevBreak)
}

// writeChain writes a chain of realistic records of at least size bytes
// to path, without a sync per record, and returns its size.
func writeChain(tb testing.TB, path string, size int) int {
	tb.Helper()
	var buf bytes.Buffer
	h := Head{}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; buf.Len() < size; i++ {
		line, next, err := h.link(Record{
			Time: now.Add(time.Duration(i) * time.Second), Event: Succeeded, RequestID: fmt.Sprintf("K%05d", i%100000),
			Platform: "slack", Invoker: "U01ABCDEF", Conversation: "C01ABCDEF", Target: "alice", TargetName: "Alice Liddell",
			TargetInput: "+86 138 0013 8000", Reason: "laptop stolen at the airport, ticket " + strconv.Itoa(i), Instance: "bot-a",
		})
		if err != nil {
			tb.Fatal(err)
		}
		buf.Write(line)
		h = next
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return buf.Len()
}

// BenchmarkVerify verifies a generated log: AUDIT_BENCH_MB megabytes
// (default 64; 1024 for the README's figure), from the page cache.
//
//	AUDIT_BENCH_MB=1024 go test -run '^$' -bench Verify -benchtime 3x ./audit
func BenchmarkVerify(b *testing.B) {
	mb := 64
	if s := os.Getenv("AUDIT_BENCH_MB"); s != "" {
		var err error
		if mb, err = strconv.Atoi(s); err != nil || mb < 1 {
			b.Fatalf("AUDIT_BENCH_MB=%q: want a number of megabytes", s)
		}
	}
	path := filepath.Join(b.TempDir(), "audit.jsonl")
	size := writeChain(b, path, mb<<20)
	b.SetBytes(int64(size))
	cpu0 := cpuTime(b)
	for b.Loop() {
		if _, err := Verify(path); err != nil {
			b.Fatal(err)
		}
	}
	// On a shared machine wall time says little; MB per CPU second says
	// what one core does, and MB/s approaches cores times that.
	b.ReportMetric(float64(size)*float64(b.N)/1e6/(cpuTime(b)-cpu0).Seconds(), "MB/cpu-s")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// FuzzVerify: any bytes verify whole, or break at a line that exists;
// never a panic.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(twoRecords))
	f.Add([]byte(`{"seq":1,"prev":"","event":"requested"}` + "\n" + `{"seq":2,"prev":"00","event":"x"}` + "\n"))
	f.Add([]byte(`{"seq":1,"prev":"",}` + "\n"))
	f.Add([]byte(`{"seq":` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := verifier{}
		err := v.stream(bytes.NewReader(data), "f")
		if err == nil {
			if v.chain.Records != int64(bytes.Count(data, []byte{'\n'})) {
				t.Fatalf("%d records from %d lines", v.chain.Records, bytes.Count(data, []byte{'\n'}))
			}
			return
		}
		var de *DamageError
		if !errors.As(err, &de) || de.Line < 1 || de.Line > bytes.Count(data, []byte{'\n'})+1 {
			t.Fatalf("%v", err)
		}
	})
}
