package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
)

// runVerify runs the built binary with -verify-audit in a directory with
// no config, and returns its exit code, stdout and stderr.
func runVerify(t *testing.T, dir string, files ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"-verify-audit"}, files...)...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

func lineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// writeRotatedSet writes five records into log.1 and log, rotated in
// between as logrotate does, and returns the hash of the last line.
func writeRotatedSet(t *testing.T, log string) string {
	t.Helper()
	f, err := audit.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, e := range []string{audit.Requested, audit.Confirmed, audit.DryRunDone, audit.Requested, audit.Expired} {
		if i == 3 {
			if err := os.Rename(log, log+".1"); err != nil {
				t.Fatal(err)
			}
			if err := f.Reopen(); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Write(audit.Record{Event: e, Platform: "console", Invoker: "local", Target: "alice", Reason: "lost phone"}); err != nil {
			t.Fatal(err)
		}
	}
	_, hash := f.Head()
	return hash
}

// -verify-audit through the binary: exit codes and the one line it says.
func TestVerifyAuditFlag(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.jsonl")
	head := writeRotatedSet(t, log)
	whole, err := os.ReadFile(log + ".1")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	empty := write("empty.jsonl", "")
	edited := write("edited.jsonl", strings.Replace(string(whole), `"reason":"lost phone"`, `"reason":"routine"`, 1))
	noNewline := write("no-newline.jsonl", strings.TrimSuffix(string(whole), "\n"))
	notJSON := write("not-json.jsonl", "Mar  1 12:00:00 host signout-bot: started\n"+string(whole))
	old := `{"time":"2026-01-01T00:00:00Z","event":"requested","platform":"slack","invoker":"U1","target":"bob","reason":"r"}` + "\n"
	chainless := write("chainless.jsonl", old+old+continueFrom(t, old+old))
	chainlessOnly := write("chainless-only.jsonl", old+old)
	q := regexp.QuoteMeta

	cases := []struct {
		name           string
		files          []string
		code           int
		stdout, stderr string // regexps
	}{
		{"a rotated set, oldest first", []string{log + ".1", log}, 0,
			`^audit chain whole: 5 records in 2 files, seq 1 to 5, head sha256 ` + head + `\n$`, `^$`},
		{"the newest file alone", []string{log}, 0,
			`^audit chain whole: 2 records in 1 file, seq 4 to 5, head sha256 ` + head + `; seq 4 links to a record in an earlier file not given\n$`, `^$`},
		{"newest first", []string{log, log + ".1"}, 1, `^$`,
			`^audit chain broken at ` + q(log+".1") + `:1: after ` + q(log) + `:2: a new chain \(seq 1, prev ""\) starts here, not linked to the records before it \(files out of order.*\)\n$`},
		{"an empty file", []string{empty}, 0, `^audit chain whole: 0 records in 1 file; ` + q(empty) + ` is empty\n$`, `^$`},
		{"an edited record", []string{edited}, 1, `^$`,
			`^audit chain broken at ` + q(edited) + `:2: prev does not match ` + q(edited) + `:1: the line before was changed, or this record was put here\n$`},
		{"no newline at the end", []string{noNewline}, 1, `^$`,
			`^audit chain broken at ` + q(noNewline) + `:3: incomplete last line`},
		{"a line that is not JSON", []string{notJSON}, 1, `^$`, `^audit chain broken at ` + q(notJSON) + `:1: not a JSON object\n$`},
		{"records without seq at the top", []string{chainless}, 0,
			`^audit chain whole: 3 records in 1 file, seq 1 to 1, head sha256 [0-9a-f]{64}; 2 records without seq at the top \(in ` +
				q(chainless) + `\), written before the chain: only the last of them is covered\n$`, `^$`},
		{"only records without seq", []string{chainlessOnly}, 0,
			`^audit chain whole: 2 records in 1 file, head sha256 [0-9a-f]{64}; no record has a seq: written before the chain, none is covered\n$`, `^$`},
		{"no file", nil, 2, `^$`, `^signout-bot: -verify-audit needs the audit files to check, oldest first`},
		{"a missing file", []string{filepath.Join(dir, "missing.jsonl")}, 1, `^$`, `^signout-bot: audit: open .*missing.jsonl: no such file or directory\n$`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runVerify(t, dir, c.files...)
			if code != c.code || !regexp.MustCompile(c.stdout).MatchString(stdout) || !regexp.MustCompile(c.stderr).MatchString(stderr) {
				t.Fatalf("exit %d, want %d\nstdout %q\nwant   /%s/\nstderr %q\nwant   /%s/", code, c.code, stdout, c.stdout, stderr, c.stderr)
			}
		})
	}
}

// continueFrom is the record the bot writes after a log that ends in
// line: it continues the file, as a restart on an old log does.
func continueFrom(t *testing.T, line string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.jsonl")
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Write(audit.Record{Event: audit.Requested, Platform: "console", Invoker: "local", Target: "alice", Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(string(raw), line)
}

var anchorLine = regexp.MustCompile(`msg="audit chain head" .*seq=(\d+) hash=([0-9a-f]*)`)

// anchors are the chain heads a run logged: at start, then at shutdown.
func anchors(t *testing.T, stderr string) [][]string {
	t.Helper()
	m := anchorLine.FindAllStringSubmatch(stderr, -1)
	if len(m) < 2 {
		t.Fatalf("want a chain head logged at start and at shutdown:\n%s", stderr)
	}
	return m
}

// The real bot: the chain runs on across a SIGHUP rotation and a restart,
// -verify-audit finds the set whole, and the heads logged at start and at
// shutdown are anchors that match the files.
func TestChainAcrossRotationAndRestartVerifies(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.jsonl")
	cfg := writeConfig(t, dir, "dry_run: true\naudit:\n  file: "+log+"\nhttp:\n  listen: \"\"\n")

	p := start(t, dir, nil, "-console", "-verbose", "-config", cfg)
	p.send("/signout alice lost phone")
	p.send("confirm " + p.expect(`confirm ([A-Z0-9]+)`)[1])
	p.expect(`^= Dry run: would have signed out alice`)
	if err := os.Rename(log, log+".1"); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.stderr.Wait(ctx, "audit log reopened"); err != nil {
		t.Fatal(err)
	}
	p.send("/signout bob stolen laptop")
	p.expect(`confirm [A-Z0-9]+`)
	p.stdin.Close() // bob's request expires at shutdown
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d; stderr %s", rc, p.stderr)
	}
	first := anchors(t, p.stderr.String())

	p = start(t, dir, nil, "-console", "-verbose", "-config", cfg)
	p.send("/signout carol lost phone")
	p.expect(`confirm [A-Z0-9]+`)
	p.stdin.Close()
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d; stderr %s", rc, p.stderr)
	}
	second := anchors(t, p.stderr.String())

	shutdown1, start2, shutdown2 := first[len(first)-1], second[0], second[len(second)-1]
	if start2[1] != shutdown1[1] || start2[2] != shutdown1[2] {
		t.Fatalf("the restart found head %s %s, the first run ended at %s %s", start2[1], start2[2], shutdown1[1], shutdown1[2])
	}
	recs := len(auditEvents(t, log+".1")) + len(auditEvents(t, log))
	code, stdout, stderr := runVerify(t, dir, log+".1", log)
	want := fmt.Sprintf("audit chain whole: %d records in 2 files, seq 1 to %d, head sha256 %s\n", recs, recs, shutdown2[2])
	if code != 0 || stdout != want || shutdown2[1] != fmt.Sprint(recs) {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q\nlast anchor seq %s", code, stdout, want, stderr, shutdown2[1])
	}
	if last := lastLine(t, log); lineHash(last) != shutdown2[2] {
		t.Fatalf("the last anchor %s is not the hash of the last line %s", shutdown2[2], last)
	}
}

func lastLine(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ls := bytes.Split(bytes.TrimSuffix(raw, []byte{'\n'}), []byte{'\n'})
	return ls[len(ls)-1]
}
