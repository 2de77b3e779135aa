// Package logbuf is a log sink for tests: many goroutines write log lines
// while the test reads them, or waits for one.
package logbuf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
)

// Buffer is a bytes.Buffer safe for concurrent Write and String. The zero
// value is ready to use.
type Buffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every Write
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Wait blocks until the buffer contains substr, or returns ctx's error.
func (b *Buffer) Wait(ctx context.Context, substr string) error {
	for {
		b.mu.Lock()
		found := strings.Contains(b.buf.String(), substr)
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		changed := b.changed
		b.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("logbuf: waiting for %q: %w", substr, ctx.Err())
		}
	}
}
