package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "76c76543e2a812cf3eaad04ae4111d5d38343e67"},
		{Key: "vcs.time", Value: "2026-12-02T11:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	if got, want := versionLine(info), "signout-bot (devel) rev 76c7654-dirty 2026-12-02T11:00:00Z, go1.26.0"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	info.Settings = nil
	if got, want := versionLine(info), "signout-bot (devel) rev unknown, go1.26.0"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
