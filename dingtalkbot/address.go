package dingtalkbot

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/signout-bot/signout-bot/bot"
)

// address is where a robot message came from, as stored with its
// request, so that any replica can post the result there or tell the
// invoker it expired.
type address struct {
	ConversationID   string    `json:"conversation_id"`
	ConversationType string    `json:"conversation_type"` // "1" a 1:1 chat, "2" a group
	Sender           string    `json:"sender"`            // senderStaffId: @mentioned in group replies, the recipient in 1:1
	SessionWebhook   string    `json:"session_webhook,omitempty"`
	WebhookExpires   time.Time `json:"session_webhook_expires,omitzero"`
	RobotCode        string    `json:"robot_code"`
}

// address describes c for a stored request.
func (c *conversation) address() bot.Address {
	kind := conversationGroup
	if c.direct {
		kind = conversationDirect
	}
	a := address{ConversationID: c.id, ConversationType: kind, Sender: c.sender,
		SessionWebhook: c.webhook, WebhookExpires: c.webhookExpires, RobotCode: c.robotCode}
	data, _ := json.Marshal(a) // strings and a time: it can't fail
	return bot.Address{Platform: bot.DingTalk, Data: data}
}

// Reply implements bot.Replier: the conversation at a stored address,
// through its sessionWebhook while that is valid, else the robot API.
func (b *Bot) Reply(a bot.Address) (bot.Conversation, error) {
	if a.Platform != bot.DingTalk {
		return nil, fmt.Errorf("dingtalkbot: an address of platform %q", a.Platform)
	}
	var addr address
	if err := json.Unmarshal(a.Data, &addr); err != nil {
		return nil, fmt.Errorf("dingtalkbot: reading a stored address: %w", err)
	}
	c := &conversation{
		b: b, id: addr.ConversationID, direct: addr.ConversationType == conversationDirect,
		sender: addr.Sender, webhook: addr.SessionWebhook, webhookExpires: addr.WebhookExpires,
		robotCode: addr.RobotCode, log: b.log.With("conversation", addr.ConversationID),
	}
	if c.robotCode == "" {
		c.robotCode = b.cfg.RobotCode
	}
	return c, nil
}
