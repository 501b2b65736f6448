//go:build !linux

package remote

import "os"

// reserveSpace has no portable equivalent outside Linux: the writes
// allocate as they go.
func reserveSpace(f *os.File, size int64) error { return nil }

// startWriteback has no portable equivalent outside Linux: the final fsync
// writes the whole file.
func startWriteback(f *os.File, off, n int64) bool { return false }
