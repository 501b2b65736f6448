package cli

import (
	"context"
	"errors"
)

// runKB runs "werkbank kb …".
func runKB(ctx context.Context, e *Env, args []string) error {
	return errors.New("kb: not built yet")
}
