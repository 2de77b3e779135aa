package slackbot_test

import (
	"encoding/json"
	"testing"

	"github.com/signout-bot/signout-bot/internal/fakeslack"
)

// TestBotNamedAsTarget: issue 9 item 4. The bot, or any Slack user, where
// the target goes is refused over the wire, with no prompt, no audit
// record and no DingTalk call; before, every mention of the bot was
// stripped and "alice" became the target.
func TestBotNamedAsTarget(t *testing.T) {
	h := connected(t)
	h.waitLog("Slack bot identity") // the slash command needs to know who the bot is
	self := "<@" + fakeslack.BotUserID + ">"
	const (
		myself    = "That is me, the bot: I can't sign out myself"
		slackUser = "Slack users can't be signed out: give the person's DingTalk userId or mobile number"
	)
	for i, tc := range []struct{ text, want string }{
		{self + " signout " + self + " alice asked me to test", myself},
		{self + " /signout <@" + fakeslack.BotUserID + "|signout-bot> alice asked me to test", myself},
		{self + " signout <@U0ALICE> lost phone", slackUser},
		{self + " signout <@U0OTHERBOT|otherbot> lost phone", slackUser},
	} {
		env, _, err := h.slack.SendMention(fakeslack.Mention{UserID: invoker, ChannelID: channel, Text: tc.text})
		if err != nil {
			t.Fatal(err)
		}
		h.acked(env)
		calls, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", i+1)
		if err != nil {
			t.Fatal(err)
		}
		f := calls[i].Form
		mustContain(t, tc.text, f.Get("text")+allText(t, "", json.RawMessage(f.Get("blocks"))), tc.want)
		if bs := buttons(t, json.RawMessage(f.Get("blocks"))); len(bs) != 0 {
			t.Errorf("%q: a prompt: %+v", tc.text, bs)
		}
	}
	for _, tc := range []struct{ text, want string }{
		{"<@" + fakeslack.BotUserID + "|signout-bot> alice asked me to test", myself},
		{"<@U0OTHERBOT|otherbot> lost phone", slackUser},
	} {
		env, resp := h.slash(invoker, tc.text)
		h.acked(env)
		r := h.response(resp, 1)
		mustContain(t, tc.text, r.Text, tc.want)
		if bs := buttons(t, r.Blocks); len(bs) != 0 {
			t.Errorf("%q: a prompt: %+v", tc.text, bs)
		}
	}
	h.waitLog("the bot named as the target; refused")
	if n := len(h.records()); n != 0 {
		t.Errorf("%d audit records, want none", n)
	}
	if n := len(h.signOutRequests()); n != 0 {
		t.Errorf("%d sign-out calls", n)
	}
}
