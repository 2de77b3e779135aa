package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// libLogger routes go-redis's own log lines (dial failures, "sentinel: new
// master") to slog, as warnings, with the passwords redacted. go-redis
// has one logger per process, set without synchronisation, so it is set
// once; each Store then swaps in its slog logger and secrets atomically
// (the last Store made wins).
type libLogger struct{ cur atomic.Pointer[libTarget] }

type libTarget struct {
	log     *slog.Logger
	secrets []string
}

var (
	lib     libLogger
	libOnce sync.Once
)

func (l *libLogger) Printf(_ context.Context, format string, v ...any) {
	t := l.cur.Load()
	if t == nil {
		return
	}
	msg := strings.TrimSpace(fmt.Sprintf(format, v...))
	t.log.Warn("state store: go-redis: " + redact(msg, t.secrets))
}

func setLibLogger(log *slog.Logger, secrets []string) {
	lib.cur.Store(&libTarget{log: log, secrets: secrets})
	libOnce.Do(func() { redis.SetLogger(&lib) })
}
