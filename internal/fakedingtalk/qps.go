package fakedingtalk

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// qpsLimit is DingTalk's per-app, per-API cap: at most n calls to each path
// in each whole second of the fake's clock.
//
// DingTalk does not document how it counts. The fake counts in fixed
// one-second windows (a counter per API that restarts at each whole second),
// the usual gateway counter. A client pacing at exactly n per second can
// still be throttled now and then when network delay bunches two calls
// across a window's edge, as against DingTalk; waiting that out is the
// client's job.
type qpsLimit struct {
	n         int
	windows   map[string]*qpsWindow
	throttled map[string]int
}

type qpsWindow struct {
	second int64
	calls  int
}

// allow counts a call to path at now, reporting false (and counting a
// throttled answer) when the path's window is full.
func (l *qpsLimit) allow(path string, now time.Time) bool {
	w := l.windows[path]
	if w == nil {
		w = &qpsWindow{}
		l.windows[path] = w
	}
	if sec := now.Unix(); sec != w.second {
		w.second, w.calls = sec, 0
	}
	if w.calls >= l.n {
		l.throttled[path]++
		return false
	}
	w.calls++
	return true
}

// LimitQPS caps every path (session webhooks aside) at n calls per second,
// each path counted on its own, answering calls over the cap with
// DingTalk's throttling answer. LimitQPS(0) throttles every call; a
// negative n removes the cap. The counts of throttled answers start afresh.
func (f *OpenAPI) LimitQPS(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n < 0 {
		f.limit = nil
		return
	}
	f.limit = &qpsLimit{n: n, windows: map[string]*qpsWindow{}, throttled: map[string]int{}}
}

// Throttled counts the throttling answers given under LimitQPS on the
// given paths, or on all paths when none is given.
func (f *OpenAPI) Throttled(paths ...string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limit == nil {
		return 0
	}
	total := 0
	for p, n := range f.limit.throttled {
		if len(paths) == 0 || slices.Contains(paths, p) {
			total += n
		}
	}
	return total
}

// throttle answers as DingTalk does when an app calls an API too often: HTTP
// 403 with Forbidden.AccessDenied.QpsLimitForAppkeyAndApi on the new-style
// API, errcode 90018 (HTTP 200) on the legacy one. The messages are the
// fake's own.
func (f *OpenAPI) throttle(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	msg := "调用该接口的 QPS 超过上限（fake）"
	if f.limit != nil {
		msg = fmt.Sprintf("调用该接口的 QPS 超过上限（fake：每秒 %d 次）", f.limit.n)
	}
	f.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/topapi/") {
		f.legacyError(w, 90018, msg)
		return
	}
	f.apiError(w, http.StatusForbidden, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", msg)
}
