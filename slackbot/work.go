package slackbot

import (
	"context"
	"sync"
)

// workGroup tracks the goroutines serving envelopes, so that Run can wait
// for them, and refuses new ones once shutdown began.
type workGroup struct {
	mu      sync.Mutex
	ctx     context.Context
	closing bool
	wg      sync.WaitGroup
}

func (w *workGroup) start(ctx context.Context) {
	w.mu.Lock()
	w.ctx = ctx
	w.mu.Unlock()
}

// begin registers one unit of work and returns its context; ok is false
// once shutdown began.
func (w *workGroup) begin() (ctx context.Context, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing || w.ctx == nil {
		return nil, false
	}
	w.wg.Add(1)
	return w.ctx, true
}

func (w *workGroup) done() { w.wg.Done() }

func (w *workGroup) stopAndWait() {
	w.mu.Lock()
	w.closing = true
	w.mu.Unlock()
	w.wg.Wait()
}
