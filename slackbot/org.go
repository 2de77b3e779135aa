package slackbot

import (
	"cmp"

	"github.com/slack-go/slack/slackevents"

	"github.com/signout-bot/signout-bot/i18n"
)

// org is the optional boundary of who may talk to the bot at all: one
// team (workspace) and/or one Enterprise Grid org. It keeps out Slack
// Connect guests and other workspaces before anything reaches the engine.
type org struct {
	team, enterprise string
}

// refuse returns why a user of team and enterprise is refused, or a zero
// Msg. A missing ID counts as a mismatch: the check fails closed.
func (o org) refuse(team, enterprise string) i18n.Msg {
	if o.team != "" && team != o.team {
		return i18n.M(i18n.SlackOutsideTeam)
	}
	if o.enterprise != "" && enterprise != o.enterprise {
		return i18n.M(i18n.SlackOutsideEnterprise)
	}
	return i18n.Msg{}
}

// refuseMention checks an @mention. The author's own team is user_team
// (set in shared channels); a user from another team in an externally
// shared channel is a Slack Connect guest, whatever enterprise the event
// itself was delivered to.
func (o org) refuseMention(ev slackevents.EventsAPIEvent, am *slackevents.AppMentionEvent) i18n.Msg {
	team := cmp.Or(am.UserTeam, ev.TeamID)
	if why := o.refuse(team, ev.EnterpriseID); !why.IsZero() {
		return why
	}
	if (o.team != "" || o.enterprise != "") && ev.IsExtSharedChannel && am.UserTeam != "" && am.UserTeam != ev.TeamID {
		return i18n.M(i18n.SlackOutsideEnterprise)
	}
	return i18n.Msg{}
}
