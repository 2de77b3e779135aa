package i18n

// The printer's own keys: joins and plain text.
var internalTexts = texts{
	plain:            {EN: "%[1]s", ZH: "%[1]s"},
	PlatformSlack:    {EN: "Slack", ZH: "Slack"},
	PlatformDingTalk: {EN: "DingTalk", ZH: "钉钉"},
	PlatformConsole:  {EN: "console", ZH: "控制台"},
	untilKey:         {EN: "%[1]s UTC, in %[2]s", ZH: "%[1]s UTC（%[2]s后）"},
}

// Platform names, as people say them.
const (
	PlatformSlack    Key = "platform.slack"
	PlatformDingTalk Key = "platform.dingtalk"
	PlatformConsole  Key = "platform.console"
)

// PlatformName is a platform ("slack", "dingtalk", "console") as people
// call it in the language: Slack, DingTalk (钉钉), the console.
func PlatformName(platform string) Msg {
	switch platform {
	case "slack":
		return M(PlatformSlack)
	case "dingtalk":
		return M(PlatformDingTalk)
	case "console":
		return M(PlatformConsole)
	}
	return Plain(platform)
}
