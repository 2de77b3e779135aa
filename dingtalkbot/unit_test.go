package dingtalkbot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/logbuf"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// nopMessenger fails every send; these tests don't reach it.
type nopMessenger struct{}

func (nopMessenger) PostSessionWebhook(context.Context, string, any) error {
	return errors.New("unused")
}
func (nopMessenger) SendGroupMessage(context.Context, string, string, string, any) error {
	return errors.New("unused")
}
func (nopMessenger) SendDirectMessage(context.Context, string, []string, string, any) error {
	return errors.New("unused")
}

type engineFunc func(ctx context.Context, m bot.Message, c bot.Conversation)

func (f engineFunc) Handle(ctx context.Context, m bot.Message, c bot.Conversation) { f(ctx, m, c) }

func newTestBot(t *testing.T, e Engine, logs *logbuf.Buffer) *Bot {
	t.Helper()
	b, err := New(Config{ClientID: "app", ClientSecret: "s3cr3t-value", CorpID: "corp", Language: i18n.EN,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, e, nopMessenger{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewChecksConfig(t *testing.T) {
	e := engineFunc(func(context.Context, bot.Message, bot.Conversation) {})
	_, err := New(Config{APIURL: "ftp://x"}, nil, nil)
	if err == nil {
		t.Fatal("New accepted an empty config")
	}
	for _, want := range []string{"ClientID is empty", "ClientSecret is empty", "CorpID is empty", `APIURL "ftp://x"`, "Engine and a Messenger"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	b, err := New(Config{ClientID: "app", ClientSecret: "s", CorpID: "c", APIURL: "http://127.0.0.1:1/"}, e, nopMessenger{})
	if err != nil {
		t.Fatal(err)
	}
	if b.cfg.RobotCode != "app" || b.cfg.APIURL != "http://127.0.0.1:1" || b.cfg.MaxPendingHandlers != DefaultMaxPendingHandlers {
		t.Errorf("defaults not applied: %+v", b.cfg)
	}
	if strings.Contains(err2str(New(Config{ClientID: "a", ClientSecret: "hush", CorpID: "c", APIURL: "::"}, e, nopMessenger{})), "hush") {
		t.Error("the secret is in New's error")
	}
}

func err2str(_ *Bot, err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestRunTwice(t *testing.T) {
	b := newTestBot(t, engineFunc(func(context.Context, bot.Message, bot.Conversation) {}), &logbuf.Buffer{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Run(ctx); err != nil {
		t.Fatalf("Run on a cancelled context: %v", err)
	}
	if err := b.Run(ctx); err == nil {
		t.Fatal("second Run succeeded")
	}
}

func TestSDKLogsHideSecrets(t *testing.T) {
	logs := &logbuf.Buffer{}
	b := newTestBot(t, engineFunc(func(context.Context, bot.Message, bot.Conversation) {}), logs)
	sdkLogs.add(b)
	defer sdkLogs.remove(b)
	// As the SDK logs its open-connection request and a reconnect failure.
	sdkLogs.Debugf("[wire] [http] local => remote:\n%s", `{"clientId":"app","clientSecret":"s3cr3t-value"}`)
	sdkLogs.Errorf(sdkReconnectError, 2, `dial ws://gw/connect?ticket=abc-123: refused for s3cr3t-value`)
	sdkLogs.Infof(sdkConnected, "ticket-xyz")
	sdkLogs.Warningf(sdkHandlersFull)
	out := logs.String()
	for _, leak := range []string{"s3cr3t-value", "abc-123", "ticket-xyz", "[wire]"} {
		if strings.Contains(out, leak) {
			t.Errorf("logs contain %q:\n%s", leak, out)
		}
	}
	for _, want := range []string{"level=WARN", "ticket=[REDACTED]", "refused for [REDACTED]", "DingTalk stream connected", "level=ERROR msg=\"dingtalk stream sdk: connection handler capacity"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
	if !b.Connected() {
		t.Error("connect line did not set Connected")
	}
	sdkLogs.Errorf(sdkReadError, 1, "", "EOF")
	if b.Connected() {
		t.Error("read error did not clear Connected")
	}
}

const textFrame = `{"msgId":"m1","senderCorpId":"corp","senderStaffId":"u1","conversationType":"1","conversationId":"c1","msgtype":"text","text":{"content":"help"}}`

func TestFrameRefusedWhileStopping(t *testing.T) {
	b := newTestBot(t, engineFunc(func(context.Context, bot.Message, bot.Conversation) { t.Error("engine called") }), &logbuf.Buffer{})
	// Not running (no work context) is the same as stopping.
	if err := b.receive("f1", textFrame); !errors.Is(err, errStopping) {
		t.Fatalf("receive = %v, want errStopping", err)
	}
	if !b.seen.First(context.Background(), "dingtalk:msg:m1", time.Minute) {
		t.Error("a refused frame kept its msgId claimed; its redelivery would be dropped")
	}
}

func TestPanicReleasesMsgID(t *testing.T) {
	logs := &logbuf.Buffer{}
	b := newTestBot(t, engineFunc(func(context.Context, bot.Message, bot.Conversation) { panic("boom") }), logs)
	m, err := decodeRobotMessage(textFrame)
	if err != nil {
		t.Fatal(err)
	}
	if !b.seen.First(context.Background(), "dingtalk:msg:m1", time.Minute) {
		t.Fatal("claim failed")
	}
	b.handle(context.Background(), "dingtalk:msg:m1", m, b.log)
	if !b.seen.First(context.Background(), "dingtalk:msg:m1", time.Minute) {
		t.Error("msgId still claimed after a panic")
	}
	if !strings.Contains(logs.String(), "panicked") {
		t.Error("panic not logged")
	}
}

func TestDedupeKey(t *testing.T) {
	if dedupeKey("", "") != "" || dedupeKey("m", "f") != "dingtalk:msg:m" || dedupeKey("", "f") != "dingtalk:frame:f" {
		t.Error("dedupeKey")
	}
}
