package remote

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// goServer is an in-process SSH server for what sshd cannot easily do in
// a test: password and keyboard-interactive logins with known answers.
// It authenticates and then refuses every channel.
func goServer(t *testing.T, cfg *ssh.ServerConfig) (string, ssh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				sc, chans, reqs, err := ssh.NewServerConn(c, cfg)
				if err != nil {
					return
				}
				defer sc.Close()
				go ssh.DiscardRequests(reqs)
				for ch := range chans {
					_ = ch.Reject(ssh.Prohibited, "test server") // the client learns it from the error
				}
			}()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return l.Addr().String(), signer.PublicKey()
}

func TestPasswordAndKeyboardInteractive(t *testing.T) {
	env := newTestEnv(t)
	var conns []ssh.ConnMetadata
	var mu sync.Mutex
	addr, hostKey := goServer(t, &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, pass []byte) (*ssh.Permissions, error) {
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			if c.User() == "anna" && string(pass) == "s3cret" {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		},
		KeyboardInteractiveCallback: func(c ssh.ConnMetadata, ch ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			ans, err := ch(c.User(), "Second factor", []string{"OTP: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if c.User() == "otp" && len(ans) == 1 && ans[0] == "123456" {
				return nil, nil
			}
			return nil, errors.New("wrong code")
		},
	})
	env.trustAs(t, addr, hostKey)
	ctx := context.Background()

	var asked []string
	r := env.remote(t, func(c *Config) {
		c.Auth = Auth{Password: func(user, host string) (string, error) {
			asked = append(asked, user+"@"+host)
			if user == "anna" {
				return "s3cret", nil
			}
			return "nope", nil
		}}
	})
	s, err := r.Open(ctx, SessionRequest{Case: "C-40", Reason: "r", Target: "anna@" + addr})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if len(asked) != 1 || asked[0] != "anna@127.0.0.1" {
		t.Fatalf("asked %v", asked)
	}
	data, _ := os.ReadFile(s.AuditPath)
	if bytes.Contains(data, []byte("s3cret")) {
		t.Fatal("the password reached the audit")
	}
	if _, err := r.Open(ctx, SessionRequest{Case: "C-40", Reason: "r", Target: "bob@" + addr}); !errors.Is(err, ErrAuthRefused) {
		t.Fatalf("wrong password: %v", err)
	}

	var questions []string
	r2 := env.remote(t, func(c *Config) {
		c.Auth = Auth{KeyboardInteractive: func(user, host, instruction string, qs []string, echos []bool) ([]string, error) {
			questions = append(questions, fmt.Sprintf("%s|%v|%v", instruction, qs, echos))
			return []string{"123456"}, nil
		}}
	})
	s, err = r2.Open(ctx, SessionRequest{Case: "C-40", Reason: "r", Target: "otp@" + addr})
	if err != nil {
		t.Fatal(err)
	}
	// The server refuses channels: a command fails with a clear error,
	// and the failure is on record.
	if _, err := s.Exec(ctx, "true", nil, nil); err == nil {
		t.Fatal("exec on a server that refuses channels succeeded")
	}
	s.Close()
	if len(questions) != 1 || questions[0] != "Second factor|[OTP: ]|[false]" {
		t.Fatalf("questions %v", questions)
	}
	verifyOK(t, r2, s.AuditPath)
}

func TestAgentAuthentication(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	// An in-process agent holding the user key; no key file is given.
	keyring := agent.NewKeyring()
	pem, err := os.ReadFile(env.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ssh.ParseRawPrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyring.Add(agent.AddedKey{PrivateKey: raw}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); defer c.Close(); _ = agent.ServeAgent(keyring, c) }()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	t.Setenv("SSH_AUTH_SOCK", sock)
	r := env.remote(t, func(c *Config) { c.Auth = Auth{Agent: true} })
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-41", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := s.Exec(context.Background(), "echo agent-ok", &out, nil); err != nil || out.String() != "agent-ok\n" {
		t.Fatalf("exec: %q %v", out.String(), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
