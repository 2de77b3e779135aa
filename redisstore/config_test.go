package redisstore_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/redisstore"
)

const password = "s3cr3t-Pw"

func TestBadURLsNameNoPassword(t *testing.T) {
	for _, u := range []string{
		"",
		"http://:" + password + "@127.0.0.1:6379/0",
		"unix://:" + password + "@/tmp/redis.sock",
		"127.0.0.1:6379",
		"redis://:" + password + "@127.0.0.1:6379/notadb",
		"redis://:" + password + "@127.0.0.1:6379/0/1",
		"redis://:" + password + "@127.0.0.1:6379/0?bogus=1",
		"redis://:" + password + "@127.0.0.1:6379/0?dial_timeout=" + password,
		"redis://:" + password + "@127.0.0.1:6379/0?db=" + password,
		"redis://127.0.0.1:6379/0?password=" + password + "&db=x",
		"redis://:" + password + "@127.0.0.1:6379/0?addr=127.0.0.1:6380",
		"redis://:" + password + "@127.0.0.1:x/0",
		"redis://:" + password + "@127.0.0.1 6379/0",
		"redis://:" + password + "%zz@127.0.0.1:6379/0",
		"redis://:" + password + "\x7f@127.0.0.1:6379/0",
		// Unencoded / ? # would put part of the password in the host,
		// path or query, where error messages quote it.
		"redis://:" + password + "/x@127.0.0.1:6379/0",
		"redis://:12?" + password + "@127.0.0.1:6379/0",
		"redis://:" + password + "#x@127.0.0.1:6379/0",
		"rediss://:" + password + "@127.0.0.1:26379/0?master_name=",
		"redis://:" + password + "@127.0.0.1:26379/0?master_name=m&addr=nocolon",
		"redis://:" + password + "@127.0.0.1:26379/0?master_name=m&bogus=" + password,
		"redis://:" + password + "@127.0.0.1:26379/x?master_name=m",
		"redis://:" + password + "@127.0.0.1:26379/0?master_name=m&sentinel_password=" + password,
	} {
		_, err := redisstore.New(redisstore.Config{URL: u})
		if err == nil {
			t.Errorf("New(%q) did not fail", u)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "s3cr3t") || strings.Contains(msg, "Pw") {
			t.Errorf("New(%q): error shows the password: %s", u, msg)
		}
		if !strings.Contains(msg, "state store URL") {
			t.Errorf("New(%q): error %q does not say it is about the state store URL", u, msg)
		}
	}
}

func TestGoodURLs(t *testing.T) {
	for _, u := range []string{
		"redis://127.0.0.1:6379/0",
		"redis://:" + password + "@127.0.0.1:6379/2",
		"redis://user:" + password + "@127.0.0.1:6379",
		"rediss://:" + password + "@redis.example:6380/0",
		"redis://:" + password + "@127.0.0.1:26379/0?master_name=main&addr=127.0.0.1:26380&addr=127.0.0.1:26381",
		"redis://127.0.0.1:26379/0?master_name=main&password=" + password,
		"redis://:p%2Fw%3F%23%40@127.0.0.1:6379/0",
	} {
		s, err := redisstore.New(redisstore.Config{URL: u})
		if err != nil {
			t.Errorf("New(%q): %v", u, err)
			continue
		}
		_ = s.Close()
	}
}

// TestNewMakesNoNetworkCall: the first connection a listener accepts
// after New must be the test's own.
func TestNewMakesNoNetworkCall(t *testing.T) {
	for _, form := range []string{"/0", "/0?master_name=main"} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s, err := redisstore.New(redisstore.Config{URL: "redis://" + l.Addr().String() + form})
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		mine, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		got, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		if got.RemoteAddr().String() != mine.LocalAddr().String() {
			t.Errorf("URL %s: New connected to the server", form)
		}
		_ = got.Close()
		_ = mine.Close()
		_ = l.Close()
	}
}

func TestConfigHidesPassword(t *testing.T) {
	for _, u := range []string{
		"redis://user:" + password + "@127.0.0.1:6379/0",
		"redis://127.0.0.1:26379/0?master_name=m&password=" + password,
		"redis://:" + password + "/x@127.0.0.1:6379/0", // unparseable: shown as nothing
	} {
		c := redisstore.Config{URL: u, KeyPrefix: "p:"}
		var logged bytes.Buffer
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "state", c)
		slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "state", c)
		for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), logged.String()} {
			if strings.Contains(out, password) {
				t.Errorf("URL %q printed as %s", u, out)
			}
			if !strings.Contains(out, "p:") {
				t.Errorf("URL %q printed as %s, without its key prefix", u, out)
			}
		}
	}
	if got := fmt.Sprint(redisstore.Config{URL: "redis://u:" + password + "@h:1/0?a=1&password=" + password}); !strings.Contains(got, "redis://u:<secret>@h:1/0?a=1&password=<secret>") {
		t.Errorf("Config prints as %s, want the URL with <secret> for the passwords", got)
	}
}
