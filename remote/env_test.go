package remote

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLocaleEnv(t *testing.T) {
	got := LocaleEnv([]string{"PATH=/usr/bin", "LANG=de_DE.UTF-8", "LANGUAGE=de", "LC_TIME=C", "LC_MESSAGES=de",
		"LC_ALL=", "LC_CTYPE=C.UTF-8", "SSH_AUTH_SOCK=/tmp/agent", "MY_LC_X=de_DE.UTF-8", "LC_TERMINAL_VERSION=3.5.0"})
	want := []string{"LANG=de_DE.UTF-8", "LC_TIME=C", "LC_CTYPE=C.UTF-8"}
	if !slices.Equal(got, want) {
		t.Fatalf("LocaleEnv = %q, want %q", got, want)
	}
}

// The locale reaches commands and shells: the server sets what its
// AcceptEnv allows (LANG, LC_*) and ignores the rest.
func TestLocaleSentToRemote(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, func(c *Config) { c.Env = []string{"LANG=C.UTF-8", "LC_TIME=de_DE.UTF-8", "NOT_ACCEPTED=1"} })
	ctx := context.Background()
	s, err := r.Open(ctx, SessionRequest{Case: "C-30", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out bytes.Buffer
	if _, err := s.Exec(ctx, `echo "$LANG|$LC_TIME|${NOT_ACCEPTED-unset}"`, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != "C.UTF-8|de_DE.UTF-8|unset" {
		t.Fatalf("remote environment %q", got)
	}

	// In the shell, typed umlauts reach the command line (in the C locale
	// bash's line editor drops them).
	inR, inW := io.Pipe()
	defer inW.Close()
	shOut := &syncBuffer{}
	// A guard against a hang (the typed exit lost), not a timing goal.
	shCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sh, err := s.Shell(shCtx, ShellOptions{Term: "xterm", Stdin: inR, Stdout: shOut})
	if err != nil {
		t.Fatal(err)
	}
	// Typed at the prompt, when bash's line editor reads the keys (a line
	// sent before is read by the terminal driver instead).
	io.WriteString(inW, "PS1=RE''ADY'> '\n")
	waitFor(t, shOut, "READY> ")
	for _, r := range "echo \"[gr\u00fc\u00dfe]\"; exit\n" {
		io.WriteString(inW, string(r)) // key by key, as typed
		time.Sleep(5 * time.Millisecond)
	}
	if err := sh.Wait(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(shOut.String(), "[grüße]\r\n") {
		t.Fatalf("shell output %q", shOut.String())
	}
}
