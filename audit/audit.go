// Package audit writes the audit trail: JSON Lines, one record per event,
// appended and synced to disk before the user is told the outcome.
package audit

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Events.
const (
	Requested = "requested"
	Denied    = "denied"
	Confirmed = "confirmed"
	Cancelled = "cancelled"
	Expired   = "expired"
	Succeeded = "succeeded"
	Failed    = "failed"
	// DryRunDone is the outcome of a confirmed request with dry_run on: so
	// that counting succeeded counts real sign-outs only.
	DryRunDone = "dry_run"
	// Approved and Rejected close a two-person request: approved by a
	// second allowed person (in place of confirmed), or denied by one or
	// withdrawn by its requester. Approver says who.
	Approved = "approved"
	Rejected = "rejected"
	// Disabled and Enabled: the account was disabled after its sign-out
	// (sign out and disable), or enabled again (/signout enable).
	Disabled = "disabled"
	Enabled  = "enabled"
)

// Record is one line of the audit log.
type Record struct {
	// Seq and Prev are the record's link in the hash chain (see Head),
	// set by File.Write: whatever the caller puts there is replaced. They
	// must stay the first two fields.
	Seq          int64     `json:"seq"`
	Prev         string    `json:"prev"`
	Time         time.Time `json:"time"`
	Event        string    `json:"event"`
	RequestID    string    `json:"request_id,omitempty"`
	Platform     string    `json:"platform"`
	Invoker      string    `json:"invoker"`
	Conversation string    `json:"conversation,omitempty"`
	Target       string    `json:"target"`
	TargetName   string    `json:"target_name,omitempty"`
	TargetInput  string    `json:"target_input,omitempty"`
	Reason       string    `json:"reason"`
	DryRun       bool      `json:"dry_run,omitempty"`
	// Detail says why, for denied, cancelled, expired and failed.
	Detail string `json:"detail,omitempty"`
	// Code and DingTalkRequestID come from a DingTalk error.
	Code              string `json:"code,omitempty"`
	DingTalkRequestID string `json:"requestid,omitempty"`
	// Count, on a denied record, is how many repeated refusals it stands for.
	Count int `json:"count,omitempty"`
	// Approver is who approved or rejected a two-person request; it is
	// on the approved, rejected, succeeded and failed records.
	Approver string `json:"approver,omitempty"`
	// Instance is the replica that wrote the record (config key instance).
	Instance string `json:"instance,omitempty"`
}

// File is an append-only audit log. Safe for concurrent use. It is the
// only writer of its file (each replica has its own audit.file).
//
// A write that fails or is cut short is rolled back: the file is truncated
// to its size before the write, so it holds only whole records and the next
// one starts on a clean line. If the rollback fails too, the file is dirty
// and every later Write first retries it, failing until it succeeds.
//
// Every record is a link in a hash chain (see Head), computed under the
// lock: concurrent writers cannot fork it, and a record that is rolled
// back does not advance it. The chain continues from the file's last line
// at Open, and across Reopen: a rotated-in empty file continues the chain
// of the old one; a file that already holds records continues its own.
type File struct {
	mu     sync.Mutex
	open   opener
	cur    opened
	head   Head
	dirty  bool // holds part of a failed write past cur.size
	closed bool
	err    error // sticky close error
	path   string
}

// Open opens path for append, creating it (mode 0600, directory synced)
// if needed. A log that ends in an incomplete line (a write cut off in an
// earlier run) is truncated back to its last newline; PartialTail says so.
func Open(path string) (*File, error) {
	return opener{}.openFile(path)
}

func (o opener) openFile(path string) (*File, error) {
	cur, err := o.open(path)
	if err != nil {
		return nil, fmt.Errorf("audit: open log: %w", err)
	}
	f := &File{open: o, cur: cur, path: path}
	if cur.head != nil {
		f.head = *cur.head
	}
	return f, nil
}

// Head is the chain's end: the last record written (or found at Open or
// Reopen), which the next record links to. Logged, it is an anchor that a
// later rewrite of the file cannot match.
func (f *File) Head() (seq int64, hash string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.head.Seq, f.head.Hash
}

// PartialTail reports the incomplete last line that the latest Open or
// Reopen cut off, or nil. The caller should log it as a warning.
func (f *File) PartialTail() *PartialTail {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cur.tail
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("audit: log is closed")

// Write appends r as one line, linked to the one before, and syncs it to
// disk. Time is set if zero. A record is never half-counted: an error
// means it is not in the file (for a regular file; a device or pipe
// cannot take bytes back), and the chain is where it was.
func (f *File) Write(r Record) error {
	if r.Time.IsZero() {
		r.Time = time.Now().UTC()
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	line, head, err := f.head.link(r)
	if err != nil {
		return err
	}
	if err := f.repair(); err != nil {
		return err
	}
	if err := f.append(line); err != nil {
		return f.rollback(err)
	}
	f.cur.size += int64(len(line))
	f.head = head
	return nil
}

func (f *File) append(line []byte) error {
	n, err := f.cur.w.Write(line)
	if err == nil && n < len(line) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("audit: write %s: %w", f.path, err)
	}
	if err := f.cur.w.Sync(); err != nil {
		return fmt.Errorf("audit: sync %s: %w", f.path, err)
	}
	return nil
}

// rollback truncates the file back to its last whole record after a failed
// write, and returns the write's error, with the rollback's if that failed
// too. Only a regular file can be rolled back; a device or pipe cannot.
func (f *File) rollback(writeErr error) error {
	if !f.cur.regular {
		return writeErr
	}
	if err := errors.Join(f.cur.w.Truncate(f.cur.size), f.cur.w.Sync()); err != nil {
		f.dirty = true
		return errors.Join(writeErr, fmt.Errorf("audit: %s holds part of the failed record and will be repaired before the next one: %w", f.path, err))
	}
	return writeErr
}

// repair removes what a failed write and a failed rollback left behind.
// The next write's sync makes the truncation durable.
func (f *File) repair() error {
	if !f.dirty {
		return nil
	}
	if err := f.cur.w.Truncate(f.cur.size); err != nil {
		return fmt.Errorf("audit: %s still holds part of an earlier failed record, which could not be removed; nothing was written: %w", f.path, err)
	}
	f.dirty = false
	return nil
}

// Reopen closes the file and opens its path again, for rotation: rename
// the file, then have the process call Reopen (on SIGHUP). Records written
// in between land in the renamed file; none is lost. The first record in
// the new file links to the last one in the old, so the chain runs on.
//
// The lock is held while opening: when the path is still the current file,
// its tail is checked, and a write in flight must not look like a partial
// record.
func (f *File) Reopen() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	nf, err := f.open.open(f.path)
	if err != nil {
		return fmt.Errorf("audit: reopen: %w", err)
	}
	old := f.closeCurrent()
	f.cur, f.dirty = nf, false
	if nf.head != nil {
		f.head = *nf.head
	}
	if old != nil {
		return fmt.Errorf("audit: reopened, but closing the old file: %w", old)
	}
	return nil
}

// Close syncs and closes the log. Later writes fail with ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return f.err
	}
	f.err, f.closed = f.closeCurrent(), true
	return f.err
}

// closeCurrent closes the current file, removing any partial record first.
func (f *File) closeCurrent() error {
	return errors.Join(f.repair(), f.cur.w.Sync(), f.cur.w.Close())
}
