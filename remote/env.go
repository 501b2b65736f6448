package remote

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// localeNames are the POSIX locale variables: LANG and the categories.
var localeNames = []string{"LANG", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME",
	"LC_MONETARY", "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION"}

// LocaleEnv picks from environ (as os.Environ returns it) the locale
// variables, LANG and the LC_ categories, which OpenSSH's default client
// configuration on Debian and macOS sends to every session ("SendEnv LANG
// LC_*"). Without them the remote shell runs in the C locale, where bash
// drops typed umlauts and ls shows them as "?". Other LC_ names (some
// terminals pass data in them) stay on the workstation, and so do values
// that name no locale (such as "de", which the app may set for its own
// texts).
func LocaleEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !slices.Contains(localeNames, name) {
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
