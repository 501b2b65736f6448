package remote

import (
	"bufio"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// TrustedKeysFile lists, inside the data folder, the workstation keys
// whose audit logs this workstation accepts besides its own: one
// "SHA256:… name" per line, as written by TrustSigner. A team exchanges
// the fingerprints the way it exchanges SSH host keys: in person or over
// a channel it trusts, never taken from the logs themselves.
const TrustedKeysFile = "keys/trusted_workstations"

// TrustedSigner is a workstation key accepted as the signer of audit logs.
type TrustedSigner struct {
	// Fingerprint is the key's SHA-256 fingerprint ("SHA256:…").
	Fingerprint string
	// Name says whose workstation it is; "this workstation" for the own key.
	Name string
}

// ThisWorkstation is the Name of the own key among the trusted signers.
const ThisWorkstation = "this workstation"

// WorkstationFingerprint returns the SHA-256 fingerprint of this
// workstation's audit key in dataDir, creating the key if there is none.
func WorkstationFingerprint(dataDir string) (string, error) {
	key, err := LoadWorkstationKey(filepath.Join(dataDir, filepath.FromSlash(WorkstationKeyFile)))
	if err != nil {
		return "", err
	}
	pub, err := ssh.NewPublicKey(key.Public().(ed25519.PublicKey))
	if err != nil {
		return "", fmt.Errorf("workstation key: %w", err)
	}
	return ssh.FingerprintSHA256(pub), nil
}

// TrustedSigners returns the signers whose audit logs verify on this
// workstation: its own key first, then those in TrustedKeysFile.
func TrustedSigners(dataDir string) ([]TrustedSigner, error) {
	own, err := WorkstationFingerprint(dataDir)
	if err != nil {
		return nil, err
	}
	out := []TrustedSigner{{Fingerprint: own, Name: ThisWorkstation}}
	file := filepath.Join(dataDir, filepath.FromSlash(TrustedKeysFile))
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read trusted workstation keys: %w", err)
	}
	defer f.Close()
	if runtime.GOOS != "windows" {
		// Whoever can write the list decides which logs verify.
		st, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("read trusted workstation keys: %w", err)
		}
		if st.Mode().Perm()&0o022 != 0 {
			return nil, fmt.Errorf("%s can be changed by others (mode %v); it must be 0600", file, st.Mode().Perm())
		}
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fp, name, _ := strings.Cut(line, " ")
		if err := CheckFingerprint(fp); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", file, n, err)
		}
		out = append(out, TrustedSigner{Fingerprint: fp, Name: strings.TrimSpace(name)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return out, nil
}

// TrustedFingerprints returns the fingerprints of TrustedSigners, as
// VerifyOptions.TrustedKeys wants them.
func TrustedFingerprints(dataDir string) ([]string, error) {
	signers, err := TrustedSigners(dataDir)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(signers))
	for i, s := range signers {
		out[i] = s.Fingerprint
	}
	return out, nil
}

// TrustSigner adds a colleague's workstation key to TrustedKeysFile, so
// that audit logs it signed (synced, or in a bundle) verify here. name
// says whose key it is; a key trusted already is left as it is.
func TrustSigner(dataDir, fingerprint, name string) error {
	if err := CheckFingerprint(fingerprint); err != nil {
		return err
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return errors.New("say whose workstation key it is (a name)")
	}
	known, err := TrustedSigners(dataDir)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(known, func(s TrustedSigner) bool { return s.Fingerprint == fingerprint }) {
		return nil
	}
	file := filepath.Join(dataDir, filepath.FromSlash(TrustedKeysFile))
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("trust workstation key: %w", err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("trust workstation key: %w", err)
	}
	if _, err := fmt.Fprintf(f, "%s %s\n", fingerprint, name); err != nil {
		f.Close()
		return fmt.Errorf("trust workstation key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("trust workstation key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("trust workstation key: %w", err)
	}
	return nil
}

// CheckFingerprint accepts an OpenSSH SHA-256 key fingerprint
// ("SHA256:" and 43 characters of unpadded base64).
func CheckFingerprint(fp string) error {
	b64, ok := strings.CutPrefix(fp, "SHA256:")
	if raw, err := base64.RawStdEncoding.DecodeString(b64); !ok || err != nil || len(raw) != 32 {
		return fmt.Errorf("%q is not a key fingerprint (SHA256: and 43 characters, as 'werkbank audit key' prints it)", fp)
	}
	return nil
}
