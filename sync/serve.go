package sync

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"
)

// ServeConfig configures RunServer.
type ServeConfig struct {
	// Addr is the address to listen on, e.g. ":8443" or "127.0.0.1:0".
	Addr string
	// DataDir holds the server's store (ServerDBFile), its blobs and its
	// self-signed certificate.
	DataDir string
	// CertFile and KeyFile name a certificate to use; empty means the
	// server's own self-signed one.
	CertFile, KeyFile string
	// Logger receives the server's log; nil discards it.
	Logger *slog.Logger
	// Ready is called once the server listens, with its address and the
	// SHA-256 fingerprint of its certificate.
	Ready func(addr, fingerprint string)
	// Validators are passed to the server (see ServerConfig).
	Validators map[string]func(Doc) error
}

// RunServer runs the sync server until ctx is cancelled.
func RunServer(ctx context.Context, cfg ServeConfig) (err error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create server data folder: %w", err)
	}
	var cert tls.Certificate
	if cfg.CertFile != "" || cfg.KeyFile != "" {
		cert, err = LoadCertificate(cfg.CertFile, cfg.KeyFile)
	} else {
		cert, err = SelfSignedCertificate(cfg.DataDir)
	}
	if err != nil {
		return err
	}
	store, err := OpenBoltStore(ctx, filepath.Join(cfg.DataDir, ServerDBFile))
	if err != nil {
		return err
	}
	defer closeInto(&err, store)
	srv, err := NewServer(ServerConfig{Store: store, BlobDir: filepath.Join(cfg.DataDir, "blobs"), Logger: cfg.Logger, Validators: cfg.Validators})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr().String(), Fingerprint(cert.Certificate[0]))
	}
	return Serve(ctx, ln, cert, srv.Handler())
}

// AddUser creates (or replaces, with a new token) a user in the server
// store of dataDir and returns the user's token. The server must not be
// running on the same folder (its store file is locked).
func AddUser(ctx context.Context, dataDir, name string, role Role) (_ string, err error) {
	if !nameRE.MatchString(name) {
		return "", fmt.Errorf("invalid user name %q: letters, digits and . _ @ - only", name)
	}
	if !role.Valid() {
		return "", fmt.Errorf("unknown role %q (one of %v)", role, Roles)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("create server data folder: %w", err)
	}
	store, err := OpenBoltStore(ctx, filepath.Join(dataDir, ServerDBFile))
	if err != nil {
		return "", err
	}
	defer closeInto(&err, store)
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	if err := store.PutUser(ctx, User{Name: name, Role: role, TokenHash: hash, Created: time.Now().UTC()}); err != nil {
		return "", err
	}
	return token, nil
}

// ListUsers returns the users of the server store in dataDir.
func ListUsers(ctx context.Context, dataDir string) (_ []User, err error) {
	store, err := OpenBoltStore(ctx, filepath.Join(dataDir, ServerDBFile))
	if err != nil {
		return nil, err
	}
	defer closeInto(&err, store)
	return store.Users(ctx)
}

// closeInto closes c (deferred) and keeps its error in *err unless the
// function failed already.
func closeInto(err *error, c io.Closer) {
	if cerr := c.Close(); *err == nil {
		*err = cerr
	}
}
