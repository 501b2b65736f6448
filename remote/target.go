package remote

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode"
)

// Endpoint is one SSH server to log in to: a jump host or the target.
type Endpoint struct {
	// Alias is the name as the user wrote it (the ssh config Host).
	Alias string
	// User is the remote login name.
	User string
	// Host is the host name or address to connect to.
	Host string
	// Port is the TCP port.
	Port int
	// IdentityFiles are key files from the ssh config for this host.
	IdentityFiles []string
}

// Addr returns "host:port" for dialling and for known_hosts.
func (e Endpoint) Addr() string { return net.JoinHostPort(e.Host, strconv.Itoa(e.Port)) }

// String returns "user@host:port".
func (e Endpoint) String() string { return e.User + "@" + e.Addr() }

// Route is how to reach a target: zero or more jump hosts, then the target.
type Route struct {
	// Jumps are the ProxyJump hosts in the order they are passed through.
	Jumps []Endpoint
	// Target is the host the session works on.
	Target Endpoint
}

// String returns the route in ProxyJump notation, e.g.
// "admin@jump:22 -> root@erp:22".
func (r Route) String() string {
	var parts []string
	for _, j := range r.Jumps {
		parts = append(parts, j.String())
	}
	return strings.Join(append(parts, r.Target.String()), " -> ")
}

// spec is a parsed USER@HOST[:PORT] as typed.
type spec struct {
	user, host string
	port       int
}

// parseSpec parses USER@HOST[:PORT], HOST, [V6ADDR]:PORT.
func parseSpec(s string) (spec, error) {
	if s == "" {
		return spec{}, errors.New("empty target")
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return spec{}, fmt.Errorf("target %q contains spaces or control characters", s)
	}
	var sp spec
	if i := strings.LastIndex(s, "@"); i >= 0 {
		sp.user, s = s[:i], s[i+1:]
		if sp.user == "" {
			return spec{}, errors.New("empty user name before @")
		}
	}
	host, portStr := s, ""
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.Index(s, "]")
		if end < 0 {
			return spec{}, fmt.Errorf("target %q: missing ]", s)
		}
		host, rest := s[1:end], s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return spec{}, fmt.Errorf("target %q: unexpected %q after ]", s, rest)
			}
			portStr = rest[1:]
		}
		sp.host = host
	case strings.Count(s, ":") == 1:
		host, portStr, _ = strings.Cut(s, ":")
		sp.host = host
	default:
		sp.host = host
	}
	if sp.host == "" || strings.HasPrefix(sp.host, "-") {
		return spec{}, fmt.Errorf("target %q: bad host name", s)
	}
	if portStr != "" {
		p, err := strconv.Atoi(portStr)
		if err != nil || p < 1 || p > 65535 {
			return spec{}, fmt.Errorf("target %q: bad port %q", s, portStr)
		}
		sp.port = p
	}
	return sp, nil
}

// maxJumps bounds ProxyJump chains (and catches loops in the config).
const maxJumps = 8

// ResolveRoute turns a target as typed (USER@HOST[:PORT] or an ssh config
// alias) into a route, applying cfg (may be nil) to the target and to each
// jump host as OpenSSH does. jump, when not empty, overrides the config's
// ProxyJump for the target ("none" disables it). localUser is the login
// name used when neither the target nor the config names one.
func ResolveRoute(target, jump string, cfg *SSHConfig, localUser string) (Route, error) {
	var r Route
	t, viaJump, err := resolveEndpoint(target, cfg, localUser)
	if err != nil {
		return r, err
	}
	if jump != "" {
		viaJump = jump
	}
	r.Target = t
	jumps, err := resolveJumps(viaJump, cfg, localUser, 0)
	if err != nil {
		return r, fmt.Errorf("proxy jump for %s: %w", target, err)
	}
	r.Jumps = jumps
	return r, nil
}

// resolveJumps resolves a ProxyJump value into endpoints, recursively
// honouring each jump host's own ProxyJump.
func resolveJumps(value string, cfg *SSHConfig, localUser string, depth int) ([]Endpoint, error) {
	if value == "" || strings.EqualFold(value, "none") {
		return nil, nil
	}
	var out []Endpoint
	for _, hop := range strings.Split(value, ",") {
		hop = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(hop), "ssh://"))
		e, sub, err := resolveEndpoint(hop, cfg, localUser)
		if err != nil {
			return nil, err
		}
		if sub != "" && !strings.EqualFold(sub, "none") && len(out) == 0 {
			if depth >= maxJumps {
				return nil, fmt.Errorf("more than %d nested jump hosts (a loop in the ssh config?)", maxJumps)
			}
			before, err := resolveJumps(sub, cfg, localUser, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, before...)
		}
		out = append(out, e)
		if len(out) > maxJumps {
			return nil, fmt.Errorf("more than %d jump hosts", maxJumps)
		}
	}
	return out, nil
}

// resolveEndpoint applies the ssh config to one USER@HOST[:PORT] and
// returns the endpoint and its configured ProxyJump.
func resolveEndpoint(s string, cfg *SSHConfig, localUser string) (Endpoint, string, error) {
	sp, err := parseSpec(s)
	if err != nil {
		return Endpoint{}, "", err
	}
	var hc HostConfig
	if cfg != nil {
		if hc, err = cfg.Lookup(sp.host); err != nil {
			return Endpoint{}, "", err
		}
	}
	e := Endpoint{Alias: sp.host, Host: sp.host, User: sp.user, Port: sp.port, IdentityFiles: hc.IdentityFiles}
	if hc.HostName != "" {
		e.Host = strings.ReplaceAll(hc.HostName, "%h", sp.host)
	}
	if e.User == "" {
		e.User = hc.User
	}
	if e.User == "" {
		e.User = localUser
	}
	if e.User == "" {
		return Endpoint{}, "", fmt.Errorf("target %s: no user name", s)
	}
	if e.Port == 0 {
		e.Port = hc.Port
	}
	if e.Port == 0 {
		e.Port = 22
	}
	return e, hc.ProxyJump, nil
}
