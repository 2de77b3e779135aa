// Package ops is what an operator looks at: /healthz, /readyz and
// Prometheus /metrics.
package ops

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds signout-bot's Prometheus metrics. It implements
// bot.Observer and the DingTalk client's observer.
type Metrics struct {
	Registry *prometheus.Registry

	commands      *prometheus.CounterVec
	signOuts      *prometheus.HistogramVec
	apiCalls      *prometheus.CounterVec
	apiRetries    *prometheus.CounterVec
	apiThrottled  *prometheus.CounterVec
	auditFailures prometheus.Counter
	storeCalls    *prometheus.HistogramVec
	storeErrors   *prometheus.CounterVec
}

// NewMetrics registers every metric, plus the Go and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signoutbot_commands_total",
			Help: "Commands and confirmations by platform and outcome.",
		}, []string{"platform", "outcome"}),
		signOuts: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "signoutbot_signout_duration_seconds",
			Help:    "Time of the DingTalk sign-out call, retries included, by outcome.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"outcome"}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signoutbot_dingtalk_api_calls_total",
			Help: "DingTalk OpenAPI attempts by endpoint and error code (\"ok\" on success).",
		}, []string{"endpoint", "code"}),
		apiRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signoutbot_dingtalk_api_retries_total",
			Help: "DingTalk OpenAPI retries by endpoint.",
		}, []string{"endpoint"}),
		apiThrottled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signoutbot_dingtalk_api_throttled_total",
			Help: "DingTalk answers that the bot was over the app's call rate (waited out and retried, never a failure), by endpoint.",
		}, []string{"endpoint"}),
		auditFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "signoutbot_audit_write_failures_total",
			Help: "Audit records that could not be written. Alert on any.",
		}),
		storeCalls: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "signoutbot_state_store_duration_seconds",
			Help:    "Round trips to the shared state store (Redis) by operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 3},
		}, []string{"op"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signoutbot_state_store_errors_total",
			Help: "State store round trips that failed (unreachable, timed out, not replicated) by operation. Alert on a rate.",
		}, []string{"op"}),
	}
	m.Registry.MustRegister(m.commands, m.signOuts, m.apiCalls, m.apiRetries, m.apiThrottled, m.auditFailures, m.storeCalls, m.storeErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Command implements bot.Observer.
func (m *Metrics) Command(platform, outcome string) {
	m.commands.WithLabelValues(platform, outcome).Inc()
}

// SignOut implements bot.Observer.
func (m *Metrics) SignOut(outcome string, seconds float64) {
	m.signOuts.WithLabelValues(outcome).Observe(seconds)
}

// WatchPending exports the number of requests waiting for confirmation,
// read from pending at each scrape.
func (m *Metrics) WatchPending(pending func() int) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "signoutbot_pending_confirmations",
		Help: "Sign-out requests waiting for confirmation.",
	}, func() float64 { return float64(pending()) }))
}

// AuditFailure implements bot.Observer.
func (m *Metrics) AuditFailure() { m.auditFailures.Inc() }

// StoreCall records one round trip to the state store; op is a fixed
// word ("add", "move", ...), never a key or a URL.
func (m *Metrics) StoreCall(op string, seconds float64, err error) {
	m.storeCalls.WithLabelValues(op).Observe(seconds)
	if err != nil {
		m.storeErrors.WithLabelValues(op).Inc()
	}
}

// APICall counts one DingTalk attempt; code is "ok" on success.
func (m *Metrics) APICall(endpoint, code string) { m.apiCalls.WithLabelValues(endpoint, code).Inc() }

// APIThrottled counts one DingTalk answer that the bot was over its rate.
func (m *Metrics) APIThrottled(endpoint string) { m.apiThrottled.WithLabelValues(endpoint).Inc() }

// APIRetry counts one DingTalk retry.
func (m *Metrics) APIRetry(endpoint string) { m.apiRetries.WithLabelValues(endpoint).Inc() }

// WatchConnection exports a platform's connection state, read from
// connected at each scrape, as signoutbot_platform_connected{platform}.
func (m *Metrics) WatchConnection(platform string, connected func() bool) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "signoutbot_platform_connected",
		Help:        "1 while the platform connection is up.",
		ConstLabels: prometheus.Labels{"platform": platform},
	}, func() float64 {
		if connected() {
			return 1
		}
		return 0
	}))
}
