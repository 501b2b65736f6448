package cli

import (
	"context"
	"errors"
)

// runServe runs "werkbank serve …".
func runServe(ctx context.Context, e *Env, args []string) error {
	return errors.New("serve: not built yet")
}

// runSync runs "werkbank sync …".
func runSync(ctx context.Context, e *Env, args []string) error {
	return errors.New("sync: not built yet")
}
