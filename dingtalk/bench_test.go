package dingtalk_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// BenchmarkSignOut measures one sign-out with a cached token against the fake
// over loopback HTTP: client encoding, transport, decoding (and the fake).
func BenchmarkSignOut(b *testing.B) {
	f := fakedingtalk.NewOpenAPI(b)
	f.AddUser(alice)
	c, err := dingtalk.New(dingtalk.Config{
		APIURL: f.URL(), OAPIURL: f.URL(),
		ClientID: fakedingtalk.ClientID, ClientSecret: fakedingtalk.ClientSecret,
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.SignOut(ctx, alice.UserID, "benchmark", nil); err != nil {
			b.Fatal(err)
		}
	}
}
