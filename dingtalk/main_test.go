package dingtalk_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves goroutines behind, such as a
// retry loop or token fetch that outlived its call.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
