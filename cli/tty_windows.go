package cli

import (
	"fmt"
	"os"
)

// openTTY opens the console for prompts, apart from redirected standard
// streams.
func openTTY() (in, out *os.File, err error) {
	in, err = os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open the console: %w", err)
	}
	out, err = os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, nil, fmt.Errorf("open the console: %w", err)
	}
	return in, out, nil
}
