package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"werkbank/cases"
	"werkbank/remote"
	"werkbank/workspace"
)

// runRemote runs "werkbank remote …".
func runRemote(ctx context.Context, e *Env, args []string) error {
	return sub(ctx, e, "remote", args, map[string]func(context.Context, *Env, []string) error{
		"exec":    remoteExec,
		"collect": remoteCollect,
		"shell":   remoteShell,
	})
}

// remoteFlags are the flags every remote command shares.
type remoteFlags struct {
	caseID     string
	reason     string
	identities multi
	knownHosts multi
	acceptNew  bool
	jump       string
	sshConfig  string
	timeout    time.Duration
}

const remoteHelp = `Every session belongs to a case (--case) and names a reason (--reason: the
customer's consent or ticket reference). The audit log <data>/audit/<case>/<session>.jsonl
records the start before anything happens, then every action, and the signed end.

Host keys are checked against ~/.ssh/known_hosts (read only) and <data>/known_hosts;
an unknown host is refused unless --accept-new is given (its SHA-256 fingerprint is
printed and remembered in <data>/known_hosts). A changed host key always fails.
Login uses the ssh-agent ($SSH_AUTH_SOCK), --identity files, the keys named in
~/.ssh/config or ~/.ssh/id_*, and asks for passphrases and passwords on the terminal.
USER@HOST may be a Host alias from ~/.ssh/config (HostName, User, Port, IdentityFile,
ProxyJump are honoured).`

func (rf *remoteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&rf.caseID, "case", "", "the case the session belongs to (required)")
	fs.StringVar(&rf.reason, "reason", "", "the customer's consent or ticket reference (required)")
	fs.Var(&rf.identities, "identity", "private key file (repeatable)")
	fs.Var(&rf.knownHosts, "known-hosts", "read-only known_hosts file instead of ~/.ssh/known_hosts (repeatable)")
	fs.BoolVar(&rf.acceptNew, "accept-new", false, "accept and remember the key of a host that is not known yet (on a terminal you are asked; $WERKBANK_BATCH=1 never asks)")
	fs.StringVar(&rf.jump, "jump", "", "jump hosts USER@HOST[:PORT],… (overrides ProxyJump; \"none\" disables it)")
	fs.StringVar(&rf.sshConfig, "ssh-config", "", "OpenSSH client configuration (default ~/.ssh/config; \"none\" for none)")
	fs.DurationVar(&rf.timeout, "timeout", 20*time.Second, "time allowed to connect and log in, per host")
}

// check reports missing required flags as a usage error.
func (rf *remoteFlags) check() error {
	switch {
	case rf.caseID == "":
		return usagef("--case is required: every remote session belongs to a case")
	case strings.TrimSpace(rf.reason) == "":
		return usagef("--reason is required: name the customer's consent or the ticket reference")
	}
	return nil
}

// remoteSetup is an opened Remote with its case store.
type remoteSetup struct {
	ws     *workspace.Workspace
	store  *cases.Store
	remote *remote.Remote
	who    string
}

func (s *remoteSetup) close() error {
	if s.ws == nil {
		return nil
	}
	err := s.ws.Close()
	s.ws = nil
	return err
}

// openRemote opens the workspace, checks that the case exists and builds
// the Remote. keepOpen=false closes the workspace again (for long sessions
// that must not hold the data folder).
//
// A shell (keepOpen=false) also starts while the app holds the data folder
// (the app's "open in system terminal"): the case cannot be checked then,
// which a note says; the app has checked it.
func openRemote(ctx context.Context, e *Env, rf *remoteFlags, keepOpen bool) (*remoteSetup, error) {
	ws, store, err := caseStore(ctx, e)
	if errors.Is(err, workspace.ErrInUse) && !keepOpen {
		return openRemoteInUse(e, rf)
	}
	if err != nil {
		return nil, err
	}
	set := &remoteSetup{ws: ws, store: store, who: caseUser()}
	if _, err := store.Get(ctx, rf.caseID); err != nil {
		set.close()
		if errors.Is(err, cases.ErrNotFound) {
			return nil, fmt.Errorf("unknown case %q (werkbank case list shows the cases)", rf.caseID)
		}
		return nil, err
	}
	cfg, err := remoteConfig(e, rf, ws.Dir, set.who)
	if err != nil {
		set.close()
		return nil, err
	}
	if keepOpen {
		cfg.Sink = caseSink{store: store, who: set.who}
	}
	set.remote, err = remote.New(cfg)
	if err != nil {
		set.close()
		return nil, err
	}
	if !keepOpen {
		if err := set.close(); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// openRemoteInUse builds the Remote without the case store.
func openRemoteInUse(e *Env, rf *remoteFlags) (*remoteSetup, error) {
	dir, err := workspace.ResolveDir(e.dataFlag)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.Stderr, "werkbank: the data folder is in use by the app; case %s is not checked here, the session is audited under it\n", rf.caseID)
	set := &remoteSetup{who: caseUser()}
	cfg, err := remoteConfig(e, rf, dir, set.who)
	if err != nil {
		return nil, err
	}
	if set.remote, err = remote.New(cfg); err != nil {
		return nil, err
	}
	return set, nil
}

// remoteConfig builds the remote configuration from the flags.
func remoteConfig(e *Env, rf *remoteFlags, dataDir, who string) (remote.Config, error) {
	home, _ := os.UserHomeDir() // without a home folder, only explicit files are used
	cfg := remote.Config{DataDir: dataDir, Who: who, Home: home, ConnectTimeout: rf.timeout, Env: remote.LocaleEnv(os.Environ())}
	cfg.UserKnownHosts = rf.knownHosts
	if len(cfg.UserKnownHosts) == 0 && home != "" {
		cfg.UserKnownHosts = []string{filepath.Join(home, ".ssh", "known_hosts")}
	}
	cfgFile := rf.sshConfig
	if cfgFile == "" && home != "" {
		cfgFile = filepath.Join(home, ".ssh", "config")
	}
	if cfgFile != "" && cfgFile != "none" {
		sc, err := remote.ReadSSHConfig(cfgFile)
		if err != nil {
			return cfg, err
		}
		cfg.SSHConfig = sc
	}
	if rf.acceptNew {
		cfg.ConfirmHost = func(host string, key ssh.PublicKey) (bool, error) {
			fmt.Fprintf(e.Stderr, "werkbank: new host %s, %s key fingerprint %s: accepted (--accept-new) and remembered\n",
				host, key.Type(), ssh.FingerprintSHA256(key))
			return true, nil
		}
	}
	cfg.Auth = remote.Auth{Agent: true, IdentityFiles: rf.identities, DefaultIdentities: true,
		Warn: func(msg string) { fmt.Fprintf(e.Stderr, "werkbank: %s\n", msg) }}
	if in, out, err := openTTY(); err == nil && os.Getenv(BatchEnvVar) == "" {
		p := &ttyPrompt{in: in, out: out}
		cfg.Auth.Passphrase = p.passphrase
		cfg.Auth.Password = p.password
		cfg.Auth.KeyboardInteractive = p.challenge
		if !rf.acceptNew {
			// As OpenSSH does on a terminal (the app's "open in system
			// terminal" relies on it): the user compares the fingerprint.
			cfg.ConfirmHost = p.confirmHost
		}
	}
	return cfg, nil
}

// BatchEnvVar, when set to anything, keeps the remote commands from asking
// on the terminal (host keys, passphrases, passwords), as OpenSSH's
// BatchMode: for scripts, and for tests run from a terminal.
const BatchEnvVar = "WERKBANK_BATCH"

// ttyPrompt asks for secrets on the controlling terminal without echo.
// The process keeps the terminal open until it exits.
type ttyPrompt struct {
	in, out *os.File
	// afterCR is set when the last answer ended at a carriage return: a
	// line feed right after it (Windows' console sends both) is not the
	// next answer.
	afterCR bool
}

func (p *ttyPrompt) read(prompt string, echo bool) (string, error) {
	fmt.Fprint(p.out, prompt)
	if echo {
		var b []byte
		buf := make([]byte, 1)
		for {
			n, err := p.in.Read(buf)
			if err != nil {
				return "", fmt.Errorf("read answer: %w", err)
			}
			afterCR := p.afterCR
			p.afterCR = false
			if n == 1 && buf[0] == '\n' && afterCR && len(b) == 0 {
				continue
			}
			if n == 1 && (buf[0] == '\n' || buf[0] == '\r') {
				p.afterCR = buf[0] == '\r'
				return string(b), nil
			}
			b = append(b, buf[:n]...)
		}
	}
	secret, err := term.ReadPassword(int(p.in.Fd()))
	fmt.Fprintln(p.out)
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	return string(secret), nil
}

// confirmHost shows an unknown host's key fingerprint and asks whether to
// trust it; only "yes" does.
func (p *ttyPrompt) confirmHost(host string, key ssh.PublicKey) (bool, error) {
	fmt.Fprintf(p.out, "The authenticity of host %s can't be established.\n%s key fingerprint is %s.\n",
		host, key.Type(), ssh.FingerprintSHA256(key))
	for {
		answer, err := p.read("Are you sure you want to continue connecting (yes/no)? ", true)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "yes":
			return true, nil
		case "no", "":
			return false, nil
		}
	}
}

func (p *ttyPrompt) passphrase(file string) ([]byte, error) {
	s, err := p.read(fmt.Sprintf("Passphrase for key %s: ", file), false)
	return []byte(s), err
}

func (p *ttyPrompt) password(user, host string) (string, error) {
	return p.read(fmt.Sprintf("Password for %s@%s: ", user, host), false)
}

func (p *ttyPrompt) challenge(user, host, instruction string, questions []string, echos []bool) ([]string, error) {
	if instruction != "" {
		fmt.Fprintf(p.out, "%s@%s: %s\n", user, host, instruction)
	}
	answers := make([]string, len(questions))
	for i, q := range questions {
		a, err := p.read(q, echos[i])
		if err != nil {
			return nil, err
		}
		answers[i] = a
	}
	return answers, nil
}

// caseSink attaches collected files to the case.
type caseSink struct {
	store *cases.Store
	who   string
}

func (c caseSink) AttachFile(ctx context.Context, caseID string, f remote.CollectedFile) error {
	return c.store.Attach(ctx, caseID, cases.Attachment{
		Name: f.Name, SHA256: f.SHA256, Size: f.Size, By: c.who,
		Source: "sftp://" + f.Host + "/" + strings.TrimPrefix(f.RemotePath, "/"),
	})
}

// logSession adds the session's activity act to the case's activities. The workspace may
// be reopened for it; if the data folder is in use (the app is open) the
// audit log alone records the session and a note says so.
func logSession(ctx context.Context, e *Env, set *remoteSetup, caseID string, s *remote.Session, act cases.Activity) error {
	if set.ws == nil {
		ws, store, err := caseStore(ctx, e)
		if errors.Is(err, workspace.ErrInUse) {
			fmt.Fprintf(e.Stderr, "werkbank: the data folder is in use; the session is in the audit log %s but not yet in the case's activities\n", s.AuditPath)
			return nil
		}
		if err != nil {
			return err
		}
		set.ws, set.store = ws, store
	}
	_, err := set.store.AddActivity(ctx, caseID, act)
	return err
}
