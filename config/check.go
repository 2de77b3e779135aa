package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Check is -check: Load, plus what start-up would meet on this machine (the
// audit log's directory), plus warnings about values that are valid but
// probably a mistake, each line starting "warning: ". err is a read error or
// Problems; the warnings come with Problems too when the file could be decoded.
// Check writes nothing.
func Check(path string) (warnings []string, err error) {
	raw, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return check(raw, os.LookupEnv)
}

func check(raw []byte, lookup func(string) (string, bool)) ([]string, error) {
	cfg, p := parse(raw, lookup)
	if cfg == nil {
		return nil, p
	}
	p = append(p, cfg.checkAudit()...)
	w := cfg.warnings()
	if len(p) > 0 {
		return w, p
	}
	return w, nil
}

// checkAudit finds what would stop audit.Open at start-up, without creating
// anything: the directory must exist and be writable, the file, if it
// exists, must be a writable file.
func (c *Config) checkAudit() Problems {
	file := c.Audit.File
	if file == "" {
		return nil // already a problem
	}
	dir := filepath.Dir(file)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Problems{fmt.Sprintf("audit.file: directory %s does not exist; create it or choose another path", dir)}
	case err != nil:
		return Problems{fmt.Sprintf("audit.file: directory %s: %v", dir, pathErr(err))}
	case !info.IsDir():
		return Problems{fmt.Sprintf("audit.file: %s is not a directory", dir)}
	case !writable(dir, true):
		return Problems{fmt.Sprintf("audit.file: directory %s is not writable by this user", dir)}
	}
	info, err = os.Stat(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // start-up creates it
	case err != nil:
		return Problems{fmt.Sprintf("audit.file: %s: %v", file, pathErr(err))}
	case !info.Mode().IsRegular():
		return Problems{fmt.Sprintf("audit.file: %s is not a regular file", file)}
	case !writable(file, false):
		return Problems{fmt.Sprintf("audit.file: %s is not writable by this user", file)}
	}
	return nil
}

// pathErr drops the path from an *fs.PathError: the message names it already.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// placeholders are config.example.yaml's made-up values, and what goes there instead.
var placeholders = []struct{ key, value, instead string }{
	{"dingtalk.corp_id", "dingxxxxxxxxxxxx", "put your organisation's CorpId here"},
	{"dingtalk.robot_code", "dingxxxx", "put your robot's code here, or remove the key to use client_id"},
	{"slack.team_id", "T0123ABCD", "put your workspace's team ID here"},
	{"slack.enterprise_id", "E0123ABCD", "put your Enterprise Grid org's ID here"},
	{"authz.slack_users", "U0123ABCD", "list your responders' Slack user IDs"},
	{"authz.dingtalk_users", "manager4220", "list your responders' DingTalk userIds"},
	{"authz.protected_users", "ceo001", "list the DingTalk userIds that must never be signed out"},
}

// warnings lists what is valid but probably a mistake: an enabled platform
// nobody may use, and values left over from the example.
func (c *Config) warnings() []string {
	var w []string
	if c.Slack.On() && len(c.Authz.SlackUsers) == 0 {
		w = append(w, "warning: authz.slack_users: empty, so nobody can use the bot in Slack")
	}
	if c.DingTalk.StreamOn() && len(c.Authz.DingTalkUsers) == 0 {
		w = append(w, "warning: authz.dingtalk_users: empty, so nobody can use the bot in DingTalk")
	}
	values := map[string][]string{
		"dingtalk.corp_id":      {c.DingTalk.CorpID},
		"dingtalk.robot_code":   {c.DingTalk.RobotCode},
		"slack.team_id":         {c.Slack.TeamID},
		"slack.enterprise_id":   {c.Slack.EnterpriseID},
		"authz.slack_users":     c.Authz.SlackUsers,
		"authz.dingtalk_users":  c.Authz.DingTalkUsers,
		"authz.protected_users": c.Authz.ProtectedUsers,
	}
	for _, ph := range placeholders {
		vs := values[ph.key]
		for i, v := range vs {
			if v != ph.value {
				continue
			}
			key := ph.key
			if strings.HasPrefix(key, "authz.") { // a list
				key = fmt.Sprintf("%s[%d]", key, i)
			}
			w = append(w, fmt.Sprintf("warning: %s: %q is the placeholder from config.example.yaml; %s", key, v, ph.instead))
		}
	}
	return w
}
