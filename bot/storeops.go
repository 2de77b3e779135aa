package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/signout-bot/signout-bot/i18n"
)

// storeTimeout bounds each state store call: a store that does not answer
// within it is treated as unreachable, and nothing is done.
const storeTimeout = 3 * time.Second

// storeCtx bounds one store call.
func storeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, storeTimeout)
}

// domainError reports whether err is an answer of the store about the
// request, rather than a failure to reach it.
func domainError(err error) bool {
	var se *StateError
	return errors.Is(err, ErrUnknown) || errors.Is(err, ErrCodeTaken) || errors.As(err, &se)
}

// openRequests lists the pending requests; a failure is logged.
func (e *Engine) openRequests(ctx context.Context) ([]Pending, error) {
	sctx, cancel := storeCtx(ctx)
	defer cancel()
	open, err := e.store.Open(sctx)
	if err != nil {
		e.logStoreError("open", err, e.log)
	}
	return open, err
}

// get finds the request with code.
func (e *Engine) get(ctx context.Context, code string) (Pending, State, error) {
	sctx, cancel := storeCtx(ctx)
	defer cancel()
	return e.store.Get(sctx, code)
}

// move changes a request's state; a store failure is logged and returned.
func (e *Engine) move(ctx context.Context, code string, from, to State, log *slog.Logger) (Pending, error) {
	sctx, cancel := storeCtx(ctx)
	defer cancel()
	p, err := e.store.Move(sctx, code, from, to)
	if err != nil && !domainError(err) {
		e.logStoreError("move to "+to.String(), err, log)
	}
	return p, err
}

// storeFailed tells the user that the store could not be reached and
// nothing was done.
func (e *Engine) storeFailed(ctx context.Context, c Conversation, platform, requestID, op string, err error, log *slog.Logger) {
	e.logStoreError(op, err, log)
	e.obs.Command(platform, "store_unreachable")
	e.tell(ctx, c, Notice{Kind: NoticeError, RequestID: requestID, Msg: i18n.M(i18n.StoreUnreachable)})
}

func (e *Engine) logStoreError(op string, err error, log *slog.Logger) {
	e.storeLog.Do(func() {
		log.Error("state store unreachable; commands and clicks are answered that nothing was done", "op", op, "err", err)
	})
}
