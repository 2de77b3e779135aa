package contacts_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves goroutines behind (the
// DingTalk client's connections to the fake, say).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
