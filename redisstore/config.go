package redisstore

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// DefaultKeyPrefix starts every key the store writes, unless
// Config.KeyPrefix says otherwise.
const DefaultKeyPrefix = "signout-bot:"

// Config configures a Store.
type Config struct {
	// URL is redis://[user:password@]host:port/db or rediss://... for one
	// Redis, or go-redis's failover form for a Sentinel-managed primary:
	// redis://[user:password@]SENTINEL:PORT/db?master_name=NAME, with
	// further sentinels as &addr=HOST:PORT. In the failover form the user
	// and password are the sentinels' and, unless &username= or &password=
	// give others, the primary's and replicas' too. Characters such as
	// / ? # @ % in the password must be percent-encoded. Never logged.
	URL string
	// KeyPrefix starts every key; "" means DefaultKeyPrefix.
	KeyPrefix string
	Logger    *slog.Logger // nil: slog.Default()
	Observer  Observer     // nil: none
}

// Observer is told about every store operation: its name ("add", "get",
// "move", "open", "find", "recent", "note", "claim", "forget", "ping"),
// how long its Redis round trips took, and its error (nil, a bot domain
// error, or a failure), for latency and error metrics. It must be cheap and safe for concurrent use.
type Observer interface {
	StoreCall(op string, seconds float64, err error)
}

type nopObserver struct{}

func (nopObserver) StoreCall(string, float64, error) {}

// String hides the password when a Config is printed.
func (c Config) String() string {
	return fmt.Sprintf("redisstore.Config{URL:%s KeyPrefix:%q}", redactedURL(c.URL), c.KeyPrefix)
}

// GoString hides the password from %#v.
func (c Config) GoString() string { return c.String() }

// LogValue hides the password from slog.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", redactedURL(c.URL)), slog.String("key_prefix", c.KeyPrefix))
}

// Timeouts of one Redis call. The engine bounds each store call to 3 s;
// a read must outlast replicaAckTimeout.
const (
	dialTimeout  = 2 * time.Second
	readTimeout  = 2 * time.Second
	writeTimeout = 2 * time.Second
)

// clientFor parses the URL into a client, and returns the secrets in it
// for redaction. It makes no network call.
func clientFor(raw string) (*redis.Client, []string, error) {
	u, err := parseURL(raw)
	if err != nil {
		return nil, nil, err
	}
	secrets := urlSecrets(u)
	fail := func(err error) error {
		// go-redis's messages name options and values, not the userinfo;
		// redact anyway, they are not ours to trust.
		return fmt.Errorf("state store URL %s: %s", redactedURL(raw), redact(err.Error(), secrets))
	}
	if !u.Query().Has("master_name") {
		opt, err := redis.ParseURL(raw)
		if err != nil {
			return nil, nil, fail(err)
		}
		tuneTimeouts(&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout)
		opt.ContextTimeoutEnabled = true
		opt.MaxRetries, opt.DialerRetries = noRetries, dialerRetries
		// Off, as the failover client has it: in its default auto mode
		// go-redis v9.23 disables it on the shared options when a server
		// refuses the handshake (Redis 7 does), a data race between the
		// connections of Conn (go test -race).
		opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		return redis.NewClient(opt), secrets, nil
	}
	opt, err := redis.ParseFailoverURL(raw)
	if err != nil {
		return nil, nil, fail(err)
	}
	if opt.MasterName == "" {
		return nil, nil, fail(errors.New("master_name is empty"))
	}
	q := u.Query()
	if !q.Has("username") {
		opt.Username = opt.SentinelUsername
	}
	if !q.Has("password") {
		opt.Password = opt.SentinelPassword
	}
	tuneTimeouts(&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout)
	opt.ContextTimeoutEnabled = true
	opt.MaxRetries, opt.DialerRetries = noRetries, dialerRetries
	return redis.NewFailoverClient(opt), secrets, nil
}

const (
	// noRetries: go-redis must not resend a command whose answer was
	// lost. A resent Add would find its own request and say the code is
	// taken, a resent Move would lose to itself, a resent Claim would
	// drop a new event as seen. One attempt per call; a failure is an
	// error the engine answers with "nothing was done".
	noRetries = -1
	// dialerRetries keeps a dead server's failure quick (go-redis
	// defaults to 5 dials 100 ms apart).
	dialerRetries = 2
)

// tuneTimeouts sets the timeouts the URL leaves unset.
func tuneTimeouts(dial, read, write *time.Duration) {
	for _, t := range []struct {
		d   *time.Duration
		def time.Duration
	}{{dial, dialTimeout}, {read, readTimeout}, {write, writeTimeout}} {
		if *t.d == 0 {
			*t.d = t.def
		}
	}
}

// parseURL checks the scheme and the user info and parses raw. Its errors
// quote nothing from raw: net/url's quote all of it, password included,
// and a password with an unencoded / ? or # is split into host, path or
// query and then quoted as those.
func parseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("state store URL is empty")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "redis" && scheme != "rediss") {
		return nil, errors.New("state store URL must start with redis:// or rediss://")
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 && strings.ContainsAny(rest[:at], "/?#") {
		return nil, errors.New("state store URL: the user name and password must be percent-encoded (they contain / ? or #)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("state store URL is not a valid URL: %s", parseProblem(err))
	}
	return u, nil
}

// parseProblem is what went wrong in url.Parse, without the URL. Once the
// user info is known to hold no / ? #, the remaining messages quote the
// host or port at most, except an escape error, which may quote part of
// the password.
func parseProblem(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "unparseable"
	}
	var ee url.EscapeError
	if errors.As(ue.Err, &ee) {
		return "invalid %-escape"
	}
	return ue.Err.Error()
}

// urlSecrets are the passwords in u, as written and decoded.
func urlSecrets(u *url.URL) []string {
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s, url.QueryEscape(s), url.PathEscape(s))
		}
	}
	if pw, ok := u.User.Password(); ok {
		add(pw)
	}
	for _, pw := range u.Query()["password"] {
		add(pw)
	}
	return out
}

// redact replaces each secret in s.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "<secret>")
	}
	return s
}

// redactedURL is raw with its passwords shown as <secret>, for logs and
// errors; "<invalid URL>" when it cannot be parsed, since then nobody
// knows where the password is.
func redactedURL(raw string) string {
	if raw == "" {
		return `""`
	}
	u, err := parseURL(raw)
	if err != nil {
		return "<invalid URL>"
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://")
	if u.User != nil {
		b.WriteString(url.PathEscape(u.User.Username()))
		if _, ok := u.User.Password(); ok {
			b.WriteString(":<secret>")
		}
		b.WriteString("@")
	}
	b.WriteString(u.Host + u.EscapedPath())
	if u.RawQuery != "" {
		b.WriteString("?")
		for i, kv := range strings.Split(u.RawQuery, "&") {
			if i > 0 {
				b.WriteString("&")
			}
			k, _, _ := strings.Cut(kv, "=")
			if name, err := url.QueryUnescape(k); err == nil && strings.Contains(name, "password") {
				kv = k + "=<secret>"
			}
			b.WriteString(kv)
		}
	}
	// The password may also have been pasted as another option's value.
	return redact(b.String(), urlSecrets(u))
}
