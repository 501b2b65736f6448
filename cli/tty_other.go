//go:build !windows

package cli

import (
	"fmt"
	"os"
)

// openTTY opens the controlling terminal for prompts, apart from
// redirected standard streams.
func openTTY() (in, out *os.File, err error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open the terminal: %w", err)
	}
	return tty, tty, nil
}
