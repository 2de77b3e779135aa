// Command signout-bot signs compromised DingTalk accounts out of every
// device, on request from Slack, a DingTalk group or the local console,
// after a policy check and an explicit confirmation. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/signout-bot/signout-bot/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type flags struct {
	config    string
	configSet bool
	check     bool
	console   bool
	verbose   bool
	version   bool
	verify    bool
	files     []string // -verify-audit's
}

func parseFlags(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("signout-bot", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run prints the one error line; -h gets the usage below
	fs.StringVar(&f.config, "config", "config.yaml", "configuration file")
	fs.BoolVar(&f.check, "check", false, "validate the configuration and exit")
	fs.BoolVar(&f.console, "console", false, "chat with the bot in this terminal, as the local admin")
	fs.BoolVar(&f.verbose, "verbose", false, "with -console: log at log.level instead of only warnings and errors")
	fs.BoolVar(&f.version, "version", false, "print the version and exit")
	fs.BoolVar(&f.verify, "verify-audit", false, "check the hash chain of the audit files named after it, oldest first, and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.Usage()
		}
		return f, err
	}
	if f.verify {
		f.files = fs.Args()
	} else if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(fl *flag.Flag) { f.configSet = f.configSet || fl.Name == "config" })
	return f, nil
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "signout-bot: %v; run signout-bot -h for usage\n", err)
		return 2
	}
	if f.version {
		fmt.Fprintln(stdout, version())
		return 0
	}
	if f.verify {
		return verifyAudit(f.files, stdout, stderr)
	}
	if f.check {
		return check(f.config, stdout, stderr)
	}
	cfg, err := loadConfig(f)
	if err != nil {
		printConfigError(stderr, err)
		return 1
	}
	if !f.console && !cfg.Slack.On() && !cfg.DingTalk.StreamOn() {
		fmt.Fprintln(stderr, "signout-bot: nothing to do: neither slack nor dingtalk.stream is enabled (use -console to chat locally)")
		return 1
	}
	if f.console && !f.verbose {
		cfg.Log.Level = quieter(cfg.Log.Level, "warn") // logs would interleave with the chat
	}
	a, err := newApp(cfg, f.console, stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "signout-bot:", err)
		return 1
	}
	return a.run(ctx)
}

// check is -check: every problem and warning, one line each; exit 1 on a problem.
func check(path string, stdout, stderr io.Writer) int {
	warnings, err := config.Check(path)
	if err == nil {
		err = checkState(path)
	}
	if err != nil {
		printConfigError(stderr, err)
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, w)
	}
	if err != nil {
		return 1
	}
	fmt.Fprintln(stdout, "config OK")
	return 0
}

// checkState parses state.redis_url as the store will at start-up (no
// connection is made), so that -check finds what config's own shape
// check can't.
func checkState(path string) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	st, err := openState(cfg.State, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		return err
	}
	return st.close()
}

func printConfigError(stderr io.Writer, err error) {
	var p config.Problems
	if !errors.As(err, &p) {
		p = config.Problems{err.Error()}
	}
	for _, line := range p {
		fmt.Fprintln(stderr, line)
	}
}

// loadConfig reads the config file. The console without an explicit
// -config runs on defaults (dry run, no accounts) even when a config.yaml
// is present: the README's first command must never go live by surprise.
func loadConfig(f flags) (*config.Config, error) {
	if f.console && !f.configSet {
		return config.Default(), nil
	}
	return config.Load(f.config)
}

// quieter returns the higher of two slog level names.
func quieter(a, b string) string {
	var la, lb slog.Level
	_ = la.UnmarshalText([]byte(a)) // validated by config
	_ = lb.UnmarshalText([]byte(b))
	if la > lb {
		return a
	}
	return b
}
