package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/signout-bot/signout-bot/i18n"
)

var (
	slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	slackTeamID = regexp.MustCompile(`^T[A-Z0-9]{2,20}$`)
	slackEntID  = regexp.MustCompile(`^E[A-Z0-9]{2,20}$`)
	// DingTalk userIds are short ASCII words; staff ids are often all digits.
	dingTalkUserID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)
	locale         = regexp.MustCompile(`^[a-z]{2}_[A-Z]{2}$`)
	instanceName   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$`)
)

// validator collects problems; a key whose ${VAR} was unset or empty reports
// that instead of the format problem it causes, and a key whose value had the
// wrong type (already reported) reports nothing more.
type validator struct {
	missing map[string]envRef
	bad     map[string]bool
	p       Problems
}

func (v *validator) add(key, format string, args ...any) {
	if v.badKey(key) {
		return
	}
	v.p = append(v.p, key+": "+fmt.Sprintf(format, args...))
}

// badKey reports whether key or a section or list holding it had a type problem.
func (v *validator) badKey(key string) bool {
	for k := key; ; {
		if v.bad[k] {
			return true
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			return false
		}
		k = k[:i]
	}
}

// required reports an empty value, naming the unset variable when that is why.
func (v *validator) required(key, value, why string) bool {
	if value != "" {
		return true
	}
	if ref, ok := v.missing[key]; ok {
		v.add(key, "%s", ref.problem())
	} else {
		v.add(key, "required %s", why)
	}
	return false
}

func (v *validator) prefix(key, value, prefix string) {
	if v.required(key, value, "when slack is enabled") && !strings.HasPrefix(value, prefix) {
		v.add(key, "must start with %s", prefix)
	}
}

func (v *validator) httpURL(key, value string) {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(key, "must be an http(s) URL, got %q", value)
	}
}

func (v *validator) ids(key string, ids []string, re *regexp.Regexp, what string) {
	for i, id := range ids {
		if !re.MatchString(id) {
			v.add(fmt.Sprintf("%s[%d]", key, i), "%q is not a %s", id, what)
		}
	}
}

func (c *Config) validate(missing map[string]envRef, bad map[string]bool) Problems {
	v := &validator{missing: missing, bad: bad}
	c.validateSlack(v)
	c.validateDingTalk(v)
	v.ids("authz.dingtalk_users", c.Authz.DingTalkUsers, dingTalkUserID, "DingTalk userId")
	v.ids("authz.protected_users", c.Authz.ProtectedUsers, dingTalkUserID, "DingTalk userId")
	if c.Confirm.TTL < time.Second || c.Confirm.TTL > 24*time.Hour {
		v.add("confirm.ttl", "must be between 1s and 24h, got %s", c.Confirm.TTL)
	}
	for k, msg := range c.SignOut.EmployeeMessage {
		if !locale.MatchString(k) {
			v.add("signout.employee_message."+k, "is not a locale such as en_US or zh_CN")
		} else if strings.TrimSpace(msg) == "" {
			v.add("signout.employee_message."+k, "must not be empty")
		}
	}
	if n := c.SignOut.MaxReasonLength; n < 1 || n > 2000 {
		v.add("signout.max_reason_length", "must be between 1 and 2000, got %d", n)
	}
	if n := c.SignOut.MaxTargets; n < 1 || n > 500 {
		v.add("signout.max_targets", "must be between 1 and 500, got %d", n)
	}
	v.required("audit.file", strings.TrimSpace(c.Audit.File), "")
	if addr := c.HTTP.Addr(); addr != "" {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			v.add("http.listen", "must be host:port or empty, got %q", addr)
		}
	}
	c.validateState(v)
	for _, l := range []struct{ key, lang string }{{"language.slack", c.Language.Slack}, {"language.dingtalk", c.Language.DingTalk}} {
		if _, err := i18n.ParseLang(l.lang); err != nil {
			v.add(l.key, "must be en or zh_CN, got %q", l.lang)
		}
	}
	if !instanceName.MatchString(c.Instance) {
		v.add("instance", "must be 1 to 64 letters, digits, '.', '_', ':' or '-', got %q", c.Instance)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		v.add("log.level", "must be debug, info, warn or error, got %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		v.add("log.format", "must be text or json, got %q", c.Log.Format)
	}
	return v.p
}

func (c *Config) validateSlack(v *validator) {
	s := &c.Slack
	if !s.On() {
		return
	}
	v.prefix("slack.app_token", s.AppToken.Reveal(), "xapp-")
	v.prefix("slack.bot_token", s.BotToken.Reveal(), "xoxb-")
	v.httpURL("slack.api_url", s.APIURL)
	if !strings.HasSuffix(s.APIURL, "/") {
		// slack-go builds URLs by concatenation: without the slash every call 404s.
		s.APIURL += "/"
	}
	if s.TeamID != "" && !slackTeamID.MatchString(s.TeamID) {
		v.add("slack.team_id", "%q is not a Slack team ID (T...)", s.TeamID)
	}
	if s.EnterpriseID != "" && !slackEntID.MatchString(s.EnterpriseID) {
		v.add("slack.enterprise_id", "%q is not a Slack enterprise ID (E...)", s.EnterpriseID)
	}
	v.ids("authz.slack_users", c.Authz.SlackUsers, slackUserID, "Slack user ID (U... or W...)")
}

func (c *Config) validateDingTalk(v *validator) {
	d := &c.DingTalk
	needed := d.Configured() || !c.DryRun
	if needed {
		idWhy, secretWhy := "unless dry_run is true", "unless dry_run is true"
		if d.Configured() {
			idWhy, secretWhy = "with dingtalk.client_secret", "with dingtalk.client_id"
		}
		v.required("dingtalk.client_id", d.ClientID, idWhy)
		v.required("dingtalk.client_secret", d.ClientSecret.Reveal(), secretWhy)
	}
	if d.StreamOn() {
		v.required("dingtalk.corp_id", d.CorpID, "when dingtalk.stream is on (messages from other corps are ignored)")
	}
	if d.QPS < 0.1 || d.QPS > 1000 {
		v.add("dingtalk.qps", "must be between 0.1 and 1000 calls per second, got %v", d.QPS)
	}
	v.httpURL("dingtalk.api_url", d.APIURL)
	v.httpURL("dingtalk.oapi_url", d.OAPIURL)
	d.APIURL = strings.TrimRight(d.APIURL, "/")
	d.OAPIURL = strings.TrimRight(d.OAPIURL, "/")
}

// validateState checks the shape of state.redis_url; the store's own
// parser checks the rest at start-up. The URL is never echoed: it may
// carry a password.
func (c *Config) validateState(v *validator) {
	raw := c.State.RedisURL.Reveal()
	if raw == "" {
		if ref, ok := v.missing["state.redis_url"]; ok {
			v.add("state.redis_url", "%s", ref.problem())
		}
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		v.add("state.redis_url", "is not a URL (redis://[user:password@]host:port/db or rediss://...)")
	case u.Scheme != "redis" && u.Scheme != "rediss":
		v.add("state.redis_url", "must start with redis:// or rediss://")
	case u.Host == "":
		v.add("state.redis_url", "names no host (redis://host:port/db)")
	}
	if strings.TrimSpace(c.State.KeyPrefix) != c.State.KeyPrefix {
		v.add("state.key_prefix", "must not start or end with spaces")
	}
}
