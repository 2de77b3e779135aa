package fakedingtalk

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a fake leaves goroutines behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
