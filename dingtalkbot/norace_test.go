//go:build !race

package dingtalkbot

const raceEnabled = false
