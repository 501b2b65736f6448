package remote

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/crypto/ssh"
)

// WorkstationKeyFile is the workstation's audit signing key inside the data
// folder; its public half sits beside it with ".pub".
const WorkstationKeyFile = "keys/workstation_ed25519"

// LoadWorkstationKey reads the workstation's ed25519 signing key from file,
// creating it (mode 0600, OpenSSH format, public key in file+".pub") when it
// does not exist yet.
func LoadWorkstationKey(file string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return createWorkstationKey(file)
	}
	if err != nil {
		return nil, fmt.Errorf("read workstation key: %w", err)
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(file)
		if err != nil {
			return nil, fmt.Errorf("workstation key: %w", err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("workstation key %s is accessible by others (mode %v); it must be 0600", file, st.Mode().Perm())
		}
	}
	raw, err := ssh.ParseRawPrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("workstation key %s: %w", file, err)
	}
	k, ok := raw.(*ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("workstation key %s is not an ed25519 key", file)
	}
	return *k, nil
}

func createWorkstationKey(file string) (ed25519.PrivateKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate workstation key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "werkbank workstation audit key")
	if err != nil {
		return nil, fmt.Errorf("encode workstation key: %w", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encode workstation key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, fmt.Errorf("create key folder: %w", err)
	}
	// Two processes (the app and a command line) may create the key at the
	// same moment: the first one's key is the workstation's, the other
	// reads it.
	created, err := writeNew(file, pem.EncodeToMemory(block), 0o600)
	if err != nil {
		return nil, err
	}
	if !created {
		return LoadWorkstationKey(file)
	}
	if err := writeDurable(file+".pub", ssh.MarshalAuthorizedKey(sshPub), 0o644); err != nil {
		return nil, err
	}
	return priv, nil
}

// writeNew writes file like writeDurable but only if it does not exist
// yet; created is false when another writer was first.
func writeNew(file string, data []byte, perm os.FileMode) (created bool, err error) {
	return writeFile(file, data, perm, true)
}

// writeDurable writes a new file via a temporary file, fsyncs it, renames
// it into place and fsyncs the folder.
func writeDurable(file string, data []byte, perm os.FileMode) error {
	_, err := writeFile(file, data, perm, false)
	return err
}

// writeFile writes file via a fsynced temporary file that is renamed into
// place, or, if exclusive, linked into place unless file exists already
// (then created is false and nothing is written).
func writeFile(file string, data []byte, perm os.FileMode, exclusive bool) (created bool, err error) {
	dir := filepath.Dir(file)
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return false, fmt.Errorf("write %s: %w", file, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return false, fmt.Errorf("write %s: %w", file, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, fmt.Errorf("write %s: %w", file, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, fmt.Errorf("write %s: %w", file, err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("write %s: %w", file, err)
	}
	if exclusive {
		err = os.Link(tmp.Name(), file)
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
	} else {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		return false, fmt.Errorf("write %s: %w", file, err)
	}
	return true, syncDir(dir)
}

// syncDir makes a folder's entries durable (a no-op where folders cannot be
// opened for syncing).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// PublicKeyString returns the public key in authorized_keys form (without
// newline), as recorded in the audit's start event.
func PublicKeyString(pub ed25519.PublicKey) (string, error) {
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode public key: %w", err)
	}
	b := ssh.MarshalAuthorizedKey(k)
	return string(b[:len(b)-1]), nil
}
