package i18n

import (
	"fmt"
	"strings"
	"time"
)

// Until says when something expires: "06:14 UTC, in 2m0s", "06:14 UTC（2分0秒后）".
func (p *Printer) Until(at, now time.Time) string {
	return p.Text(M(untilKey, Raw(at.UTC().Format("15:04")), Raw(p.Duration(at.Sub(now)))))
}

// Duration says d to the second: "2m0s", "2分0秒". A time already past
// is "0s": nothing is left.
func (p *Printer) Duration(d time.Duration) string {
	d = max(d.Round(time.Second), 0)
	if p.lang != ZH {
		return d.String()
	}
	// "2分钟", "1分30秒", "1小时5分钟": a zero part is left out, as people say it.
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%d小时", h)
	}
	switch {
	case m > 0 && s == 0:
		fmt.Fprintf(&b, "%d分钟", m)
	case m > 0:
		fmt.Fprintf(&b, "%d分%d秒", m, s)
	case s > 0 || h == 0:
		fmt.Fprintf(&b, "%d秒", s)
	}
	return b.String()
}

const untilKey Key = "until"
