// Package slackbot is the Slack front end of signout-bot: a Socket Mode
// client (slack-go) that turns the /signout slash command, @mentions of the
// bot and clicks on its confirmation buttons into calls on the engine, and
// carries the engine's answers back as Block Kit messages.
//
// Every envelope is acknowledged first, from the goroutine slack-go starts
// for it, before any network call; the work then runs in that goroutine
// under a context that Run's shutdown cancels. User text is escaped for
// mrkdwn and shown verbatim, so it can never ping, mention or link.
package slackbot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// DefaultAPIURL is Slack's Web API base URL.
const DefaultAPIURL = "https://slack.com/api/"

// Config configures a Bot.
type Config struct {
	AppToken string // xapp-…: opens Socket Mode connections
	BotToken string // xoxb-…: calls the Web API
	// APIURL is the Web API base; "" means DefaultAPIURL. A missing
	// trailing slash is added (slack-go joins URLs by concatenation).
	APIURL string
	// TeamID and EnterpriseID, when set, are the org boundary: commands,
	// mentions and clicks from any other team or enterprise are refused.
	TeamID, EnterpriseID string
	HTTPClient           *http.Client // nil: a client with timeouts
	Logger               *slog.Logger // nil: slog.Default()
	// Now is the clock for "expires in"; nil means time.Now. Tests share
	// the engine's clock.
	Now func() time.Time
	// Retry bounds the retries of rate-limited Web API calls; zero fields
	// take defaults.
	Retry RetryPolicy
	// Language is what the bot writes in; zero means English.
	Language i18n.Lang
	// Seen, when set, is the store replicas share to drop each other's
	// redeliveries; nil: this process only.
	Seen bot.Claimer
}

// String keeps the tokens out of %v.
func (c Config) String() string {
	return fmt.Sprintf("slackbot.Config{APIURL:%q TeamID:%q EnterpriseID:%q AppToken:<secret> BotToken:<secret>}", c.APIURL, c.TeamID, c.EnterpriseID)
}

// GoString keeps the tokens out of %#v.
func (c Config) GoString() string { return c.String() }

// LogValue keeps the tokens out of slog.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("api_url", c.APIURL), slog.String("team_id", c.TeamID), slog.String("enterprise_id", c.EnterpriseID))
}

// RetryPolicy bounds how a rate-limited (HTTP 429) Web API call is retried.
// Slack's Retry-After is always honoured; these only cap the whole effort.
type RetryPolicy struct {
	MaxAttempts int           // attempts including the first; default 4
	MaxElapsed  time.Duration // no retry starts after this; default 60s
	// DefaultWait is used when a 429 carries no Retry-After; default 2s.
	DefaultWait time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = time.Minute
	}
	if p.DefaultWait <= 0 {
		p.DefaultWait = 2 * time.Second
	}
	return p
}

// Engine is what the front end needs of *bot.Engine.
type Engine interface {
	Handle(ctx context.Context, m bot.Message, c bot.Conversation)
	Confirm(ctx context.Context, a bot.Action, c bot.Conversation)
	Cancel(ctx context.Context, a bot.Action, c bot.Conversation)
	Approve(ctx context.Context, a bot.Action, c bot.Conversation)
	Deny(ctx context.Context, a bot.Action, c bot.Conversation)
}

// Bot is the Slack front end. Create it with New and serve with Run.
type Bot struct {
	engine Engine
	api    *slack.Client
	sm     *socketmode.Client
	log    *slog.Logger
	org    org
	now    func() time.Time
	retry  RetryPolicy

	self      atomic.Pointer[identity] // who auth.test says the bot is
	connected atomic.Bool
	conn      connLog
	seen      *bot.Deliveries // envelope and event IDs, to drop Slack's redeliveries
	lang      *i18n.Printer

	running atomic.Bool
	work    workGroup
}

// identity is the bot as auth.test describes it.
type identity struct {
	UserID, User, TeamID, Team, BotID string
}

// New checks cfg and builds the Slack clients. It makes no network call.
func New(cfg Config, e Engine) (*Bot, error) {
	if e == nil {
		return nil, errors.New("slackbot: an Engine is required")
	}
	if err := checkToken("app token", cfg.AppToken, "xapp-"); err != nil {
		return nil, err
	}
	if err := checkToken("bot token", cfg.BotToken, "xoxb-"); err != nil {
		return nil, err
	}
	apiURL, err := checkAPIURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	log = log.With("component", "slack")
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	// slack-go's own log lines (rare without debug) go to slog at debug level.
	libLog := slog.NewLogLogger(log.Handler(), slog.LevelDebug)
	api := slack.New(cfg.BotToken,
		slack.OptionAppLevelToken(cfg.AppToken),
		slack.OptionAPIURL(apiURL),
		slack.OptionHTTPClient(hc),
		slack.OptionLog(libLog),
	)
	b := &Bot{
		engine: e,
		api:    api,
		sm:     socketmode.New(api, socketmode.OptionLog(libLog)),
		log:    log,
		org:    org{team: cfg.TeamID, enterprise: cfg.EnterpriseID},
		now:    cfg.Now,
		retry:  cfg.Retry.withDefaults(),
		seen:   bot.NewDeliveries(cfg.Seen, log),
		lang:   i18n.For(cmp.Or(cfg.Language, i18n.EN)),
	}
	if b.now == nil {
		b.now = time.Now
	}
	b.conn.log = log
	b.conn.glitches.Interval = time.Minute
	return b, nil
}

func checkToken(name, tok, prefix string) error {
	switch {
	case tok == "":
		return fmt.Errorf("slackbot: the %s is empty", name)
	case !strings.HasPrefix(tok, prefix):
		// slack-go would retry a wrong token type silently forever.
		return fmt.Errorf("slackbot: the %s must start with %s", name, prefix)
	case strings.TrimSpace(tok) != tok:
		return fmt.Errorf("slackbot: the %s has leading or trailing spaces", name)
	}
	return nil
}

func checkAPIURL(raw string) (string, error) {
	if raw == "" {
		return DefaultAPIURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("slackbot: APIURL %q is not an http(s) URL", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("slackbot: APIURL must not carry a query, fragment or user info")
	}
	if !strings.HasSuffix(raw, "/") {
		raw += "/"
	}
	return raw, nil
}

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	// A burst of commands reuses connections instead of a TLS handshake each.
	t.MaxIdleConnsPerHost = 8
	t.TLSHandshakeTimeout = 5 * time.Second
	t.ResponseHeaderTimeout = 10 * time.Second
	return &http.Client{Timeout: 15 * time.Second, Transport: t}
}

// Name names the front end.
func (b *Bot) Name() string { return "slack" }

// Connected reports whether the Socket Mode connection is up: true from
// "connected" until slack-go starts reconnecting or Run ends.
func (b *Bot) Connected() bool { return b.connected.Load() }

// Run serves Socket Mode until ctx is cancelled (nil) or Slack rejects a
// token (an error saying which). auth.test runs alongside the connection:
// it logs who the bot is and stops Run on a rejected token, but a Slack
// that is slow to answer it never delays commands. slack-go reconnects by
// itself after disconnects and network failures. Run returns only after
// the work it started has finished.
func (b *Bot) Run(ctx context.Context) error {
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("slackbot: Run called twice")
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	b.work.start(runCtx)
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		b.eventLoop(runCtx, b.newHandler())
	}()
	authErr := make(chan error, 1)
	go func() { authErr <- b.identify(runCtx) }()
	smErr := make(chan error, 1)
	go func() { smErr <- b.sm.RunContext(runCtx) }()

	var err error
	select {
	case err = <-smErr:
		cancel()
		<-authErr // identify ends with runCtx
	case err = <-authErr:
		if err == nil {
			err = <-smErr // identified: serve until slack-go stops
		} else {
			cancel() // a rejected bot token: stop
			<-smErr
		}
	}
	cancel()
	<-loopDone
	b.work.stopAndWait()
	b.connected.Store(false)
	if ctx.Err() != nil {
		b.log.Info("Slack front end stopped")
		return nil
	}
	var fatal *fatalAuthError
	if errors.As(err, &fatal) {
		return err
	}
	return fatalConnectError(err)
}

// fatalAuthError is a bot token that auth.test rejected.
type fatalAuthError struct{ err error }

func (e *fatalAuthError) Error() string { return e.err.Error() }
func (e *fatalAuthError) Unwrap() error { return e.err }

// identify learns the bot's own identity with auth.test. It returns nil
// once known or when ctx ends, and an error only for a rejected token.
func (b *Bot) identify(ctx context.Context) error {
	id, err := b.whoAmI(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return &fatalAuthError{err}
	}
	b.self.Store(id)
	b.log.Info("Slack bot identity", "user", id.User, "user_id", id.UserID, "team", id.Team, "team_id", id.TeamID, "bot_id", id.BotID)
	if b.org.team != "" && id.TeamID != b.org.team {
		b.log.Warn("the bot token belongs to another team than slack.team_id; only that team's users are served",
			"token_team_id", id.TeamID, "team_id", b.org.team)
	}
	return nil
}

// fatalConnectError explains why slack-go gave up on the connection.
func fatalConnectError(err error) error {
	var sce slack.StatusCodeError
	switch {
	case err == nil:
		return errors.New("slackbot: the Socket Mode client stopped unexpectedly")
	case isFatalAuth(err):
		return fmt.Errorf("slackbot: Slack rejected the app token (slack.app_token) when opening Socket Mode: %w", err)
	case errors.As(err, &sce) && sce.Code == http.StatusNotFound:
		return fmt.Errorf("slackbot: apps.connections.open answered 404: check slack.api_url: %w", err)
	}
	return fmt.Errorf("slackbot: Socket Mode: %w", err)
}
