package dingtalkbot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/logger"
)

// The stream SDK logs through one package-global logger, set with
// logger.SetLogger (unsynchronised, so it is set once, before any client
// starts). sdkLogs routes those lines to the slog logger of every running
// Bot (there is one per process in production), with secrets removed.
//
// The SDK has no other way to report its connection state, so the log lines
// that mark a connection made or lost are also turned into state changes.
// Their format strings are those of v0.9.2-beta.1; TestReconnectAfterDisconnect
// fails if an upgrade changes them.
var (
	sdkLogs    = &sdkLogRouter{sinks: map[*Bot]struct{}{}}
	sdkLogOnce sync.Once
)

// SDK format strings the router understands.
const (
	sdkConnected      = "connect success, sessionId=[%s]"
	sdkReadError      = "connection process read message error: messageType=[%d] message=[%s] error=[%s]"
	sdkReadPanic      = "connection read loop panic, error=[%s]"
	sdkPingTimeout    = "ping time out, connection is closing"
	sdkPingError      = "connection write ping message error: error=[%s]"
	sdkDisconnectCmd  = "StreamClient.OnDisconnect"
	sdkReconnectError = "StreamClient reconnect error, attempt=[%d] error=[%s]"
	sdkHandlersFull   = "connection handler capacity reached, message is left unacknowledged for retry"
	// sdkLoopClosed follows sdkReadError when a connection ends (not always:
	// the SDK's loop may see its context end first), so it is only a detail.
	sdkLoopClosed = "connection process is closed"
	// sdkWirePrefix starts the debug dumps of the open-connection request
	// (clientSecret in its body) and of every ack. They are never logged.
	sdkWirePrefix = "[wire]"
)

// installSDKLogger routes the SDK's logger into sdkLogs, once per process.
func installSDKLogger() {
	sdkLogOnce.Do(func() { logger.SetLogger(sdkLogs) })
}

type sdkLogRouter struct {
	mu    sync.RWMutex
	sinks map[*Bot]struct{}
}

func (r *sdkLogRouter) add(b *Bot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sinks[b] = struct{}{}
}

func (r *sdkLogRouter) remove(b *Bot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sinks, b)
}

func (r *sdkLogRouter) Debugf(format string, args ...any) { r.route(slog.LevelDebug, format, args) }
func (r *sdkLogRouter) Infof(format string, args ...any)  { r.route(slog.LevelInfo, format, args) }
func (r *sdkLogRouter) Warningf(format string, args ...any) {
	r.route(slog.LevelWarn, format, args)
}
func (r *sdkLogRouter) Errorf(format string, args ...any) { r.route(slog.LevelError, format, args) }

// Fatalf does not exit, in the SDK's own loggers either.
func (r *sdkLogRouter) Fatalf(format string, args ...any) { r.route(slog.LevelError, format, args) }

func (r *sdkLogRouter) route(level slog.Level, format string, args []any) {
	if strings.HasPrefix(format, sdkWirePrefix) {
		return
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for b := range r.sinks {
		b.sdkLine(level, format, args)
	}
}

// sdkLine handles one SDK log line for b.
func (b *Bot) sdkLine(level slog.Level, format string, args []any) {
	switch format {
	case sdkConnected:
		b.setConnected(true, "")
		return // the line carries the ticket: not logged
	case sdkReadError, sdkReadPanic, sdkPingTimeout, sdkPingError:
		b.setConnected(false, b.redact(fmt.Sprintf(format, args...)))
		return
	case sdkDisconnectCmd:
		b.log.Info("DingTalk asked the stream client to reconnect")
		return
	case sdkReconnectError:
		level = slog.LevelWarn // the SDK keeps trying, with backoff
	case sdkHandlersFull:
		level = slog.LevelError // the frame is left for DingTalk to redeliver
	case sdkLoopClosed:
		level = slog.LevelDebug
	}
	if b.isStopping() && level > slog.LevelDebug {
		level = slog.LevelDebug // errors of a connection being closed on purpose
	}
	b.log.Log(context.Background(), level, "dingtalk stream sdk: "+b.redact(fmt.Sprintf(format, args...)))
}

// ticketParam matches a stream ticket in a URL: a single-use credential.
var ticketParam = regexp.MustCompile(`ticket=[^&\s"'\]]+`)

// redact removes the app secret and any ticket from s.
func (b *Bot) redact(s string) string {
	if b.cfg.ClientSecret != "" {
		s = strings.ReplaceAll(s, b.cfg.ClientSecret, "[REDACTED]")
	}
	return ticketParam.ReplaceAllString(s, "ticket=[REDACTED]")
}
