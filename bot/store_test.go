package bot

import (
	"context"
	"testing"
	"time"
)

// TestMemoryNoteKeepsExpiry: a note neither makes a closed request
// immortal nor gives it a fresh Retention, and leaves an open one open
// for good. (redisstore's behaviour table runs the rest of MemoryStore.)
func TestMemoryNoteKeepsExpiry(t *testing.T) {
	s, ctx := NewMemoryStore(), context.Background()
	for _, code := range []string{"OPEN01", "DONE01"} {
		if err := s.Add(ctx, Pending{RequestID: "req-" + code, Code: code}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Move(ctx, "DONE01", StatePending, StateConfirmed); err != nil {
		t.Fatal(err)
	}
	expiry := func(code string) time.Time {
		t.Helper()
		_, exp, found := s.c.GetWithExpiration(code)
		if !found {
			t.Fatalf("%s is gone", code)
		}
		return exp
	}
	closedBefore := expiry("DONE01")
	for _, code := range []string{"OPEN01", "DONE01"} {
		if err := s.Note(ctx, code, Outcome{Result: "succeeded"}); err != nil {
			t.Fatal(err)
		}
	}
	// Set recomputes the time from time.Until: it may move by the
	// microseconds between the two.
	if got := expiry("DONE01"); got.IsZero() || got.Sub(closedBefore).Abs() > time.Second {
		t.Fatalf("the closed request expires at %v after the note, %v before it", got, closedBefore)
	}
	if got := expiry("OPEN01"); !got.IsZero() {
		t.Fatalf("the open request expires at %v after the note, want never", got)
	}
}
