package remote

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestTrustedSigners(t *testing.T) {
	dir := t.TempDir()
	own, err := WorkstationFingerprint(dir)
	if err != nil {
		t.Fatal(err)
	}
	again, err := WorkstationFingerprint(dir)
	if err != nil || again != own {
		t.Fatalf("the key changed between calls: %s, %s (%v)", own, again, err)
	}
	anna := "SHA256:" + strings.Repeat("A", 43)
	if err := TrustSigner(dir, anna, "  Anna \n Schmidt "); err != nil {
		t.Fatal(err)
	}
	if err := TrustSigner(dir, anna, "Anna again"); err != nil { // already trusted: unchanged
		t.Fatal(err)
	}
	for _, bad := range []struct{ fp, name, want string }{
		{"SHA256:short", "x", "not a key fingerprint"},
		{"MD5:" + strings.Repeat("A", 43), "x", "not a key fingerprint"},
		{anna[:len(anna)-1] + "B", "  ", "whose workstation key"},
	} {
		if err := TrustSigner(dir, bad.fp, bad.name); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("TrustSigner(%q, %q): %v", bad.fp, bad.name, err)
		}
	}
	signers, err := TrustedSigners(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []TrustedSigner{{own, ThisWorkstation}, {anna, "Anna Schmidt"}}
	if len(signers) != 2 || signers[0] != want[0] || signers[1] != want[1] {
		t.Fatalf("signers %v, want %v", signers, want)
	}

	// A list others may change is refused.
	file := filepath.Join(dir, filepath.FromSlash(TrustedKeysFile))
	if err := os.Chmod(file, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := TrustedSigners(dir); err == nil || !strings.Contains(err.Error(), "changed by others") {
		t.Fatalf("writable list: %v", err)
	}
	if err := os.Chmod(file, 0o600); err != nil {
		t.Fatal(err)
	}

	// A damaged file is reported with its line, not half read.
	if err := os.WriteFile(file, []byte("# team\n"+anna+" Anna\nnonsense Bob\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := TrustedFingerprints(dir); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("damaged file: %v", err)
	}
}

func TestWorkstationKeyCreatedOnce(t *testing.T) {
	// The app and a command line starting together get the same key.
	dir := t.TempDir()
	fps := make([]string, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range fps {
		wg.Go(func() { fps[i], errs[i] = WorkstationFingerprint(dir) })
	}
	wg.Wait()
	for i := range fps {
		if errs[i] != nil || fps[i] != fps[0] {
			t.Fatalf("creator %d: %s (%v), first %s", i, fps[i], errs[i], fps[0])
		}
	}
	pub, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(WorkstationKeyFile)+".pub"))
	if err != nil {
		t.Fatal(err)
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(pub)
	if err != nil || ssh.FingerprintSHA256(k) != fps[0] {
		t.Fatalf("the .pub file holds another key: %v", err)
	}
}
