package cli

import (
	"context"
	"errors"
)

// runRemote runs "werkbank remote …".
func runRemote(ctx context.Context, e *Env, args []string) error {
	return errors.New("remote: not built yet")
}

// runAudit runs "werkbank audit …".
func runAudit(ctx context.Context, e *Env, args []string) error {
	return errors.New("audit: not built yet")
}
