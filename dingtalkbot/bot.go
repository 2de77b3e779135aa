// Package dingtalkbot is the DingTalk front end of signout-bot. It receives
// robot messages in stream mode (a websocket the bot opens to DingTalk, so no
// public endpoint is needed), acknowledges each frame at once, drops
// redeliveries, hands commands to the engine and carries the engine's
// answers back as robot messages: through the message's sessionWebhook while
// it is valid, else through the robot send API.
package dingtalkbot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/payload"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// DefaultAPIURL is the stream gateway's open-connection host of mainland DingTalk.
const DefaultAPIURL = "https://api.dingtalk.com"

// DefaultMaxPendingHandlers bounds the SDK's frame handlers. Ours return at
// once, so the bound only matters in a burst; the SDK's own default of 100
// left about 2 % of a 500-message burst unacknowledged.
const DefaultMaxPendingHandlers = 1000

// Config configures a Bot.
type Config struct {
	ClientID, ClientSecret string
	// CorpID is the organisation whose members may talk to the bot; messages
	// whose senderCorpId differs are ignored (logged, no reply).
	CorpID string
	// RobotCode identifies the robot to the send APIs; "" means ClientID.
	RobotCode string
	// APIURL is the stream gateway's open-connection host; "" means DefaultAPIURL.
	APIURL string
	// MaxPendingHandlers is the SDK's WithMaxPendingHandlers; 0 means
	// DefaultMaxPendingHandlers.
	MaxPendingHandlers int
	// RobotName is the robot's display name, for "@RobotName confirm CODE"
	// in group prompts; "" makes the prompt say "@mention me".
	RobotName string
	// Language is what the robot writes in; zero means Chinese.
	Language i18n.Lang
	// Seen, when set, is the store replicas share to drop each other's
	// redeliveries; nil: this process only.
	Seen bot.Claimer
	// ConnectRetry is the first wait after a failed connection attempt at
	// start-up, growing to a minute; 0 means one second. (Reconnects after a
	// connection was up are the SDK's.)
	ConnectRetry time.Duration
	Logger       *slog.Logger
}

// Engine handles chat commands; *bot.Engine implements it. Confirmations
// and cancellations arrive as typed text, which the engine parses.
type Engine interface {
	Handle(ctx context.Context, m bot.Message, c bot.Conversation)
}

// Messenger sends robot messages; *dingtalk.Client implements it.
type Messenger interface {
	PostSessionWebhook(ctx context.Context, webhookURL string, msg any) error
	SendGroupMessage(ctx context.Context, robotCode, openConversationID, msgKey string, msgParam any) error
	SendDirectMessage(ctx context.Context, robotCode string, userIDs []string, msgKey string, msgParam any) error
}

// Bot is the DingTalk stream-mode front end.
type Bot struct {
	cfg       Config
	engine    Engine
	messenger Messenger
	log       *slog.Logger
	seen      *bot.Deliveries
	lang      *i18n.Printer
	running   atomic.Bool

	stateMu      sync.Mutex
	connected    bool
	stopping     bool
	stateChanged chan struct{} // closed and replaced on every change

	workMu  sync.Mutex
	workCtx context.Context
	closing bool
	work    sync.WaitGroup
}

// New checks cfg and builds a Bot; it makes no connection.
func New(cfg Config, e Engine, m Messenger) (*Bot, error) {
	var problems []string
	if strings.TrimSpace(cfg.ClientID) == "" {
		problems = append(problems, "ClientID is empty")
	}
	if cfg.ClientSecret == "" {
		problems = append(problems, "ClientSecret is empty")
	}
	if strings.TrimSpace(cfg.CorpID) == "" {
		problems = append(problems, "CorpID is empty")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		problems = append(problems, fmt.Sprintf("APIURL %q is not an http(s) host URL", cfg.APIURL))
	}
	if e == nil || m == nil {
		problems = append(problems, "an Engine and a Messenger are required")
	}
	if len(problems) > 0 {
		return nil, errors.New("dingtalkbot: " + strings.Join(problems, "; "))
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/") // the SDK appends the path
	if cfg.RobotCode == "" {
		cfg.RobotCode = cfg.ClientID
	}
	if cfg.MaxPendingHandlers <= 0 {
		cfg.MaxPendingHandlers = DefaultMaxPendingHandlers
	}
	if cfg.ConnectRetry <= 0 {
		cfg.ConnectRetry = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	installSDKLogger()
	return &Bot{
		cfg: cfg, engine: e, messenger: m,
		log:          cfg.Logger.With("platform", "dingtalk"),
		seen:         bot.NewDeliveries(cfg.Seen, cfg.Logger),
		lang:         i18n.For(cmp.Or(cfg.Language, i18n.ZH)),
		stateChanged: make(chan struct{}),
	}, nil
}

// Name is the front end's name.
func (b *Bot) Name() string { return "dingtalk" }

// Connected reports whether the stream connection is up.
func (b *Bot) Connected() bool {
	b.stateMu.Lock()
	defer b.stateMu.Unlock()
	return b.connected
}

// Run connects to DingTalk and handles robot messages until ctx is
// cancelled; it then closes the stream client, cancels the work in flight
// and waits for it, and returns nil. A first connection that fails is
// retried with backoff for as long as ctx lasts; later reconnects are the
// SDK's. Run may be called once.
func (b *Bot) Run(ctx context.Context) error {
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("dingtalkbot: Run called twice")
	}
	workCtx, cancelWork := context.WithCancel(ctx)
	defer cancelWork()
	b.workMu.Lock()
	b.workCtx = workCtx
	b.workMu.Unlock()

	sdkLogs.add(b)
	defer sdkLogs.remove(b)

	cli := b.newStreamClient()
	if err := b.connect(ctx, cli); err != nil {
		cli.Close()
		b.stopWork(cancelWork)
		if ctx.Err() != nil {
			b.log.Info("stopped before the DingTalk stream connected")
			return nil
		}
		return fmt.Errorf("dingtalkbot: connecting: %s", b.redact(err.Error()))
	}
	b.setConnected(true, "")

	<-ctx.Done()

	// Frames still in the SDK's hands from here on are refused, so that
	// DingTalk redelivers them rather than count them as handled.
	b.refuseWork()
	b.stateMu.Lock()
	b.stopping = true
	b.stateMu.Unlock()
	cli.Close() // stops the SDK's reconnects too
	b.awaitDisconnect(5 * time.Second)
	b.stopWork(cancelWork)
	b.log.Info("DingTalk stream front end stopped")
	return nil
}

func (b *Bot) newStreamClient() *client.StreamClient {
	cli := client.NewStreamClient(
		client.WithAppCredential(client.NewAppCredentialConfig(b.cfg.ClientID, b.cfg.ClientSecret)),
		client.WithOpenApiHost(b.cfg.APIURL),
		client.WithMaxPendingHandlers(b.cfg.MaxPendingHandlers),
	)
	cli.RegisterCallbackRouter(payload.BotMessageCallbackTopic, b.onRobotFrame)
	return cli
}

// connect makes the first connection, retrying until it succeeds or ctx
// ends.
func (b *Bot) connect(ctx context.Context, cli *client.StreamClient) error {
	policy := backoff.NewExponentialBackOff()
	policy.InitialInterval = b.cfg.ConnectRetry
	policy.MaxInterval = time.Minute
	attempt := 0
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		attempt++
		return struct{}{}, cli.Start(ctx)
	},
		backoff.WithBackOff(policy),
		backoff.WithMaxElapsedTime(0),
		backoff.WithNotify(func(err error, next time.Duration) {
			b.log.Warn("could not connect to the DingTalk stream gateway; retrying",
				"attempt", attempt, "retry_in", next.Round(time.Millisecond), "err", b.redact(err.Error()))
		}))
	return err
}

func (b *Bot) isStopping() bool {
	b.stateMu.Lock()
	defer b.stateMu.Unlock()
	return b.stopping
}

// setConnected records the connection state, logging each change once.
func (b *Bot) setConnected(up bool, why string) {
	b.stateMu.Lock()
	defer b.stateMu.Unlock()
	if b.connected == up {
		return
	}
	b.connected = up
	close(b.stateChanged)
	b.stateChanged = make(chan struct{})
	switch {
	case up:
		b.log.Info("DingTalk stream connected")
	case b.stopping:
		b.log.Info("DingTalk stream closed")
	default:
		b.log.Warn("DingTalk stream disconnected; the SDK reconnects", "why", why)
	}
}

// awaitDisconnect waits, at most d, for the SDK to report the connection
// closed, so that its last log lines are not routed to a later Bot.
func (b *Bot) awaitDisconnect(d time.Duration) {
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	for {
		b.stateMu.Lock()
		up, changed := b.connected, b.stateChanged
		b.stateMu.Unlock()
		if !up {
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			b.setConnected(false, "closed")
			return
		}
	}
}

// refuseWork makes spawn refuse new work.
func (b *Bot) refuseWork() {
	b.workMu.Lock()
	defer b.workMu.Unlock()
	b.closing = true
}

// stopWork refuses new work, cancels the work in flight and waits for it.
func (b *Bot) stopWork(cancel context.CancelFunc) {
	b.refuseWork()
	cancel()
	b.work.Wait()
}

// errStopping makes the SDK answer a frame with code 500, so DingTalk
// redelivers it, to this or another instance.
var errStopping = errors.New("signout-bot is stopping")

// onRobotFrame is the SDK's handler for robot message frames. It decides
// what to do with the frame, starts that work and returns at once: the ack
// is sent when it returns, and a late ack makes DingTalk redeliver.
func (b *Bot) onRobotFrame(_ context.Context, df *payload.DataFrame) (*payload.DataFrameResponse, error) {
	if err := b.receive(df.GetMessageId(), df.Data); err != nil {
		return nil, err
	}
	return nil, nil // the SDK acks with code 200
}

// receive checks a robot message and starts handling it. Only a frame
// that arrives while the bot stops is refused (for redelivery); anything
// else is acknowledged, including messages that are dropped: a redelivery
// would be dropped again.
func (b *Bot) receive(frameID, data string) error {
	m, err := decodeRobotMessage(data)
	if err != nil {
		b.log.Warn("dropped a malformed robot message frame", "message_id", frameID, "bytes", len(data), "err", err)
		return nil
	}
	log := b.log.With("msg_id", m.MsgId, "conversation", m.ConversationId, "sender", m.SenderStaffId)
	if m.SenderCorpId != b.cfg.CorpID {
		log.Warn("ignored a message from another organisation", "sender_corp", m.SenderCorpId)
		return nil
	}
	key := dedupeKey(m.MsgId, frameID)
	if !b.spawn(func(ctx context.Context) { b.handleOnce(ctx, key, m, log) }) {
		log.Warn("message arrived while stopping; left for DingTalk to redeliver")
		return errStopping
	}
	return nil
}

// handleOnce handles m unless this or another replica had it already.
// The check runs after the ack: with a shared store it is a round trip.
func (b *Bot) handleOnce(ctx context.Context, key string, m *robotMessage, log *slog.Logger) {
	if key != "" && !b.seen.First(ctx, key, dedupeTTL) {
		log.Info("ignored a redelivered message")
		return
	}
	b.handle(ctx, key, m, log)
}

// dedupeKey identifies a message across redeliveries: its msgId, or failing
// that the frame's messageId.
func dedupeKey(msgID, frameID string) string {
	switch {
	case msgID != "":
		return "dingtalk:msg:" + msgID
	case frameID != "":
		return "dingtalk:frame:" + frameID
	}
	return ""
}

// spawn runs fn in a goroutine with the work context, unless the bot stops.
func (b *Bot) spawn(fn func(ctx context.Context)) bool {
	b.workMu.Lock()
	defer b.workMu.Unlock()
	if b.closing || b.workCtx == nil {
		return false
	}
	ctx := b.workCtx
	b.work.Add(1)
	go func() {
		defer b.work.Done()
		fn(ctx)
	}()
	return true
}

// handle runs one message through the engine. If it panics the msgId is
// released, so a redelivery is handled again.
func (b *Bot) handle(ctx context.Context, key string, m *robotMessage, log *slog.Logger) {
	defer func() {
		if r := recover(); r != nil {
			if key != "" {
				b.seen.Forget(ctx, key)
			}
			log.Error("handling a robot message panicked", "panic", r)
		}
	}()
	c := b.conversation(m, log)
	if m.Msgtype != "text" {
		log.Info("answered a non-text message with a hint", "msgtype", truncate(m.Msgtype, 32))
		if err := c.Tell(ctx, bot.Notice{Kind: bot.NoticeUsage, Msg: i18n.M(i18n.DingTalkNonText)}); err != nil {
			log.Error("could not reply", "err", err)
		}
	} else {
		b.handleText(ctx, m, c, log)
	}
}

// handleText runs a text message through the engine, unless it @mentions
// the bot more than once.
func (b *Bot) handleText(ctx context.Context, m *robotMessage, c *conversation, log *slog.Logger) {
	if n := selfMentions(m); n > 1 {
		log.Info("message @mentions the bot more than once; refused", "self_mentions", n)
		if err := c.Tell(ctx, bot.Notice{Kind: bot.NoticeRefused, Msg: i18n.M(i18n.DingTalkRepeatedSelf)}); err != nil {
			log.Error("could not reply", "err", err)
		}
		return
	}
	msg := toMessage(m)
	msg.ReplyTo = c.address()
	b.engine.Handle(ctx, msg, c)
}

// truncate cuts s to at most n bytes of valid UTF-8, for logging.
func truncate(s string, n int) string {
	if len(s) <= n {
		return strings.ToValidUTF8(s, "?")
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
