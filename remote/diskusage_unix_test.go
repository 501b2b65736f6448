//go:build unix

package remote

import (
	"os"
	"syscall"
)

// diskUsage is the disk space a file occupies (its allocated blocks).
func diskUsage(st os.FileInfo) int64 {
	return st.Sys().(*syscall.Stat_t).Blocks * 512
}
