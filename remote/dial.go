package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// preferredCiphers puts AES-GCM first: it has assembly in Go, ChaCha20 has
// not (about twice as fast on bulk transfers).
var preferredCiphers = []string{
	ssh.CipherAES128GCM, ssh.CipherAES256GCM, ssh.CipherChaCha20Poly1305,
	ssh.CipherAES128CTR, ssh.CipherAES192CTR, ssh.CipherAES256CTR,
}

// ErrAuthRefused reports that the server refused every offered credential.
var ErrAuthRefused = errors.New("login refused")

// connection is a live route: the SSH clients of each jump host and the
// target, plus the keep-alive goroutine that watches the target.
type connection struct {
	clients  []*ssh.Client // jumps first, target last
	releases []func()
	hostKey  ssh.PublicKey
	stop     context.CancelFunc
	done     chan struct{}
	once     sync.Once
}

// target returns the target's client.
func (c *connection) target() *ssh.Client { return c.clients[len(c.clients)-1] }

// Close closes the target and every jump connection and stops the
// keep-alive goroutine.
func (c *connection) Close() error {
	var err error
	c.once.Do(func() {
		if c.stop != nil {
			c.stop()
		}
		for i := len(c.clients) - 1; i >= 0; i-- {
			if cerr := c.clients[i].Close(); cerr != nil && err == nil && !errors.Is(cerr, net.ErrClosed) && !errors.Is(cerr, io.EOF) {
				err = cerr
			}
		}
		for _, r := range c.releases {
			r()
		}
		if c.done != nil {
			<-c.done
		}
	})
	return err
}

// dial connects along route, checking each host key and logging in to each
// hop.
func (r *Remote) dial(ctx context.Context, route Route) (*connection, error) {
	c := &connection{}
	hops := append(append([]Endpoint(nil), route.Jumps...), route.Target)
	for i, ep := range hops {
		client, key, release, err := r.dialHop(ctx, c, ep)
		if err != nil {
			c.Close()
			if i < len(hops)-1 {
				return nil, fmt.Errorf("jump host %s: %w", ep, err)
			}
			return nil, err
		}
		c.clients = append(c.clients, client)
		c.releases = append(c.releases, release)
		c.hostKey = key
	}
	kctx, stop := context.WithCancel(context.Background())
	c.stop = stop
	c.done = make(chan struct{})
	go keepAlive(kctx, c.target(), r.cfg.KeepAlive, c.done)
	return c, nil
}

// dialHop opens one TCP connection (directly or through the previous hop)
// and runs the SSH handshake with a deadline.
func (r *Remote) dialHop(ctx context.Context, c *connection, ep Endpoint) (*ssh.Client, ssh.PublicKey, func(), error) {
	timeout := r.cfg.ConnectTimeout
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var conn net.Conn
	var err error
	if len(c.clients) == 0 {
		var d net.Dialer
		conn, err = d.DialContext(dctx, "tcp", ep.Addr())
	} else {
		conn, err = c.clients[len(c.clients)-1].DialContext(dctx, "tcp", ep.Addr())
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("connect to %s: %w", ep.Addr(), err)
	}
	// The handshake must finish in time, not counting the time the user
	// takes to answer a prompt; jump-host channels have no deadlines, so
	// a timer (or a cancelled ctx) closes the connection.
	clock := startClock(timeout, func() { conn.Close() })
	stopCancel := context.AfterFunc(ctx, func() { conn.Close() })
	defer stopCancel()
	var key ssh.PublicKey
	cb, err := r.policy.Callback(func(k ssh.PublicKey) { key = k }, clock.hold)
	if err != nil {
		clock.stop()
		conn.Close()
		return nil, nil, nil, err
	}
	algs, err := r.policy.KnownAlgorithms(ep.Addr())
	if err != nil {
		clock.stop()
		conn.Close()
		return nil, nil, nil, err
	}
	methods, release, err := r.cfg.Auth.methods(ep, r.cfg.Home, clock.hold)
	if err != nil {
		clock.stop()
		conn.Close()
		return nil, nil, nil, err
	}
	cc := &ssh.ClientConfig{
		User:              ep.User,
		Auth:              methods,
		HostKeyCallback:   cb,
		HostKeyAlgorithms: algs,
		Timeout:           timeout,
		Config:            ssh.Config{Ciphers: preferredCiphers},
	}
	sc, chans, reqs, err := ssh.NewClientConn(conn, ep.Addr(), cc)
	expired := clock.stop()
	if err != nil {
		conn.Close()
		release()
		err = handshakeError(ctx, ep, err, expired, timeout)
		if key != nil {
			err = &verifiedHostError{Host: ep.String(), Key: key, err: err}
		}
		return nil, nil, nil, err
	}
	if expired {
		sc.Close()
		release()
		return nil, nil, nil, fmt.Errorf("connect to %s: no answer within %v", ep, timeout)
	}
	return ssh.NewClient(sc, chans, reqs), key, release, nil
}

// handshakeError turns x/crypto's handshake errors into plain words while
// keeping the typed host key errors reachable with errors.As.
func handshakeError(ctx context.Context, ep Endpoint, err error, expired bool, timeout time.Duration) error {
	var unknown *UnknownHostError
	var changed *HostKeyChangedError
	switch {
	case errors.As(err, &unknown), errors.As(err, &changed):
		return err
	case ctx.Err() != nil:
		return fmt.Errorf("connect to %s: %w", ep, ctx.Err())
	case expired:
		return fmt.Errorf("connect to %s: the SSH handshake did not finish within %v (the remote side hangs or is no SSH server)", ep, timeout)
	case strings.Contains(err.Error(), "unable to authenticate"):
		return fmt.Errorf("%w by %s: %v", ErrAuthRefused, ep, err)
	default:
		return fmt.Errorf("SSH handshake with %s failed: %w", ep, err)
	}
}

// keepAlive probes the server; three unanswered probes close the client so
// that every waiting operation fails instead of hanging.
func keepAlive(ctx context.Context, client *ssh.Client, every time.Duration, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		answered := make(chan struct{})
		go func() {
			// Ends when the reply comes or the client is closed.
			_, _, _ = client.SendRequest("keepalive@openssh.com", true, nil)
			close(answered)
		}()
		select {
		case <-answered:
		case <-ctx.Done():
			<-answered // the owner closes the client right after cancelling
			return
		case <-time.After(3 * every):
			client.Close()
			<-answered
			return
		}
	}
}

// verifiedHostError is a handshake that failed after the host's key was
// verified (a refused login, a cut connection): the audit still records
// which key the host showed.
type verifiedHostError struct {
	Host string
	Key  ssh.PublicKey
	err  error
}

// Error is the handshake's error.
func (e *verifiedHostError) Error() string { return e.err.Error() }

// Unwrap returns the handshake's error.
func (e *verifiedHostError) Unwrap() error { return e.err }

// handshakeClock closes a connection whose handshake has run for its
// timeout, not counting the time the user spends on a prompt (a host key
// to confirm, a passphrase, a password).
type handshakeClock struct {
	mu      sync.Mutex
	timer   *time.Timer
	left    time.Duration
	since   time.Time
	holds   int
	expired bool
	stopped bool
}

// startClock starts the clock; expire runs when the time is up.
func startClock(timeout time.Duration, expire func()) *handshakeClock {
	c := &handshakeClock{left: timeout, since: time.Now()}
	c.timer = time.AfterFunc(timeout, func() {
		c.mu.Lock()
		if c.stopped || c.holds > 0 {
			c.mu.Unlock()
			return
		}
		c.expired = true
		c.mu.Unlock()
		expire()
	})
	return c
}

// hold pauses the clock until the returned function is called.
func (c *handshakeClock) hold() func() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holds == 0 && !c.stopped && !c.expired {
		c.timer.Stop()
		c.left -= time.Since(c.since)
	}
	c.holds++
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.holds--
			if c.holds == 0 && !c.stopped && !c.expired {
				c.since = time.Now()
				c.timer.Reset(max(c.left, 0))
			}
		})
	}
}

// stop ends the clock and reports whether the time had run out.
func (c *handshakeClock) stop() (expired bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	c.timer.Stop()
	return c.expired
}
