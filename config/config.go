// Package config loads and validates signout-bot's YAML configuration.
//
// Values may reference the environment as ${NAME}. Validation reports every
// problem at once, one line per problem, each naming the key.
package config

import (
	"os"
	"time"
)

// Config is the whole configuration file. See config.example.yaml.
type Config struct {
	DryRun   bool           `yaml:"dry_run"`
	Slack    SlackConfig    `yaml:"slack"`
	DingTalk DingTalkConfig `yaml:"dingtalk"`
	Authz    AuthzConfig    `yaml:"authz"`
	Confirm  ConfirmConfig  `yaml:"confirm"`
	SignOut  SignOutConfig  `yaml:"signout"`
	Audit    AuditConfig    `yaml:"audit"`
	HTTP     HTTPConfig     `yaml:"http"`
	Log      LogConfig      `yaml:"log"`
	State    StateConfig    `yaml:"state"`
	Language LanguageConfig `yaml:"language"`
	Approval ApprovalConfig `yaml:"approval"`
	// Instance names this replica in logs and audit records; default the
	// host name.
	Instance string `yaml:"instance"`
}

// ApprovalConfig is the two-person rule.
type ApprovalConfig struct {
	// TwoPerson: every sign-out needs the approval of a second allowed
	// person of the same platform, not the requester and not the target.
	TwoPerson bool `yaml:"two_person"`
}

// LanguageConfig is what the bot writes on each platform: en or zh_CN.
// The console follows Slack's.
type LanguageConfig struct {
	Slack    string `yaml:"slack"`
	DingTalk string `yaml:"dingtalk"`
}

// StateConfig is where requests waiting for confirmation live.
type StateConfig struct {
	// RedisURL, when set, is the Redis (or Sentinel) that replicas share.
	// It may carry a password, so it is a Secret.
	RedisURL  Secret `yaml:"redis_url"`
	KeyPrefix string `yaml:"key_prefix"`
}

// Shared reports whether requests live in a store that replicas share.
func (s StateConfig) Shared() bool { return s.RedisURL != "" }

// SlackConfig is the Slack Socket Mode front end.
type SlackConfig struct {
	// Enabled is nil when the key is absent: a present section means on.
	Enabled      *bool  `yaml:"enabled"`
	AppToken     Secret `yaml:"app_token"`
	BotToken     Secret `yaml:"bot_token"`
	APIURL       string `yaml:"api_url"`
	TeamID       string `yaml:"team_id"`
	EnterpriseID string `yaml:"enterprise_id"`

	present bool
}

// On reports whether the Slack front end should run.
func (s SlackConfig) On() bool {
	if s.Enabled != nil {
		return *s.Enabled
	}
	return s.present
}

// DingTalkConfig is the DingTalk OpenAPI client and the stream-mode robot.
type DingTalkConfig struct {
	ClientID     string `yaml:"client_id"`
	ClientSecret Secret `yaml:"client_secret"`
	CorpID       string `yaml:"corp_id"`
	APIURL       string `yaml:"api_url"`
	OAPIURL      string `yaml:"oapi_url"`
	// Stream is nil when the key is absent (default on).
	Stream *bool `yaml:"stream"`
	// RobotCode identifies the robot for the robot send APIs; it defaults to ClientID.
	RobotCode string `yaml:"robot_code"`
	// RobotName is the robot's display name, for "@RobotName confirm CODE" in group prompts.
	RobotName string `yaml:"robot_name"`
	// QPS paces every DingTalk API the bot calls (per API, as DingTalk
	// counts); default 20, DingTalk's per-app limit.
	QPS float64 `yaml:"qps"`
}

// Configured reports whether DingTalk credentials are present.
func (d DingTalkConfig) Configured() bool {
	return d.ClientID != "" || d.ClientSecret != ""
}

// StreamOn reports whether the stream-mode robot should run.
func (d DingTalkConfig) StreamOn() bool {
	if !d.Configured() {
		return false
	}
	return d.Stream == nil || *d.Stream
}

// AuthzConfig lists who may act and who may never be signed out.
type AuthzConfig struct {
	SlackUsers     []string `yaml:"slack_users"`
	DingTalkUsers  []string `yaml:"dingtalk_users"`
	ProtectedUsers []string `yaml:"protected_users"`
}

// ConfirmConfig governs pending confirmations.
type ConfirmConfig struct {
	TTL time.Duration `yaml:"ttl"`
}

// SignOutConfig governs the sign-out request itself.
type SignOutConfig struct {
	EmployeeMessage map[string]string `yaml:"employee_message"`
	// ReasonRequired is nil when absent (default true).
	ReasonRequired  *bool `yaml:"reason_required"`
	MaxReasonLength int   `yaml:"max_reason_length"`
	// MaxTargets is the most people one command may name (default 50).
	MaxTargets int `yaml:"max_targets"`
}

// RequireReason reports whether a command without a reason is refused.
func (s SignOutConfig) RequireReason() bool { return s.ReasonRequired == nil || *s.ReasonRequired }

// AuditConfig locates the audit log.
type AuditConfig struct {
	File string `yaml:"file"`
}

// HTTPConfig is the operations endpoint.
type HTTPConfig struct {
	// Listen is nil when absent (default 127.0.0.1:9090); "" turns it off.
	Listen *string `yaml:"listen"`
}

// Addr returns the listen address, "" when the endpoint is off.
func (h HTTPConfig) Addr() string {
	if h.Listen == nil {
		return DefaultHTTPListen
	}
	return *h.Listen
}

// LogConfig governs the process log on stderr.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// Defaults.
const (
	DefaultSlackAPIURL      = "https://slack.com/api/"
	DefaultDingTalkAPI      = "https://api.dingtalk.com"
	DefaultDingTalkOAPI     = "https://oapi.dingtalk.com"
	DefaultConfirmTTL       = 2 * time.Minute
	DefaultAuditFile        = "audit.jsonl"
	DefaultHTTPListen       = "127.0.0.1:9090"
	DefaultMaxReasonRunes   = 300
	DefaultMaxTargets       = 50
	DefaultKeyPrefix        = "signout-bot:"
	DefaultDingTalkQPS      = 20
	DefaultSlackLanguage    = "en"
	DefaultDingTalkLanguage = "zh_CN"
	// DefaultInstance names a replica whose host has no name.
	DefaultInstance = "signout-bot"
)

// DefaultEmployeeMessage is sent to DingTalk as reasonI18nForEmployee when none is configured.
var DefaultEmployeeMessage = map[string]string{
	"en_US": "Your account was signed out by the security team.",
	"zh_CN": "您的账号已被安全团队强制退出登录。",
}

func (c *Config) applyDefaults() {
	if c.Slack.APIURL == "" {
		c.Slack.APIURL = DefaultSlackAPIURL
	}
	if c.DingTalk.APIURL == "" {
		c.DingTalk.APIURL = DefaultDingTalkAPI
	}
	if c.DingTalk.OAPIURL == "" {
		c.DingTalk.OAPIURL = DefaultDingTalkOAPI
	}
	if c.DingTalk.QPS == 0 {
		c.DingTalk.QPS = DefaultDingTalkQPS
	}
	if c.DingTalk.RobotCode == "" {
		c.DingTalk.RobotCode = c.DingTalk.ClientID
	}
	if c.Confirm.TTL == 0 {
		c.Confirm.TTL = DefaultConfirmTTL
	}
	if c.SignOut.EmployeeMessage == nil {
		c.SignOut.EmployeeMessage = DefaultEmployeeMessage
	}
	if c.SignOut.MaxReasonLength == 0 {
		c.SignOut.MaxReasonLength = DefaultMaxReasonRunes
	}
	if c.SignOut.MaxTargets == 0 {
		c.SignOut.MaxTargets = DefaultMaxTargets
	}
	if c.Audit.File == "" {
		c.Audit.File = DefaultAuditFile
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.Language.Slack == "" {
		c.Language.Slack = DefaultSlackLanguage
	}
	if c.Language.DingTalk == "" {
		c.Language.DingTalk = DefaultDingTalkLanguage
	}
	if c.State.KeyPrefix == "" {
		c.State.KeyPrefix = DefaultKeyPrefix
	}
	if c.Instance == "" {
		c.Instance, _ = os.Hostname()
	}
	if c.Instance == "" {
		c.Instance = DefaultInstance
	}
}

// Default returns the configuration used when no file is given: dry-run,
// no platforms, the console only, no operations endpoint.
func Default() *Config {
	off := ""
	c := &Config{DryRun: true, HTTP: HTTPConfig{Listen: &off}}
	c.applyDefaults()
	return c
}
