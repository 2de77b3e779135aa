package main

import (
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/dingtalkbot"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/slackbot"
)

// addFrontEnds connects the enabled chat platforms to the engine.
func (a *app) addFrontEnds(dt *dingtalk.Client) error {
	if s := a.cfg.Slack; s.On() {
		fe, err := slackbot.New(slackbot.Config{
			AppToken: s.AppToken.Reveal(), BotToken: s.BotToken.Reveal(), APIURL: s.APIURL,
			TeamID: s.TeamID, EnterpriseID: s.EnterpriseID, Seen: a.state.seen, Language: i18n.Lang(a.cfg.Language.Slack),
			Logger: a.log, // slackbot names itself component=slack
		}, a.engine)
		if err != nil {
			return err
		}
		a.engine.SetReplier(bot.Slack, fe)
		a.watch(fe)
	}
	if a.cfg.DingTalk.StreamOn() {
		d := a.cfg.DingTalk
		fe, err := dingtalkbot.New(dingtalkbot.Config{
			ClientID: d.ClientID, ClientSecret: d.ClientSecret.Reveal(), CorpID: d.CorpID,
			RobotCode: d.RobotCode, RobotName: d.RobotName, APIURL: d.APIURL, Seen: a.state.seen, Language: i18n.Lang(a.cfg.Language.DingTalk),
			Logger: a.log.With("component", "dingtalk-stream"),
		}, a.engine, dt)
		if err != nil {
			return err
		}
		a.engine.SetReplier(bot.DingTalk, fe)
		a.watch(fe)
	}
	return nil
}
