package dingtalkbot

import "time"

// DingTalk redelivers a robot message it thinks was not acknowledged in
// time, sometimes a minute later, with the same msgId: msgIds are
// remembered this long to drop such copies.
const dedupeTTL = 15 * time.Minute
