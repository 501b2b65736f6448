package remote

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// ConfirmHostFunc asks the user whether to trust an unknown host. host is
// "host:port"; the fingerprint to show is ssh.FingerprintSHA256(key).
// Returning false refuses the connection.
type ConfirmHostFunc func(host string, key ssh.PublicKey) (bool, error)

// HostKeyPolicy checks server host keys against known_hosts files: the
// user's own files (read only) and the application's file, to which newly
// confirmed hosts are added. It never accepts a key blindly.
type HostKeyPolicy struct {
	// UserFiles are read-only known_hosts files (typically
	// ~/.ssh/known_hosts); missing files are skipped.
	UserFiles []string
	// AppFile is the application's known_hosts file; confirmed new hosts
	// are appended to it.
	AppFile string
	// Confirm decides about unknown hosts. Nil refuses every unknown host.
	Confirm ConfirmHostFunc

	mu sync.Mutex
}

// UnknownHostError reports a host that is in no known_hosts file and was
// not confirmed.
type UnknownHostError struct {
	Host        string
	KeyType     string
	Fingerprint string
}

// Error names the host and its fingerprint.
func (e *UnknownHostError) Error() string {
	return fmt.Sprintf("the authenticity of host %s can't be established: its %s key fingerprint is %s; "+
		"confirm it (command line: --accept-new) if it is the right host", e.Host, e.KeyType, e.Fingerprint)
}

// KnownKeyInfo describes a key recorded in a known_hosts file.
type KnownKeyInfo struct {
	File        string
	Line        int
	KeyType     string
	Fingerprint string
}

// HostKeyChangedError is the hard failure for a host that presents a key
// other than the recorded one.
type HostKeyChangedError struct {
	Host        string
	KeyType     string
	Fingerprint string
	Known       []KnownKeyInfo
}

// Error warns like OpenSSH and names both fingerprints.
func (e *HostKeyChangedError) Error() string {
	var known []string
	for _, k := range e.Known {
		known = append(known, fmt.Sprintf("%s key %s (%s:%d)", k.KeyType, k.Fingerprint, k.File, k.Line))
	}
	return fmt.Sprintf("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for %s! "+
		"Someone could be eavesdropping on you right now (man-in-the-middle attack), or the host key has just been changed. "+
		"The host presented %s key %s; known_hosts has %s. "+
		"Connection refused; if the change is legitimate, remove the old key from that file",
		e.Host, e.KeyType, e.Fingerprint, strings.Join(known, ", "))
}

// files returns the existing known_hosts files, creating the app's file.
func (p *HostKeyPolicy) files() ([]string, error) {
	var out []string
	for _, f := range p.UserFiles {
		if _, err := os.Stat(f); err == nil {
			out = append(out, f)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("known hosts %s: %w", f, err)
		}
	}
	if p.AppFile != "" {
		if err := os.MkdirAll(filepath.Dir(p.AppFile), 0o700); err != nil {
			return nil, fmt.Errorf("known hosts folder: %w", err)
		}
		f, err := os.OpenFile(p.AppFile, os.O_CREATE|os.O_RDONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("known hosts %s: %w", p.AppFile, err)
		}
		f.Close()
		out = append(out, p.AppFile)
	}
	return out, nil
}

// database reads the known_hosts files afresh.
func (p *HostKeyPolicy) database() (ssh.HostKeyCallback, error) {
	files, err := p.files()
	if err != nil {
		return nil, err
	}
	cb, err := knownhosts.New(files...)
	if err != nil {
		return nil, fmt.Errorf("read known hosts: %w", err)
	}
	return cb, nil
}

// Callback returns a host key callback for one connection. seen, if not
// nil, receives the key that was accepted; hold, if not nil, is called
// while the user is asked about an unknown host (it pauses the
// handshake's deadline) and returns the function that ends the pause.
func (p *HostKeyPolicy) Callback(seen func(ssh.PublicKey), hold func() func()) (ssh.HostKeyCallback, error) {
	db, err := p.database()
	if err != nil {
		return nil, err
	}
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		if err := p.check(db, hostname, remote, key, hold); err != nil {
			return err
		}
		if seen != nil {
			seen(key)
		}
		return nil
	}, nil
}

func (p *HostKeyPolicy) check(db ssh.HostKeyCallback, hostname string, remote net.Addr, key ssh.PublicKey, hold func() func()) error {
	err := db(hostname, remote, key)
	if err == nil {
		return nil
	}
	var revoked *knownhosts.RevokedError
	if errors.As(err, &revoked) {
		return fmt.Errorf("host %s presented a revoked key %s (%s:%d)", hostname,
			ssh.FingerprintSHA256(key), revoked.Revoked.Filename, revoked.Revoked.Line)
	}
	var ke *knownhosts.KeyError
	if cert, ok := key.(*ssh.Certificate); ok && !errors.As(err, &ke) {
		// As OpenSSH: a certificate that no @cert-authority line accepts
		// (another CA, expired, for another name) is checked as the plain
		// key inside it, by the same rules (on record, changed, unknown).
		if perr := p.check(db, hostname, remote, cert.Key, hold); perr != nil {
			return fmt.Errorf("host %s presented a host certificate known_hosts does not accept (%v), nor its key: %w", hostname, err, perr)
		}
		return nil
	}
	if !errors.As(err, &ke) {
		return fmt.Errorf("check host key of %s: %w", hostname, err)
	}
	// A CA is no key the host itself has shown before.
	keys, _, err := splitWants(ke.Want)
	if err != nil {
		return err
	}
	ce := &HostKeyChangedError{Host: hostname, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key)}
	for _, w := range keys {
		ce.Known = append(ce.Known, KnownKeyInfo{File: w.Filename, Line: w.Line, KeyType: w.Key.Type(), Fingerprint: ssh.FingerprintSHA256(w.Key)})
	}
	if len(ce.Known) > 0 {
		return ce
	}
	unknown := &UnknownHostError{Host: hostname, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key)}
	if p.Confirm == nil || p.AppFile == "" {
		return unknown
	}
	release := func() {}
	if hold != nil {
		release = hold()
	}
	ok, err := p.Confirm(hostname, key)
	release()
	if err != nil {
		return fmt.Errorf("confirm host key of %s: %w", hostname, err)
	}
	if !ok {
		return unknown
	}
	return p.remember(hostname, key)
}

// remember appends a confirmed host key to the app's known_hosts file,
// durably.
func (p *HostKeyPolicy) remember(hostname string, key ssh.PublicKey) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := os.OpenFile(p.AppFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("remember host key: %w", err)
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(hostname)}, key) + "\n"
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return fmt.Errorf("remember host key in %s: %w", p.AppFile, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("remember host key in %s: %w", p.AppFile, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("remember host key in %s: %w", p.AppFile, err)
	}
	return nil
}

// KnownAlgorithms returns the host key algorithms to ask hostname ("host:port")
// for, so that a server with several keys presents one that is on record:
// certificates first when an @cert-authority line covers the host, and
// for an unknown host plain keys only, whose fingerprint the user can
// confirm.
func (p *HostKeyPolicy) KnownAlgorithms(hostname string) ([]string, error) {
	db, err := p.database()
	if err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("probe key: %w", err)
	}
	probe, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, fmt.Errorf("probe key: %w", err)
	}
	err = db(hostname, &net.TCPAddr{IP: net.IPv4zero}, probe.PublicKey())
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) {
		return nil, nil
	}
	var algs []string
	add := func(a ...string) {
		for _, x := range a {
			if !slices.Contains(algs, x) {
				algs = append(algs, x)
			}
		}
	}
	keys, cas, err := splitWants(ke.Want)
	if err != nil {
		return nil, err
	}
	if len(cas) > 0 {
		// The host is to show a certificate signed by one of these CAs.
		add(ssh.CertAlgoED25519v01, ssh.CertAlgoECDSA256v01, ssh.CertAlgoECDSA384v01, ssh.CertAlgoECDSA521v01,
			ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01)
	}
	for _, w := range keys {
		switch t := w.Key.Type(); t {
		case ssh.KeyAlgoRSA:
			add(ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
		default:
			add(t)
		}
	}
	if len(algs) == 0 {
		// Unknown host: ask for a plain key, whose fingerprint the user
		// can confirm; a certificate from an unknown CA could only fail.
		add(ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
			ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
	}
	return algs, nil
}

// splitWants separates the keys x/crypto wants from a host into the
// host's own keys and the CAs of @cert-authority lines, which it lists
// alike: a host shows a certificate signed by a CA, never the CA's key.
// Each known_hosts file is read once.
func splitWants(want []knownhosts.KnownKey) (keys, cas []knownhosts.KnownKey, err error) {
	files := map[string][]string{}
	for _, w := range want {
		lines, ok := files[w.Filename]
		if !ok {
			data, err := os.ReadFile(w.Filename)
			if err != nil {
				return nil, nil, fmt.Errorf("read known hosts: %w", err)
			}
			lines = strings.Split(string(data), "\n")
			files[w.Filename] = lines
		}
		if w.Line >= 1 && w.Line <= len(lines) && strings.HasPrefix(strings.TrimSpace(lines[w.Line-1]), "@cert-authority") {
			cas = append(cas, w)
		} else {
			keys = append(keys, w)
		}
	}
	return keys, cas, nil
}
