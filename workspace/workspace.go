// Package workspace resolves Werkbank's data folder and opens the one bbolt
// file that the domain stores share.
//
// Each domain package (kb, cases, sync, …) owns its own buckets inside that
// file and declares them, with its schema version, in one file of its own.
// The workspace only opens and closes the file; it never touches a bucket.
package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// EnvVar names the environment variable that selects the data folder when
// no --data flag is given.
const EnvVar = "WERKBANK_DATA"

// DBFile is the name of the bbolt file inside the data folder.
const DBFile = "werkbank.db"

// ErrInUse reports that another Werkbank process holds the data folder.
var ErrInUse = errors.New("the data folder is in use by another Werkbank process")

// Config says where the workspace lives.
type Config struct {
	// Dir is the data folder. Empty means: $WERKBANK_DATA, else the user's
	// configuration folder plus "werkbank".
	Dir string
	// LockTimeout is how long Open waits for another process to release the
	// bbolt file. Zero means one second.
	LockTimeout time.Duration
}

// Workspace is an open data folder.
type Workspace struct {
	// Dir is the absolute path of the data folder.
	Dir string
	// DB is the shared bbolt file. Packages use only their own buckets.
	DB *bolt.DB
	// Fresh is true when Open created the bbolt file, i.e. on first start.
	Fresh bool
}

// ResolveDir returns the data folder for a --data flag value, following the
// order flag, $WERKBANK_DATA, user configuration folder.
func ResolveDir(flag string) (string, error) {
	dir := flag
	if dir == "" {
		dir = os.Getenv(EnvVar)
	}
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the user's configuration folder (set --data or %s): %w", EnvVar, err)
		}
		dir = filepath.Join(base, "werkbank")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data folder %s: %w", dir, err)
	}
	return abs, nil
}

// Open creates the data folder if needed and opens its bbolt file.
func Open(ctx context.Context, cfg Config) (*Workspace, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir, err := ResolveDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, DBFile)
	_, statErr := os.Stat(path)
	fresh := errors.Is(statErr, os.ErrNotExist)
	timeout := cfg.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("open %s: %w", path, ErrInUse)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &Workspace{Dir: dir, DB: db, Fresh: fresh}, nil
}

// Path returns a path inside the data folder.
func (w *Workspace) Path(elem ...string) string {
	return filepath.Join(append([]string{w.Dir}, elem...)...)
}

// Close closes the bbolt file.
func (w *Workspace) Close() error {
	if err := w.DB.Close(); err != nil {
		return fmt.Errorf("close %s: %w", w.Path(DBFile), err)
	}
	return nil
}
