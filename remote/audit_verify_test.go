package remote

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// auditFixture writes a complete, valid log: start, connect, 9 exec
// events, a shell with its recording, and the end; checkpoints every 4.
func auditFixture(t *testing.T, key ed25519.PrivateKey) (logPath, recDir string) {
	t.Helper()
	dir := t.TempDir()
	recDir = filepath.Join(dir, "recordings")
	logPath = filepath.Join(dir, "audit", "C-1", "s1.jsonl")
	l, err := createAuditLog(logPath, "s1", key, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := PublicKeyString(key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(l.Append(Event{Type: EventStart, Case: "C-1", Who: "anna", PublicKey: pub, Target: "root@erp:22", Reason: "ticket 1"}))
	must(l.Append(Event{Type: EventConnect, HostKey: "SHA256:abc", HostKeyType: "ssh-ed25519"}))
	for i := 0; i < 9; i++ {
		zero := 0
		must(l.Append(Event{Type: EventExecEnd, Command: "ls /var/log", ExitStatus: &zero}))
	}
	rec, err := newRecorder(filepath.Join(recDir, "s1.cast"), 80, 24, "xterm", "t")
	must(err)
	if _, err := rec.Write([]byte("hello\r\n")); err != nil {
		t.Fatal(err)
	}
	sum, size, err := rec.Close()
	must(err)
	must(l.Append(Event{Type: EventShellEnd, Recording: "s1.cast", SHA256: sum, Size: &size}))
	must(l.End(Event{}))
	return logPath, recDir
}

func fixtureLines(t *testing.T, p string) []string {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	return lines[:len(lines)-1]
}

func writeLines(t *testing.T, p string, lines []string) {
	t.Helper()
	out := strings.Join(lines, "")
	if err := os.WriteFile(p, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
}

func newKey(t *testing.T) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestVerifyValidLog(t *testing.T) {
	key := newKey(t)
	p, rec := auditFixture(t, key)
	pub, _ := PublicKeyString(key.Public().(ed25519.PublicKey))
	res, err := VerifyFile(p, VerifyOptions{RecordingsDir: rec, TrustedKeys: []string{fingerprintOf(t, pub)}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || !res.Ended || res.Case != "C-1" || res.Session != "s1" {
		t.Fatalf("%+v", res)
	}
	// Without its key among the trusted ones, the same log is a forgery
	// as far as anyone can tell: re-signed logs verify otherwise.
	res, err = VerifyFile(p, VerifyOptions{RecordingsDir: rec})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || res.Problems[0].Kind != ProblemUntrusted {
		t.Fatalf("untrusted signer: %v", res.Problems)
	}
	var checkpoints int
	for _, l := range fixtureLines(t, p) {
		if strings.Contains(l, `"type":"checkpoint"`) {
			checkpoints++
		}
	}
	if checkpoints != 3 {
		t.Fatalf("%d checkpoints", checkpoints)
	}
}

// TestVerifyTampering damages a valid log in every way the issue names and
// checks that Verify says what and where.
func TestVerifyTampering(t *testing.T) {
	key := newKey(t)
	other := newKey(t)
	otherPub, _ := PublicKeyString(other.Public().(ed25519.PublicKey))
	cases := []struct {
		name   string
		tamper func(lines []string, recDir string) []string
		kind   ProblemKind
		line   int
		detail string
	}{
		{"changed value", func(l []string, _ string) []string {
			l[5] = strings.Replace(l[5], "ls /var/log", "rm -rf /tmp", 1)
			return l
		}, ProblemChanged, 6, "does not match the hash recorded in the next event (line 7)"},
		{"changed formatting", func(l []string, _ string) []string {
			l[2] = strings.Replace(l[2], `"seq":2,`, `"seq": 2,`, 1)
			return l
		}, ProblemChanged, 3, "edited"},
		{"changed start (rewritten chain)", func(l []string, _ string) []string {
			return rechain(t, l, func(i int, ev *Event) {
				if i == 0 {
					ev.Reason = "no reason"
				}
			})
		}, ProblemSignature, 5, "does not verify"},
		{"deleted event", func(l []string, _ string) []string {
			return append(l[:3], l[4:]...)
		}, ProblemDeleted, 4, "event seq 3 is missing"},
		{"deleted start", func(l []string, _ string) []string {
			return l[1:]
		}, ProblemDeleted, 1, "does not begin with its start event"},
		{"reordered", func(l []string, _ string) []string {
			l[3], l[4] = l[4], l[3]
			return l
		}, ProblemReordered, 4, "seq 4 comes before seq 3"},
		{"truncated", func(l []string, _ string) []string {
			return l[:len(l)-2]
		}, ProblemTruncated, len(fixtureLinesCount) - 2, "without its signed end event"},
		{"truncated mid-line", func(l []string, _ string) []string {
			last := l[len(l)-1]
			l[len(l)-1] = last[:len(last)/2]
			return l
		}, ProblemTruncated, len(fixtureLinesCount), "incomplete"},
		{"bad signature", func(l []string, _ string) []string {
			i := len(l) - 1
			l[i] = strings.Replace(l[i], `"sig":"`, `"sig":"AAAA`, 1)
			return l
		}, ProblemSignature, len(fixtureLinesCount), "does not verify"},
		{"end changed", func(l []string, _ string) []string {
			i := len(l) - 1
			l[i] = strings.Replace(l[i], `"type":"end"`, `"type":"end","error":"x"`, 1)
			return l
		}, ProblemSignature, len(fixtureLinesCount), "does not verify"},
		{"foreign key", func(l []string, _ string) []string {
			return rechainWith(t, l, other, func(i int, ev *Event) {
				if i == 0 {
					ev.PublicKey = otherPub
				}
			})
		}, ProblemUntrusted, 1, "not trusted"},
		{"start names a certificate", func(l []string, _ string) []string {
			return rechain(t, l, func(i int, ev *Event) {
				if i == 0 {
					ev.PublicKey = certKey(t, other)
				}
			})
		}, ProblemChanged, 1, "not an ed25519 key"},
		{"recording changed", func(l []string, rec string) []string {
			if err := os.WriteFile(filepath.Join(rec, "s1.cast"), []byte("{}\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return l
		}, ProblemRecording, len(fixtureLinesCount) - 2, "the audit recorded"},
		{"recording deleted", func(l []string, rec string) []string {
			if err := os.Remove(filepath.Join(rec, "s1.cast")); err != nil {
				t.Fatal(err)
			}
			return l
		}, ProblemRecording, len(fixtureLinesCount) - 2, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, rec := auditFixture(t, key)
			lines := fixtureLines(t, p)
			if len(lines) != len(fixtureLinesCount) {
				t.Fatalf("fixture has %d lines", len(lines))
			}
			writeLines(t, p, c.tamper(lines, rec))
			fp, _ := PublicKeyString(key.Public().(ed25519.PublicKey))
			opt := VerifyOptions{RecordingsDir: rec, TrustedKeys: []string{fingerprintOf(t, fp)}}
			res, err := VerifyFile(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK() {
				t.Fatal("tampered log verified")
			}
			t.Log(res.Problems)
			found := false
			for _, pr := range res.Problems {
				if pr.Kind == c.kind && pr.Line == c.line && strings.Contains(pr.Detail, c.detail) {
					found = true
				}
			}
			if !found {
				t.Fatalf("want %s at line %d (%q), got %v", c.kind, c.line, c.detail, res.Problems)
			}
		})
	}
}

// fixtureLinesCount has one entry per line of the fixture (16 lines).
var fixtureLinesCount = make([]struct{}, 16)

// rechain rewrites events and recomputes the chain, as an attacker without
// the workstation key could; signatures are kept (and no longer match).
func rechain(t *testing.T, lines []string, edit func(int, *Event)) []string {
	return rechainWith(t, lines, nil, edit)
}

// rechainWith is rechain that also re-signs with key when it is not nil.
func rechainWith(t *testing.T, lines []string, key ed25519.PrivateKey, edit func(int, *Event)) []string {
	t.Helper()
	prev := zeroHash
	var out []string
	for i, l := range lines {
		ev, err := decodeEvent([]byte(strings.TrimSuffix(l, "\n")))
		if err != nil {
			t.Fatal(err)
		}
		edit(i, ev)
		ev.Prev = prev
		if key != nil && ev.Sig != "" {
			msg, _ := signedBytes(*ev)
			ev.Sig = b64(ed25519.Sign(key, msg))
		}
		raw, err := encodeEvent(ev)
		if err != nil {
			t.Fatal(err)
		}
		prev = hashLine(raw)
		out = append(out, string(raw)+"\n")
	}
	return out
}

func TestVerifyAcceptsOnlyCompleteRealSession(t *testing.T) {
	// An empty file and garbage are reported, not crashed on.
	for _, data := range []string{"", "garbage\n", "{\"seq\":0}\n"} {
		res, err := Verify(bytes.NewReader([]byte(data)), "x", VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.OK() {
			t.Fatalf("%q verified", data)
		}
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func fingerprintOf(t *testing.T, authorized string) string {
	t.Helper()
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(authorized))
	if err != nil {
		t.Fatal(err)
	}
	return ssh.FingerprintSHA256(k)
}

// certKey returns an SSH certificate for key's public half, signed by key,
// in authorized_keys form: a key type the verifier must refuse, not crash on.
func certKey(t *testing.T, key ed25519.PrivateKey) string {
	t.Helper()
	pub, err := ssh.NewPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert := &ssh.Certificate{Key: pub, CertType: ssh.UserCert, ValidPrincipals: []string{"x"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, signer); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(cert)))
}
