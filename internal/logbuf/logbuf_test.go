package logbuf

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	var b Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Wait(ctx, "ready") }()
	b.Write([]byte("not yet\n"))
	b.Write([]byte("now ready\n"))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel2()
	if err := b.Wait(short, "never"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
}
