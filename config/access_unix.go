//go:build unix

package config

import "syscall"

// POSIX access(2) modes; package syscall does not name them.
const (
	accessW = 0x2
	accessX = 0x1
)

// writable asks the kernel whether this process may write path (and, for a
// directory, create files in it), without writing anything.
func writable(path string, dir bool) bool {
	mode := uint32(accessW)
	if dir {
		mode |= accessX
	}
	return syscall.Access(path, mode) == nil
}
