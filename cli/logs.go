package cli

import (
	"context"
	"errors"
)

// runLogs runs "werkbank logs …".
func runLogs(ctx context.Context, e *Env, args []string) error {
	return errors.New("logs: not built yet")
}
