package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is -version's line: module version, VCS revision and time as the
// go tool stamped them, and the Go release.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "signout-bot (unknown version), " + runtime.Version()
	}
	return versionLine(info)
}

func versionLine(info *debug.BuildInfo) string {
	s := map[string]string{}
	for _, kv := range info.Settings {
		s[kv.Key] = kv.Value
	}
	rev := "rev unknown"
	if r := s["vcs.revision"]; r != "" {
		rev = "rev " + r[:min(len(r), 7)]
		if s["vcs.modified"] == "true" {
			rev += "-dirty"
		}
		if t := s["vcs.time"]; t != "" {
			rev += " " + t
		}
	}
	return fmt.Sprintf("signout-bot %s %s, %s", info.Main.Version, rev, info.GoVersion)
}
