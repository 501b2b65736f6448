package cli

import (
	"context"
	"errors"
)

// runCase runs "werkbank case …".
func runCase(ctx context.Context, e *Env, args []string) error {
	return errors.New("case: not built yet")
}
