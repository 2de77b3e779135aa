package main

import (
	"github.com/signout-bot/signout-bot/dingtalk"
)

// addFrontEnds connects the enabled chat platforms to the engine.
func (a *app) addFrontEnds(dt *dingtalk.Client) error {
	return nil
}
