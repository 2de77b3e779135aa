// Package audit writes the audit trail: JSON Lines, one record per event,
// appended and synced to disk before the user is told the outcome.
package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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
)

// Record is one line of the audit log.
type Record struct {
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
}

// File is an append-only audit log. Safe for concurrent use.
type File struct {
	mu   sync.Mutex
	w    syncWriter
	err  error // sticky close error
	path string
}

type syncWriter interface {
	io.WriteCloser
	Sync() error
}

// Open opens path for append, creating it (mode 0600) if needed.
func Open(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: open log: %w", err)
	}
	return &File{w: f, path: path}, nil
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("audit: log is closed")

// Write appends r as one line and syncs it to disk. Time is set if zero.
// A record is never half-counted: an error means it may not be on disk.
func (f *File) Write(r Record) error {
	if r.Time.IsZero() {
		r.Time = time.Now().UTC()
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("audit: encode: %w", err)
	}
	line = append(line, '\n')

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.w == nil {
		return ErrClosed
	}
	if _, err := f.w.Write(line); err != nil {
		return fmt.Errorf("audit: write %s: %w", f.path, err)
	}
	if err := f.w.Sync(); err != nil {
		return fmt.Errorf("audit: sync %s: %w", f.path, err)
	}
	return nil
}

// Reopen closes the file and opens its path again, for rotation: rename
// the file, then have the process call Reopen (on SIGHUP). Records written
// in between land in the renamed file; none is lost.
func (f *File) Reopen() error {
	nf, err := os.OpenFile(f.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit: reopen: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.w == nil {
		nf.Close()
		return ErrClosed
	}
	old := f.w
	f.w = nf
	return errors.Join(old.Sync(), old.Close())
}

// Close syncs and closes the log. Later writes fail with ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.w == nil {
		return f.err
	}
	err := errors.Join(f.w.Sync(), f.w.Close())
	f.w, f.err = nil, err
	return err
}
