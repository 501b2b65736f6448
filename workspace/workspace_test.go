package workspace

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestResolveDirOrder(t *testing.T) {
	env := t.TempDir()
	t.Setenv(EnvVar, env)
	flag := t.TempDir()
	if got, _ := ResolveDir(flag); got != flag {
		t.Errorf("flag: got %s, want %s", got, flag)
	}
	if got, _ := ResolveDir(""); got != env {
		t.Errorf("env: got %s, want %s", got, env)
	}
	t.Setenv(EnvVar, "")
	t.Setenv("XDG_CONFIG_HOME", env)
	t.Setenv("HOME", env)
	got, err := ResolveDir("")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(got) != "werkbank" {
		t.Errorf("default: got %s, want …/werkbank", got)
	}
}

func TestOpenFreshThenExistingAndLocked(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	ws, err := Open(ctx, Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !ws.Fresh {
		t.Error("first open should be fresh")
	}
	if ws.Path("index") != filepath.Join(dir, "index") {
		t.Errorf("Path: %s", ws.Path("index"))
	}
	// A second process (here: a second open) is refused with a clear error.
	_, err = Open(ctx, Config{Dir: dir, LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: got %v, want ErrInUse", err)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	ws, err = Open(ctx, Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if ws.Fresh {
		t.Error("reopen should not be fresh")
	}
}
