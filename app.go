package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/config"
	"github.com/signout-bot/signout-bot/console"
	"github.com/signout-bot/signout-bot/contacts"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/ops"
)

// shutdownBound is the one budget of a graceful shutdown (SIGINT, SIGTERM,
// end of console input), from the signal to exit. The engine has all of it
// but frontEndStopReserve: pending requests are audited expired and their
// invokers told, and sign-outs in flight finish or are audited with an
// unknown outcome (see bot.Engine.Shutdown); then the front ends stop.
const (
	shutdownBound       = 10 * time.Second
	frontEndStopReserve = time.Second
)

// frontEnd is a chat platform connection. Run returns nil when ctx is
// cancelled and an error only when it cannot go on (bad credentials).
type frontEnd interface {
	Name() string
	Run(ctx context.Context) error
}

type app struct {
	cfg       *config.Config
	log       *slog.Logger
	metrics   *ops.Metrics
	checks    map[string]ops.Check
	audit     *audit.File
	state     state
	engine    *bot.Engine
	frontEnds []frontEnd
	console   *console.Console
	banner    string
}

func newLogger(cfg config.LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newApp(cfg *config.Config, withConsole bool, stdin io.Reader, stdout, stderr io.Writer) (*app, error) {
	log := newLogger(cfg.Log, stderr).With("instance", cfg.Instance)
	a := &app{cfg: cfg, log: log, metrics: ops.NewMetrics(), checks: map[string]ops.Check{}}
	var err error
	if a.state, err = openState(cfg.State, log, a.metrics); err != nil {
		return nil, err
	}
	if a.state.check != nil {
		a.checks["state"] = a.state.check
	}
	if a.audit, err = audit.Open(cfg.Audit.File); err != nil {
		_ = a.state.close()
		return nil, err
	}
	a.warnPartialTail()
	var dt *dingtalk.Client
	if cfg.DingTalk.Configured() {
		dt, err = dingtalk.New(dingtalk.Config{
			APIURL: cfg.DingTalk.APIURL, OAPIURL: cfg.DingTalk.OAPIURL, QPS: cfg.DingTalk.QPS, Limiters: a.sharedPace(),
			ClientID: cfg.DingTalk.ClientID, ClientSecret: cfg.DingTalk.ClientSecret.Reveal(),
			Logger: log.With("component", "dingtalk"), Observer: a.metrics,
		})
		if err != nil {
			a.closeStores()
			return nil, err
		}
		a.checks["dingtalk token"] = func(ctx context.Context) error {
			_, err := dt.Token(ctx)
			return err
		}
	}
	invokers := map[string][]string{bot.Slack: cfg.Authz.SlackUsers, bot.DingTalk: cfg.Authz.DingTalkUsers}
	if withConsole {
		// Whoever has the terminal already has the process and its credentials.
		invokers[bot.Console] = []string{bot.ConsoleUser}
	}
	opt := bot.Options{
		Policy:          authz.New(authz.Rules{Invokers: invokers, Protected: cfg.Authz.ProtectedUsers}),
		Audit:           a.audit,
		Store:           a.state.store,
		Instance:        cfg.Instance,
		TTL:             cfg.Confirm.TTL,
		DryRun:          cfg.DryRun,
		TwoPerson:       cfg.Approval.TwoPerson,
		EmployeeMessage: cfg.SignOut.EmployeeMessage,
		Parse: commands.Options{ReasonRequired: cfg.SignOut.RequireReason(), MaxReasonRunes: cfg.SignOut.MaxReasonLength,
			MaxTargets: cfg.SignOut.MaxTargets},
		Logger:   log,
		Observer: a.metrics,
	}
	if dt != nil {
		people := contacts.New(dt)
		opt.Directory, opt.SignOuter, opt.Containment = people, people, people
	}
	if cfg.Slack.On() && len(cfg.Authz.SlackUsers) == 0 {
		log.Warn("slack is on but authz.slack_users is empty: nobody in Slack can sign anyone out")
	}
	if cfg.DingTalk.StreamOn() && len(cfg.Authz.DingTalkUsers) == 0 {
		log.Warn("the DingTalk robot is on but authz.dingtalk_users is empty: nobody in DingTalk can sign anyone out")
	}
	if a.engine, err = bot.New(opt); err != nil {
		a.closeStores()
		return nil, err
	}
	a.metrics.WatchPending(a.engine.Pending)
	if withConsole {
		a.console = console.New(stdin, stdout, i18n.Lang(cfg.Language.Slack))
		a.engine.SetReplier(bot.Console, a.console)
		a.banner = consoleBanner(cfg, dt != nil)
	}
	if err := a.addFrontEnds(dt); err != nil {
		a.closeStores()
		return nil, err
	}
	if addr := cfg.HTTP.Addr(); addr != "" {
		// Sign-outs matter more than metrics: a taken port is reported
		// loudly, but does not keep the bot from serving.
		if srv, err := ops.Listen(addr, ops.Handler(a.metrics, a.checks), log); err != nil {
			log.Error("operations endpoint not started; /healthz, /readyz and /metrics are unavailable", "err", err)
		} else {
			a.frontEnds = append(a.frontEnds, srv)
		}
	}
	return a, nil
}

// sharedPace is the DingTalk budget replicas share, when they share a
// store: DingTalk's limit is per app, whichever replica calls.
func (a *app) sharedPace() func(api string) dingtalk.Limiter {
	if a.state.pace == nil {
		return nil
	}
	return a.state.pace(a.cfg.DingTalk.QPS)
}

// closeStores closes what newApp opened when it fails half way.
func (a *app) closeStores() {
	a.audit.Close()
	_ = a.state.close()
}

// connection is a front end whose connection state readiness depends on.
type connection interface {
	frontEnd
	Connected() bool
}

// watch makes a platform connection part of /readyz and /metrics.
func (a *app) watch(c connection) {
	a.frontEnds = append(a.frontEnds, c)
	a.metrics.WatchConnection(c.Name(), c.Connected)
	a.checks[c.Name()] = func(context.Context) error {
		if !c.Connected() {
			return fmt.Errorf("not connected")
		}
		return nil
	}
}

func consoleBanner(cfg *config.Config, dingtalkOn bool) string {
	lang := i18n.For(i18n.Lang(cfg.Language.Slack))
	lines := []i18n.Msg{i18n.M(i18n.ConsoleLive)}
	if cfg.DryRun {
		lines[0] = i18n.M(i18n.ConsoleDryRun)
	}
	if !dingtalkOn {
		lines = append(lines, i18n.M(i18n.ConsoleNoCreds))
	}
	lines = append(lines, i18n.M(i18n.ConsoleAuditLog, cfg.Audit.File), i18n.M(i18n.ConsoleStart))
	return lang.Text(i18n.Lines(lines...))
}

// reopenAudit follows a rotated audit log (SIGHUP, see deploy/).
func (a *app) reopenAudit() {
	if err := a.audit.Reopen(); err != nil {
		a.log.Error("audit log could not be reopened", "err", err)
		return
	}
	a.warnPartialTail()
	a.log.Info("audit log reopened", "file", a.cfg.Audit.File)
}

// chainHeadEvery is how often the audit chain's head is logged.
const chainHeadEvery = 10 * time.Minute

// logChainHead logs the audit chain's head, at start, every chainHeadEvery
// and at shutdown: in a log collector these lines are anchors that a
// rewrite of the audit file cannot match (README, "Audit log").
func (a *app) logChainHead() {
	seq, hash := a.audit.Head()
	a.log.Info("audit chain head", "file", a.cfg.Audit.File, "seq", seq, "hash", hash)
}

// warnPartialTail reports a record cut off because a write never finished
// (the process died mid-write): it was never acknowledged to anyone.
func (a *app) warnPartialTail() {
	if p := a.audit.PartialTail(); p != nil {
		a.log.Warn("audit log ended in an incomplete record (a write that never finished); it was cut off",
			"file", p.File, "offset", p.Offset, "bytes", p.Bytes)
	}
}

// run serves until a signal, the console's end of input, or a fatal
// front-end error, then shuts down gracefully: the engine drains first
// (while the platforms are still connected to carry the answers), then
// the front ends stop, then the audit log is closed.
func (a *app) run(ctx context.Context) int {
	a.logChainHead() // what Open found, before anything is written
	feCtx, stopFrontEnds := context.WithCancel(context.Background())
	defer stopFrontEnds()
	var g errgroup.Group
	fatal := make(chan error, len(a.frontEnds)+1)
	for _, fe := range a.frontEnds {
		g.Go(func() error {
			if err := fe.Run(feCtx); err != nil {
				fatal <- fmt.Errorf("%s: %w", fe.Name(), err)
			}
			return nil
		})
	}
	consoleDone := make(chan error, 1)
	if a.console != nil {
		go func() { consoleDone <- a.console.Run(ctx, a.engine, a.banner) }()
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	anchor := time.NewTicker(chainHeadEvery)
	defer anchor.Stop()

	code := 0
wait:
	for {
		select {
		case <-anchor.C:
			a.logChainHead()
		case <-hup:
			a.reopenAudit()
		case <-ctx.Done():
			a.log.Info("signal received; shutting down")
			break wait
		case err := <-consoleDone:
			if err != nil {
				a.log.Error("console", "err", err)
			}
			break wait
		case err := <-fatal:
			a.log.Error("fatal error; shutting down", "err", err)
			code = 1
			break wait
		}
	}

	a.shutdown(stopFrontEnds, &g)
	a.logChainHead()
	if err := a.audit.Close(); err != nil {
		a.log.Error("closing the audit log", "err", err)
		code = 1
	}
	if err := a.state.close(); err != nil {
		a.log.Warn("closing the state store", "err", err)
	}
	a.log.Info("stopped")
	return code
}

// shutdown drains the engine while the platforms are still connected to
// carry its answers, then stops the front ends, all within shutdownBound:
// a front end that does not stop in time is left behind, not waited for.
func (a *app) shutdown(stopFrontEnds context.CancelFunc, g *errgroup.Group) {
	sctx, cancel := context.WithTimeout(context.Background(), shutdownBound)
	defer cancel()
	ectx, ecancel := context.WithTimeout(sctx, shutdownBound-frontEndStopReserve)
	defer ecancel()
	if err := a.engine.Shutdown(ectx); err != nil {
		a.log.Error("shutdown did not complete in time", "err", err)
	}
	stopFrontEnds()
	stopped := make(chan struct{})
	go func() { _ = g.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-sctx.Done():
		a.log.Error("shutdown: a front end did not stop in time; exiting anyway")
	}
}
