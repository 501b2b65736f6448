package remote

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"werkbank/remote/sshdtest"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func TestExecAudited(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, nil)
	ctx := context.Background()
	s, err := r.Open(ctx, SessionRequest{Case: "C-1", Reason: "ticket 4711, consent by phone", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	res, err := s.Exec(ctx, "echo hello; echo oops >&2; exit 3", &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitStatus != 3 || out.String() != "hello\n" || errOut.String() != "oops\n" {
		t.Fatalf("exit %d, out %q, err %q", res.ExitStatus, out.String(), errOut.String())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	evs := readEvents(t, s.AuditPath)
	if got := eventTypes(evs); !slices.Equal(got, []string{"start", "connect", "exec", "exec_end", "end"}) {
		t.Fatalf("events %v", got)
	}
	st := evs[0]
	if st.Who != "tester" || st.Case != "C-1" || st.Reason != "ticket 4711, consent by phone" || st.Target != srv.Target(t) || st.PublicKey != r.PublicKey() {
		t.Fatalf("start event %+v", st)
	}
	if evs[1].HostKey != ssh.FingerprintSHA256(srv.HostKey) {
		t.Fatalf("connect records %s, server key is %s", evs[1].HostKey, ssh.FingerprintSHA256(srv.HostKey))
	}
	if evs[3].ExitStatus == nil || *evs[3].ExitStatus != 3 || evs[3].DurationMS == nil || evs[3].Command == "" {
		t.Fatalf("exec_end %+v", evs[3])
	}
	res2 := verifyOK(t, r, s.AuditPath)
	if !res2.Ended || res2.Case != "C-1" {
		t.Fatalf("verify result %+v", res2)
	}
	if filepath.Dir(s.AuditPath) != r.AuditDir("C-1") {
		t.Fatalf("audit at %s", s.AuditPath)
	}
}

func TestUnknownHostRefusedThenAccepted(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	ctx := context.Background()
	r := env.remote(t, nil)
	_, err := r.Open(ctx, SessionRequest{Case: "C-1", Reason: "r", Target: srv.Target(t)})
	var unknown *UnknownHostError
	if !errors.As(err, &unknown) {
		t.Fatalf("want UnknownHostError, got %v", err)
	}
	if unknown.Fingerprint != ssh.FingerprintSHA256(srv.HostKey) || !strings.Contains(err.Error(), unknown.Fingerprint) {
		t.Fatalf("error does not name the fingerprint: %v", err)
	}
	// The refusal is on record.
	logs, _ := filepath.Glob(filepath.Join(r.AuditDir("C-1"), "*.jsonl"))
	if len(logs) != 1 {
		t.Fatalf("audit logs %v", logs)
	}
	evs := readEvents(t, logs[0])
	if got := eventTypes(evs); !slices.Equal(got, []string{"start", "error", "end"}) || !strings.Contains(evs[1].Error, "authenticity") {
		t.Fatalf("events %v %+v", got, evs)
	}
	verifyOK(t, r, logs[0])

	var asked string
	r2 := env.remote(t, func(c *Config) {
		c.ConfirmHost = func(host string, key ssh.PublicKey) (bool, error) {
			asked = host + " " + ssh.FingerprintSHA256(key)
			return true, nil
		}
	})
	s, err := r2.Open(ctx, SessionRequest{Case: "C-1", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if asked != srv.Addr()+" "+ssh.FingerprintSHA256(srv.HostKey) {
		t.Fatalf("asked %q", asked)
	}
	kh, err := os.ReadFile(filepath.Join(env.data, "known_hosts"))
	if err != nil || string(kh) != srv.KnownHostsLine() {
		t.Fatalf("known_hosts %q, %v", kh, err)
	}
	// Now known: the first Remote (no confirmation) connects too.
	s, err = r.Open(ctx, SessionRequest{Case: "C-1", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestChangedHostKeyIsHardFailure(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	other := startSSHD(t) // only for its host key
	// known_hosts says the server has the other server's key.
	line := knownhosts.Line([]string{knownhosts.Normalize(srv.Addr())}, other.HostKey) + "\n"
	userKH := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(userKH, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	confirmed := false
	r := env.remote(t, func(c *Config) {
		c.UserKnownHosts = []string{userKH}
		c.ConfirmHost = func(string, ssh.PublicKey) (bool, error) { confirmed = true; return true, nil }
	})
	_, err := r.Open(context.Background(), SessionRequest{Case: "C-2", Reason: "r", Target: srv.Target(t)})
	var changed *HostKeyChangedError
	if !errors.As(err, &changed) {
		t.Fatalf("want HostKeyChangedError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"CHANGED", ssh.FingerprintSHA256(srv.HostKey), ssh.FingerprintSHA256(other.HostKey), userKH + ":1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if confirmed {
		t.Fatal("a changed key must never be offered for confirmation")
	}
	if kh, _ := os.ReadFile(filepath.Join(env.data, "known_hosts")); len(kh) != 0 {
		t.Fatalf("app known_hosts was written: %q", kh)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	env := newTestEnv(t)
	_, otherPub := userKey(t, t.TempDir(), "other", nil)
	srv := startSSHD(t, otherPub) // our key is not authorized
	env.trust(t, srv)
	r := env.remote(t, nil)
	_, err := r.Open(context.Background(), SessionRequest{Case: "C-3", Reason: "r", Target: srv.Target(t)})
	if !errors.Is(err, ErrAuthRefused) {
		t.Fatalf("want ErrAuthRefused, got %v", err)
	}
	// The audit records the refusal and the host key the host showed.
	logs, _ := filepath.Glob(filepath.Join(r.AuditDir("C-3"), "*.jsonl"))
	if len(logs) != 1 {
		t.Fatalf("audit logs %v", logs)
	}
	var refused *Event
	for _, ev := range readEvents(t, logs[0]) {
		if ev.Type == EventError {
			refused = &ev
		}
	}
	if refused == nil || refused.HostKey != ssh.FingerprintSHA256(srv.HostKey) || refused.KeyHost != srv.Target(t) ||
		!strings.Contains(refused.Error, "refused") {
		t.Fatalf("error event %+v", refused)
	}
	verifyOK(t, r, logs[0])
}

func TestEncryptedKeyAsksPassphrase(t *testing.T) {
	env := newTestEnv(t)
	keyFile, pub := userKey(t, t.TempDir(), "enc", []byte("s3cret"))
	srv := startSSHD(t, pub)
	env.trust(t, srv)
	asked := 0
	r := env.remote(t, func(c *Config) {
		c.Auth.IdentityFiles = []string{keyFile}
		c.Auth.Passphrase = func(string) ([]byte, error) { asked++; return []byte("s3cret"), nil }
	})
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-4", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if asked != 1 {
		t.Fatalf("passphrase asked %d times", asked)
	}
	data, _ := os.ReadFile(s.AuditPath)
	if bytes.Contains(data, []byte("s3cret")) {
		t.Fatal("the passphrase reached the audit log")
	}
}

func TestUnusableKeyFilesSkipped(t *testing.T) {
	// A missing key file and an encrypted one whose passphrase the user
	// does not give are skipped, as OpenSSH does; the working key logs in.
	env := newTestEnv(t)
	encFile, _ := userKey(t, t.TempDir(), "enc", []byte("s3cret"))
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	var warnings []string
	r := env.remote(t, func(c *Config) {
		c.Auth.IdentityFiles = []string{filepath.Join(t.TempDir(), "id_missing"), encFile, env.keyFile}
		c.Auth.Passphrase = func(string) ([]byte, error) { return nil, errors.New("cancelled") }
		c.Auth.Warn = func(msg string) { warnings = append(warnings, msg) }
	})
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-4", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if len(warnings) != 2 || !strings.Contains(warnings[0], "id_missing") || !strings.Contains(warnings[1], "cancelled") {
		t.Fatalf("warnings %q", warnings)
	}

	// With no usable key at all, the reasons are the error.
	r = env.remote(t, func(c *Config) {
		c.Auth.IdentityFiles = []string{filepath.Join(t.TempDir(), "id_missing")}
	})
	_, err = r.Open(context.Background(), SessionRequest{Case: "C-4", Reason: "r", Target: srv.Target(t)})
	if err == nil || !strings.Contains(err.Error(), "id_missing") {
		t.Fatalf("no usable key: %v", err)
	}
}

func TestLoginDefaultsToOSUser(t *testing.T) {
	// A target without a user logs in as the operating-system user, as
	// OpenSSH does, not as the display name the audit records.
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, func(c *Config) { c.Who = "Anna Schmidt" })
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-4", Reason: "r", Target: srv.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Route.Target.User != currentUser(t) {
		t.Fatalf("logged in as %q, want %q", s.Route.Target.User, currentUser(t))
	}
	var out bytes.Buffer
	if _, err := s.Exec(context.Background(), "id -un", &out, io.Discard); err != nil || strings.TrimSpace(out.String()) != currentUser(t) {
		t.Fatalf("remote user %q (%v)", out.String(), err)
	}
}

func TestReasonAndCaseRequired(t *testing.T) {
	env := newTestEnv(t)
	r := env.remote(t, nil)
	ctx := context.Background()
	if _, err := r.Open(ctx, SessionRequest{Case: "C-1", Target: "root@127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Fatalf("missing reason: %v", err)
	}
	if _, err := r.Open(ctx, SessionRequest{Case: "../x", Reason: "r", Target: "root@127.0.0.1:1"}); err == nil {
		t.Fatal("a case id that escapes the audit folder was accepted")
	}
}

func TestAuditFailClosed(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, nil)
	// The case's audit folder cannot be created: a file is in the way.
	if err := os.MkdirAll(filepath.Join(env.data, "audit"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.AuditDir("C-5"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "touched")
	_, err := r.Open(context.Background(), SessionRequest{Case: "C-5", Reason: "r", Target: srv.Target(t)})
	if !errors.Is(err, ErrAudit) {
		t.Fatalf("want ErrAudit, got %v", err)
	}

	// The audit breaks mid-session: the command must not run.
	fail := &failingFile{}
	r2 := env.remote(t, func(c *Config) {
		c.openAudit = func(p string) (auditFile, error) {
			f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
			fail.File = f
			return fail, err
		}
	})
	s, err := r2.Open(context.Background(), SessionRequest{Case: "C-6", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	fail.broken = true
	_, err = s.Exec(context.Background(), "touch "+marker, nil, nil)
	if !errors.Is(err, ErrAudit) {
		t.Fatalf("want ErrAudit, got %v", err)
	}
	if _, serr := os.Stat(marker); serr == nil {
		t.Fatal("the command ran although the audit could not be written")
	}
	if _, err := s.Exec(context.Background(), "true", nil, nil); err == nil {
		t.Fatal("the session went on after the audit failed")
	}
	s.Close()
}

// failingFile is an audit file whose writes fail once broken.
type failingFile struct {
	*os.File
	broken bool
}

func (f *failingFile) Write(p []byte) (int, error) {
	if f.broken {
		return 0, errors.New("disk full")
	}
	return f.File.Write(p)
}

func TestDroppedConnectionDuringExec(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	proxy := startProxy(t, srv.Addr())
	env.trustAs(t, proxy.Addr(), srv.HostKey)
	r := env.remote(t, nil)
	ctx := context.Background()
	s, err := r.Open(ctx, SessionRequest{Case: "C-7", Reason: "r", Target: currentUser(t) + "@" + proxy.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, proxy.Cut)
	res, err := s.Exec(ctx, "sleep 20", nil, nil)
	if err == nil || res.ExitStatus != -1 {
		t.Fatalf("exit %d, err %v", res.ExitStatus, err)
	}
	s.Close()
	evs := readEvents(t, s.AuditPath)
	last := evs[len(evs)-2]
	if last.Type != EventExecEnd || last.Error == "" {
		t.Fatalf("the failure is not on record: %+v", last)
	}
	verifyOK(t, r, s.AuditPath)
}

func TestCancelledExecEnds(t *testing.T) {
	// A cancelled command ends even when the remote side ignores the kill
	// (sshd passes no signals to root logins; a child holds the output).
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, nil)
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-8", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := s.Exec(ctx, "trap '' HUP TERM; sleep 30 & wait", io.Discard, io.Discard)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the cancelled command did not end")
	}
	s.Close()
	verifyOK(t, r, s.AuditPath)
}

func TestPromptsDoNotCountAgainstTheConnectTimeout(t *testing.T) {
	// The user may take longer than the connect timeout to compare a
	// fingerprint (or type a passphrase): the handshake waits for them.
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	r := env.remote(t, func(c *Config) {
		c.ConnectTimeout = time.Second
		c.ConfirmHost = func(string, ssh.PublicKey) (bool, error) {
			time.Sleep(2 * time.Second)
			return true, nil
		}
	})
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-9", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	verifyOK(t, r, s.AuditPath)
}

func TestHandshakeClock(t *testing.T) {
	expired := make(chan struct{})
	c := startClock(100*time.Millisecond, func() { close(expired) })
	release := c.hold()
	select {
	case <-expired:
		t.Fatal("expired while held")
	case <-time.After(300 * time.Millisecond):
	}
	release()
	release() // a second call changes nothing
	select {
	case <-expired:
	case <-time.After(5 * time.Second):
		t.Fatal("did not expire after the hold")
	}
	if !c.stop() {
		t.Fatal("stop does not report the expiry")
	}
	c = startClock(time.Hour, func() { t.Error("expired after stop") })
	if c.stop() {
		t.Fatal("stopped clock reports an expiry")
	}
}

func TestHostCertificateTrustedByCA(t *testing.T) {
	// A host that presents a certificate signed by a CA the known_hosts
	// file trusts (@cert-authority) needs no key of its own on record.
	env := newTestEnv(t)
	ca := filepath.Join(t.TempDir(), "host_ca")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	srv := sshdtest.StartWith(t, sshdtest.Options{HostCA: ca}, env.pub)
	caPub, err := os.ReadFile(ca + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(env.data, "known_hosts"), []byte("@cert-authority "+knownhosts.Normalize(srv.Addr())+" "+string(caPub)), 0o600); err != nil {
		t.Fatal(err)
	}
	r := env.remote(t, nil)
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-10", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	verifyOK(t, r, s.AuditPath)

	// Another CA's certificate is refused.
	other := filepath.Join(t.TempDir(), "other_ca")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	otherPub, _ := os.ReadFile(other + ".pub")
	if err := os.WriteFile(filepath.Join(env.data, "known_hosts"), []byte("@cert-authority "+knownhosts.Normalize(srv.Addr())+" "+string(otherPub)), 0o600); err != nil {
		t.Fatal(err)
	}
	r = env.remote(t, nil)
	_, err = r.Open(context.Background(), SessionRequest{Case: "C-10", Reason: "r", Target: srv.Target(t)})
	var unknown *UnknownHostError
	if !errors.As(err, &unknown) || unknown.Fingerprint != ssh.FingerprintSHA256(srv.HostKey) {
		t.Fatalf("a certificate of an untrusted CA: %v", err)
	}
	// ... unless the key inside it is on record, as with OpenSSH.
	line := "@cert-authority " + knownhosts.Normalize(srv.Addr()) + " " + string(otherPub) + srv.KnownHostsLine()
	if err := os.WriteFile(filepath.Join(env.data, "known_hosts"), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = r.Open(context.Background(), SessionRequest{Case: "C-10", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatalf("plain key on record beside another CA: %v", err)
	}
	s.Close()

	// Without any line for the host, its plain key is shown to confirm.
	if err := os.Remove(filepath.Join(env.data, "known_hosts")); err != nil {
		t.Fatal(err)
	}
	var shown string
	r = env.remote(t, func(c *Config) {
		c.ConfirmHost = func(_ string, key ssh.PublicKey) (bool, error) { shown = ssh.FingerprintSHA256(key); return true, nil }
	})
	s, err = r.Open(context.Background(), SessionRequest{Case: "C-10", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if shown != ssh.FingerprintSHA256(srv.HostKey) {
		t.Fatalf("confirmed %q, the host key is %s", shown, ssh.FingerprintSHA256(srv.HostKey))
	}
}
