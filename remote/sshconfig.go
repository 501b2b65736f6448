package remote

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// HostConfig is what an OpenSSH client configuration says about one host:
// the subset of ssh_config(5) that Werkbank uses.
type HostConfig struct {
	// HostName is the real host name to connect to ("" means the alias).
	HostName string
	// User is the remote login name.
	User string
	// Port is the TCP port (0 means not set).
	Port int
	// IdentityFiles are private key files, in the order given.
	IdentityFiles []string
	// ProxyJump is the jump host chain ("user@host:port,…"), or "none".
	ProxyJump string
}

// SSHConfig is a parsed OpenSSH client configuration file. Only the
// keywords Host, HostName, User, Port, IdentityFile and ProxyJump are
// interpreted; Match blocks and Include are skipped (their settings never
// apply), other keywords are ignored.
type SSHConfig struct {
	blocks []configBlock
}

type configBlock struct {
	patterns []string // nil for the implicit block before the first Host
	match    bool     // a Match block: never applies
	settings []setting
}

type setting struct {
	key, value string
	line       int
}

// ReadSSHConfig parses the OpenSSH client configuration in file. A missing
// file yields an empty configuration.
func ReadSSHConfig(file string) (*SSHConfig, error) {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return &SSHConfig{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ssh config: %w", err)
	}
	defer f.Close()
	cfg, err := ParseSSHConfig(f)
	if err != nil {
		return nil, fmt.Errorf("ssh config %s: %w", file, err)
	}
	return cfg, nil
}

// ParseSSHConfig parses an OpenSSH client configuration.
func ParseSSHConfig(r io.Reader) (*SSHConfig, error) {
	cfg := &SSHConfig{blocks: []configBlock{{}}}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, rest := splitKeyword(line)
		if key == "" {
			return nil, fmt.Errorf("line %d: no keyword", n)
		}
		args, err := splitArgs(rest)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		switch key {
		case "host":
			if len(args) == 0 {
				return nil, fmt.Errorf("line %d: Host needs at least one pattern", n)
			}
			cfg.blocks = append(cfg.blocks, configBlock{patterns: args})
		case "match":
			cfg.blocks = append(cfg.blocks, configBlock{match: true})
		default:
			if len(args) == 0 {
				return nil, fmt.Errorf("line %d: %s needs a value", n, key)
			}
			b := &cfg.blocks[len(cfg.blocks)-1]
			b.settings = append(b.settings, setting{key: key, value: strings.Join(args, " "), line: n})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return cfg, nil
}

// splitKeyword splits "Key value", "Key=value" or "Key = value" and returns
// the lower-case keyword and the rest.
func splitKeyword(line string) (string, string) {
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return strings.ToLower(line), ""
	}
	key := strings.ToLower(line[:i])
	rest := strings.TrimLeft(line[i:], " \t")
	if strings.HasPrefix(rest, "=") {
		rest = strings.TrimLeft(rest[1:], " \t")
	}
	return key, rest
}

// splitArgs splits whitespace-separated arguments, honouring double quotes.
func splitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
			have = true
		case (r == ' ' || r == '\t') && !inQuote:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if inQuote {
		return nil, errors.New("unbalanced quote")
	}
	if have {
		args = append(args, cur.String())
	}
	return args, nil
}

// Lookup returns the settings for host alias; as in OpenSSH, the first
// value obtained for a keyword wins, except IdentityFile which accumulates.
func (c *SSHConfig) Lookup(alias string) (HostConfig, error) {
	var hc HostConfig
	seen := map[string]bool{}
	for _, b := range c.blocks {
		if b.match || (b.patterns != nil && !matchHost(b.patterns, alias)) {
			continue
		}
		for _, s := range b.settings {
			if s.key == "identityfile" {
				hc.IdentityFiles = append(hc.IdentityFiles, s.value)
				continue
			}
			if seen[s.key] {
				continue
			}
			switch s.key {
			case "hostname":
				hc.HostName = s.value
			case "user":
				hc.User = s.value
			case "port":
				p, err := strconv.Atoi(s.value)
				if err != nil || p < 1 || p > 65535 {
					return hc, fmt.Errorf("ssh config line %d: bad port %q", s.line, s.value)
				}
				hc.Port = p
			case "proxyjump":
				hc.ProxyJump = s.value
			default:
				continue
			}
			seen[s.key] = true
		}
	}
	return hc, nil
}

// matchHost reports whether alias matches a Host line's patterns: at least
// one positive pattern matches and no negated one does.
func matchHost(patterns []string, alias string) bool {
	ok := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		m, err := path.Match(strings.ToLower(p), strings.ToLower(alias))
		if err != nil || !m {
			continue
		}
		if neg {
			return false
		}
		ok = true
	}
	return ok
}

// expandPath expands a leading "~/" and the tokens %d (home), %h (host),
// %r (remote user) and %% in a path from the configuration.
func expandPath(p, home, host, user string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		p = filepath.Join(home, p[2:])
	}
	r := strings.NewReplacer("%%", "%", "%d", home, "%h", host, "%r", user)
	return r.Replace(p)
}
