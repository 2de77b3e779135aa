package i18n

import (
	"fmt"
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
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%d小时%d分%d秒", h, m, s)
	case m > 0:
		return fmt.Sprintf("%d分%d秒", m, s)
	}
	return fmt.Sprintf("%d秒", s)
}

const untilKey Key = "until"
