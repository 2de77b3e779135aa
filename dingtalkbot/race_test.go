//go:build race

package dingtalkbot

// The race detector slows everything down several times over.
const raceEnabled = true
