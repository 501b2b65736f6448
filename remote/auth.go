package remote

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Auth says how to log in. Werkbank never stores or records a secret: keys
// stay in their files or the agent, passphrases and passwords are asked
// through the callbacks each time.
type Auth struct {
	// Agent uses the ssh-agent at AgentSocket (default $SSH_AUTH_SOCK).
	Agent       bool
	AgentSocket string
	// IdentityFiles are private key files tried first (--identity).
	IdentityFiles []string
	// DefaultIdentities tries ~/.ssh/id_ed25519, id_ecdsa and id_rsa when
	// neither IdentityFiles nor the ssh config names a key.
	DefaultIdentities bool
	// Passphrase asks for the passphrase of an encrypted key file.
	Passphrase func(file string) ([]byte, error)
	// Password asks for the password of user@host; nil disables password
	// authentication.
	Password func(user, host string) (string, error)
	// KeyboardInteractive answers keyboard-interactive challenges; nil
	// disables that method.
	KeyboardInteractive func(user, host, instruction string, questions []string, echos []bool) ([]string, error)
	// Warn, if set, hears of a key file that was skipped (missing,
	// unreadable, passphrase not given). As with OpenSSH, the other keys,
	// the agent and the other methods are still tried; when no key at all
	// can be used, the reasons are the error.
	Warn func(msg string)
}

// methods returns the authentication methods for one endpoint and a
// function that releases what they hold (the agent connection). hold is
// called around each prompt (it pauses the handshake's deadline) and
// returns the function that ends the pause.
func (a *Auth) methods(ep Endpoint, home string, hold func() func()) ([]ssh.AuthMethod, func(), error) {
	release := func() {}
	var methods []ssh.AuthMethod
	var agentSigners func() ([]ssh.Signer, error)
	if a.Agent {
		sock := a.AgentSocket
		if sock == "" {
			sock = os.Getenv("SSH_AUTH_SOCK")
		}
		if sock != "" {
			conn, err := net.Dial("unix", sock)
			if err != nil {
				return nil, release, fmt.Errorf("connect to ssh-agent %s: %w", sock, err)
			}
			release = func() { conn.Close() }
			agentSigners = agent.NewClient(conn).Signers
		}
	}
	files := a.keyFiles(ep, home)
	if agentSigners != nil || len(files) > 0 {
		methods = append(methods, ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			var signers []ssh.Signer
			if agentSigners != nil {
				s, err := agentSigners()
				if err != nil {
					return nil, fmt.Errorf("ssh-agent: %w", err)
				}
				signers = append(signers, s...)
			}
			var skipped []error
			for _, f := range files {
				s, err := a.loadKey(f, hold)
				if err != nil {
					skipped = append(skipped, err)
					if a.Warn != nil {
						a.Warn("skipped " + err.Error())
					}
					continue
				}
				signers = append(signers, s)
			}
			if len(signers) == 0 && len(skipped) > 0 {
				return nil, errors.Join(skipped...)
			}
			return signers, nil
		}))
	}
	if a.KeyboardInteractive != nil {
		methods = append(methods, ssh.KeyboardInteractive(func(name, instruction string, questions []string, echos []bool) ([]string, error) {
			defer hold()()
			return a.KeyboardInteractive(ep.User, ep.Host, instruction, questions, echos)
		}))
	}
	if a.Password != nil {
		methods = append(methods, ssh.PasswordCallback(func() (string, error) {
			defer hold()()
			return a.Password(ep.User, ep.Host)
		}))
	}
	if len(methods) == 0 {
		release()
		return nil, func() {}, fmt.Errorf("no way to log in to %s: no ssh-agent, key file or password prompt", ep)
	}
	return methods, release, nil
}

// keyFiles lists the key files to try for ep.
func (a *Auth) keyFiles(ep Endpoint, home string) []string {
	var files []string
	files = append(files, a.IdentityFiles...)
	for _, f := range ep.IdentityFiles {
		files = append(files, expandPath(f, home, ep.Host, ep.User))
	}
	if len(files) == 0 && a.DefaultIdentities && home != "" {
		for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			p := filepath.Join(home, ".ssh", n)
			if _, err := os.Stat(p); err == nil {
				files = append(files, p)
			}
		}
	}
	return files
}

// loadKey reads a private key file, asking for its passphrase (inside
// hold) if it is encrypted.
func (a *Auth) loadKey(file string, hold func() func()) (ssh.Signer, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	s, err := ssh.ParsePrivateKey(pem)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		if a.Passphrase == nil {
			return nil, fmt.Errorf("key %s is encrypted and no passphrase prompt is available", file)
		}
		release := hold()
		pass, perr := a.Passphrase(file)
		release()
		if perr != nil {
			return nil, fmt.Errorf("passphrase for %s: %w", file, perr)
		}
		s, err = ssh.ParsePrivateKeyWithPassphrase(pem, pass)
		clear(pass)
		if err != nil {
			return nil, fmt.Errorf("key %s: wrong passphrase or damaged key: %w", file, err)
		}
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", file, err)
	}
	return s, nil
}
