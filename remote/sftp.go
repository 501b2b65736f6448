package remote

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// SFTP packet types used by the limits probe (draft-ietf-secsh-filexfer-02
// and OpenSSH's PROTOCOL file).
const (
	fxpInit          = 1
	fxpVersion       = 2
	fxpStatus        = 101
	fxpExtended      = 200
	fxpExtendedReply = 201
	defaultReadSize  = 32768
	maxReadSize      = 256 * 1024
)

// newSFTP opens an SFTP client on the target with the largest read size
// the server grants (limits@openssh.com), which it also returns, so that
// reads move big chunks. A read larger than the server grants would come
// back short, so without the extension the safe 32 KiB is used.
func newSFTP(client *ssh.Client) (*sftp.Client, int, error) {
	size, err := sftpReadSize(client)
	if err != nil {
		return nil, 0, err
	}
	sc, err := sftp.NewClient(client,
		sftp.MaxPacketUnchecked(size),
		sftp.UseConcurrentReads(true),
		sftp.MaxConcurrentRequestsPerFile(64),
		sftp.UseFstat(true))
	if err != nil {
		return nil, 0, fmt.Errorf("start SFTP: %w", err)
	}
	return sc, size, nil
}

// errNoVersion is an SFTP server that does not answer the init with its
// version.
var errNoVersion = errors.New("start SFTP: the server did not send its version")

// sftpChannel opens an SFTP channel of its own on client and exchanges
// init and version. It returns the channel (the caller closes it), its
// streams and the version answer's body (version, then extensions).
func sftpChannel(client *ssh.Client) (*ssh.Session, io.Writer, io.Reader, []byte, error) {
	sess, err := client.NewSession()
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("start SFTP: %w", err)
	}
	in, out, body, err := sftpHandshake(sess)
	if err != nil {
		sess.Close()
		return nil, nil, nil, nil, err
	}
	return sess, in, out, body, nil
}

// sftpHandshake starts the sftp subsystem on sess and exchanges init and
// version.
func sftpHandshake(sess *ssh.Session) (io.Writer, io.Reader, []byte, error) {
	in, err := sess.StdinPipe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("start SFTP: %w", err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("start SFTP: %w", err)
	}
	if err := sess.RequestSubsystem("sftp"); err != nil {
		return nil, nil, nil, fmt.Errorf("start SFTP (is the sftp subsystem enabled on the server?): %w", err)
	}
	if err := writePacket(in, fxpInit, binary.BigEndian.AppendUint32(nil, 3)); err != nil {
		return nil, nil, nil, err
	}
	typ, body, err := readPacket(out)
	if err != nil {
		return nil, nil, nil, errors.Join(errNoVersion, err)
	}
	if typ != fxpVersion || len(body) < 4 {
		return nil, nil, nil, fmt.Errorf("%w (answer type %d)", errNoVersion, typ)
	}
	return in, out, body, nil
}

// sftpReadSize asks the server for its read limit on a short-lived SFTP
// channel of its own. The caller bounds the wait (Session.watch).
func sftpReadSize(client *ssh.Client) (int, error) {
	sess, in, out, body, err := sftpChannel(client)
	if err != nil {
		return 0, err
	}
	defer sess.Close()
	if !hasExtension(body[4:], "limits@openssh.com") {
		return defaultReadSize, nil
	}
	req := binary.BigEndian.AppendUint32(nil, 1)
	req = appendString(req, "limits@openssh.com")
	if err := writePacket(in, fxpExtended, req); err != nil {
		return 0, err
	}
	typ, body, err := readPacket(out)
	if err != nil {
		return 0, err
	}
	if typ == fxpStatus || typ != fxpExtendedReply || len(body) < 4+4*8 {
		return defaultReadSize, nil
	}
	maxRead := binary.BigEndian.Uint64(body[4+8:])
	switch {
	case maxRead < defaultReadSize:
		return defaultReadSize, nil
	case maxRead > maxReadSize:
		return maxReadSize, nil
	default:
		return int(maxRead), nil
	}
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func writePacket(w io.Writer, typ byte, body []byte) error {
	p := binary.BigEndian.AppendUint32(nil, uint32(len(body)+1))
	p = append(p, typ)
	if _, err := w.Write(append(p, body...)); err != nil {
		return fmt.Errorf("SFTP: %w", err)
	}
	return nil
}

func readPacket(r io.Reader) (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, fmt.Errorf("SFTP: %w", err)
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n < 1 || n > 256*1024 {
		return 0, nil, errors.New("SFTP: the server sent a malformed packet")
	}
	body := make([]byte, n-1)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, fmt.Errorf("SFTP: %w", err)
	}
	return hdr[4], body, nil
}

// hasExtension looks for name in a VERSION packet's extension pairs.
func hasExtension(b []byte, name string) bool {
	for len(b) >= 4 {
		var s [2]string
		for i := range s {
			if len(b) < 4 {
				return false
			}
			n := binary.BigEndian.Uint32(b)
			if uint64(len(b)-4) < uint64(n) {
				return false
			}
			s[i] = string(b[4 : 4+n])
			b = b[4+n:]
		}
		if s[0] == name {
			return true
		}
	}
	return false
}
