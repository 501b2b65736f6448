package remote

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// LocaleEnv picks from environ (as os.Environ returns it) the locale
// variables LANG and LC_*, which OpenSSH's default client configuration
// on Debian and macOS sends to every session ("SendEnv LANG LC_*").
// Without them the remote shell runs in the C locale, where bash drops
// typed umlauts and ls shows them as "?". Values that name no locale
// (such as "de", which the app may set for its own texts) are left out.
func LocaleEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || (name != "LANG" && !strings.HasPrefix(name, "LC_")) {
			continue
		}
		if value == "C" || value == "POSIX" || strings.ContainsAny(value, "_.") {
			out = append(out, kv)
		}
	}
	return out
}

// sendEnv asks the remote side to set env ("NAME=value" entries) for the
// session, without waiting for answers, as OpenSSH does: the server sets
// the names its AcceptEnv allows and ignores the others.
func sendEnv(sess *ssh.Session, env []string) error {
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		msg := ssh.Marshal(struct{ Name, Value string }{name, value})
		if _, err := sess.SendRequest("env", false, msg); err != nil {
			return fmt.Errorf("send %s: %w", name, err)
		}
	}
	return nil
}
