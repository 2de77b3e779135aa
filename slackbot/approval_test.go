package slackbot_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
	"github.com/signout-bot/signout-bot/slackbot"
)

const approverID = "U0APPROVER"

// The two-person rule over Socket Mode: the card goes to the channel for
// everyone, with Approve and Deny; the requester can't approve it; a
// second allowed user's click signs out once and replaces the card.
func TestTwoPersonApprovalInTheChannel(t *testing.T) {
	h := connected(t, func(o *harnessOptions) {
		o.engine = func(eo *bot.Options) {
			eo.TwoPerson = true
			eo.Policy = authz.New(authz.Rules{Invokers: map[string][]string{bot.Slack: {invoker, approverID}}})
		}
	})
	env, _ := h.slash(invoker, "alice phishing")
	h.acked(env)
	card := h.post(1)
	if card.Form.Get("channel") != channel {
		t.Fatalf("approval card posted to %v", card.Form)
	}
	blocks := json.RawMessage(card.Form.Get("blocks"))
	bs := buttons(t, blocks)
	if len(bs) != 3 || bs[0].ActionID != slackbot.ActionApprove || bs[0].Style != "danger" || bs[1].ActionID != slackbot.ActionDeny ||
		bs[2].ActionID != slackbot.ActionApproveDisable || bs[2].Value != bs[0].Value ||
		bs[0].Value == "" || bs[0].Value != bs[1].Value {
		t.Fatalf("card buttons %+v", bs)
	}
	mustContain(t, "card", allText(t, card.Form.Get("text"), blocks), "<@"+invoker+">", "Alice Liddell (alice)", "phishing", "A second person must approve")
	if !hasBlockID(t, blocks, slackbot.ApprovalsBlock) {
		t.Fatalf("no %s block in %s", slackbot.ApprovalsBlock, blocks)
	}
	code := bs[0].Value

	// The requester's own click: refused privately, nothing replaced.
	selfEnv, selfResp := h.click(invoker, slackbot.ActionApprove, code)
	h.acked(selfEnv)
	if r := h.response(selfResp, 1); r.ReplaceOriginal || r.ResponseType != "ephemeral" {
		t.Fatalf("self-approval answer is not private: %s", r.Body)
	} else {
		mustContain(t, "self-approval", r.Text, "you can't approve it")
	}
	// A stranger: refused privately too.
	strEnv, strResp := h.click(stranger, slackbot.ActionApprove, code)
	h.acked(strEnv)
	mustContain(t, "stranger", h.response(strResp, 1).Text, "You may not approve sign-outs")

	okEnv, okResp := h.click(approverID, slackbot.ActionApprove, code)
	h.acked(okEnv)
	replaced := h.response(okResp, 1)
	if !replaced.ReplaceOriginal || len(buttons(t, replaced.Blocks)) != 0 {
		t.Fatalf("the card must be replaced without buttons: %s", replaced.Body)
	}
	mustContain(t, "replaced card", replaced.Text, "Approved by "+approverID)
	result := h.post(2)
	mustContain(t, "result", allText(t, result.Form.Get("text"), json.RawMessage(result.Form.Get("blocks"))),
		"Signed out Alice Liddell (alice)", "Approved by <@"+approverID+">")
	if so := h.dingtalk.SignOuts(); len(so) != 1 {
		t.Fatalf("signOuts %+v", so)
	}
	if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Approved, audit.Succeeded}) {
		t.Fatalf("audit %v", got)
	}
}

func hasBlockID(t *testing.T, blocks json.RawMessage, id string) bool {
	t.Helper()
	var bs []struct {
		BlockID string `json:"block_id"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.BlockID == id {
			return true
		}
	}
	return false
}

// Sign out and disable over Socket Mode: the third button.
func TestSignOutAndDisableButton(t *testing.T) {
	h := connected(t)
	code, _ := h.prompt("alice lost laptop")
	env, _ := h.click(invoker, slackbot.ActionConfirmDisable, code)
	h.acked(env)
	result := h.post(1)
	mustContain(t, "result", allText(t, result.Form.Get("text"), json.RawMessage(result.Form.Get("blocks"))),
		"Signed out Alice Liddell (alice)", "Also disabled Alice Liddell (alice)")
	if d := h.dingtalk.Disables(); len(d) != 1 || d[0].UserID != "alice" {
		t.Fatalf("disables %+v", d)
	}
	if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Confirmed, audit.Succeeded, audit.Disabled}) {
		t.Fatalf("audit %v", got)
	}
}

// An approver from another workspace (a Slack Connect guest whose user ID
// happens to be on the allow-list) is refused before the engine.
func TestApprovalFromAnotherOrgIsRefused(t *testing.T) {
	h := connected(t, func(o *harnessOptions) {
		o.cfg.TeamID = fakeslack.TeamID
		o.engine = func(eo *bot.Options) {
			eo.TwoPerson = true
			eo.Policy = authz.New(authz.Rules{Invokers: map[string][]string{bot.Slack: {invoker, approverID}}})
		}
	})
	env, _ := h.slash(invoker, "alice phishing")
	h.acked(env)
	code := buttons(t, json.RawMessage(h.post(1).Form.Get("blocks")))[0].Value
	guest, err := h.slack.SendClick(fakeslack.Click{UserID: approverID, UserTeamID: "T0GUEST", ChannelID: channel,
		ActionID: slackbot.ActionApprove, Value: code, ResponseURL: h.slack.ResponseURL("guest")})
	if err != nil {
		t.Fatal(err)
	}
	h.acked(guest)
	mustContain(t, "guest", h.response("guest", 1).Text, "only its own Slack workspace")
	if len(h.dingtalk.SignOuts()) != 0 || !slices.Equal(h.events(), []string{audit.Requested}) {
		t.Fatalf("a guest's approval changed something: %v", h.events())
	}
}
