package remote

import (
	"fmt"
	"io/fs"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// guarded runs op, an SFTP exchange that awaits one answer, cutting the
// connection when the answer does not come within the StallTimeout.
func (s *Session) guarded(op func(client *ssh.Client) error) error {
	client, err := s.client()
	if err != nil {
		return err
	}
	stalled := s.watch(client, nil)
	err = op(client)
	return s.stallError(stalled(), err)
}

// closeSFTP closes the general SFTP client, which waits for the server to
// close its channel: a hung server does not, and the watch cuts the
// connection.
func (s *Session) closeSFTP(sc *sftp.Client) {
	err := s.guarded(func(*ssh.Client) error {
		sc.Close() // an SFTP client's close reports nothing worth acting on
		return nil
	})
	if err != nil {
		sc.Close() // the connection is gone: nothing to wait for
	}
}

// stat asks for a remote file's attributes (guarded).
func (s *Session) stat(sc *sftp.Client, p string) (st fs.FileInfo, err error) {
	err = s.guarded(func(*ssh.Client) error {
		st, err = sc.Stat(p)
		return err
	})
	return st, err
}

// watch cuts client when moved (nil: a single answer awaited) has not
// grown for the StallTimeout: an SFTP server can hang while sshd still
// answers the keep-alive probes, and closing the SFTP channel does not end
// a read that waits for that server. The returned function ends the watch
// and reports whether it cut; the collection then reconnects and resumes.
func (s *Session) watch(client *ssh.Client, moved *atomic.Int64) func() bool {
	if moved == nil {
		moved = new(atomic.Int64)
	}
	return watchStall(moved, s.r.cfg.StallTimeout, func() { client.Close() })
}

// stallError says why err happened when the watch cut the connection.
func (s *Session) stallError(stalled bool, err error) error {
	if stalled && err != nil {
		return fmt.Errorf("the SFTP server stalled: nothing came for %v (%w)", s.r.cfg.StallTimeout, err)
	}
	return err
}

// watchStall calls cut when moved has not changed for timeout, at most
// once. The returned function stops the watch and reports whether cut was
// called.
func watchStall(moved *atomic.Int64, timeout time.Duration, cut func()) func() bool {
	done, finished := make(chan struct{}), make(chan struct{})
	var fired atomic.Bool
	go func() {
		defer close(finished)
		tick := time.NewTicker(timeout / 8)
		defer tick.Stop()
		last, since := moved.Load(), time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				if n := moved.Load(); n != last {
					last, since = n, now
				} else if now.Sub(since) >= timeout {
					fired.Store(true)
					cut()
					return
				}
			}
		}
	}()
	return func() bool {
		close(done)
		<-finished // a cut under way is done and reported
		return fired.Load()
	}
}
