package bot

// Platform names, as they appear in messages, the policy's allow-lists,
// stored requests and audit records.
const (
	Slack    = "slack"
	DingTalk = "dingtalk"
	Console  = "console"
)

// ConsoleUser is the invoker name of the local console.
const ConsoleUser = "console"
