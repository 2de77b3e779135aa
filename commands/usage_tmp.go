package commands

import "github.com/signout-bot/signout-bot/i18n"

// UsageMsg is a stand-in until the usage has catalog keys (feat/i18n-cmds).
var UsageMsg = i18n.Plain(Usage)
