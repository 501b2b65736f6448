package remote

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const sampleConfig = `# customer systems
Host erp-* !erp-test
  User support
  IdentityFile ~/.ssh/customer_%h

Host erp-prod
  HostName 10.1.2.3
  Port 2222
  User ignored-because-first-wins
  ProxyJump gateway

Host gateway
  HostName gw.example.com
  User=jump
  ProxyJump bastion

Host bastion
  Hostname bastion.example.com
  Port = 2200

Match host foo
  User never

Host *
  IdentityFile "~/.ssh/id with space"
  ServerAliveInterval 30
`

func TestSSHConfigLookup(t *testing.T) {
	cfg, err := ParseSSHConfig(strings.NewReader(sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	hc, err := cfg.Lookup("erp-prod")
	if err != nil {
		t.Fatal(err)
	}
	if hc.HostName != "10.1.2.3" || hc.Port != 2222 || hc.User != "support" || hc.ProxyJump != "gateway" ||
		!slices.Equal(hc.IdentityFiles, []string{"~/.ssh/customer_%h", "~/.ssh/id with space"}) {
		t.Fatalf("%+v", hc)
	}
	hc, _ = cfg.Lookup("erp-test") // negated
	if hc.User != "" || len(hc.IdentityFiles) != 1 {
		t.Fatalf("negated pattern applied: %+v", hc)
	}
	r, err := ResolveRoute("erp-prod", "", cfg, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.String(); got != "anna@bastion.example.com:2200 -> jump@gw.example.com:22 -> support@10.1.2.3:2222" {
		t.Fatalf("route %s", got)
	}
	r, err = ResolveRoute("admin@erp-prod:22", "none", cfg, "anna")
	if err != nil || r.String() != "admin@10.1.2.3:22" {
		t.Fatalf("override: %v %v", r, err)
	}
	if got := expandPath("~/.ssh/customer_%h", "/home/anna", "erp-prod", "support"); got != "/home/anna/.ssh/customer_erp-prod" {
		t.Fatalf("expand %s", got)
	}
}

func TestSSHConfigLoopAndErrors(t *testing.T) {
	cfg, err := ParseSSHConfig(strings.NewReader("Host a\n ProxyJump b\nHost b\n ProxyJump a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ResolveRoute("a", "", cfg, "u"); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("loop: %v", err)
	}
	for _, bad := range []string{"Host\n", "Host x\n Port abc\n", "User \"unclosed\n"} {
		c, err := ParseSSHConfig(strings.NewReader(bad))
		if err == nil {
			_, err = c.Lookup("x")
		}
		if err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	missing, err := ReadSSHConfig(filepath.Join(t.TempDir(), "none"))
	if err != nil || missing == nil {
		t.Fatalf("missing file: %v", err)
	}
}

func TestParseTarget(t *testing.T) {
	good := map[string]string{
		"root@10.0.0.1":      "root@10.0.0.1:22",
		"root@10.0.0.1:2222": "root@10.0.0.1:2222",
		"u@[::1]:2022":       "u@[::1]:2022",
		"host":               "me@host:22",
		"a@b@host":           "a@b@host:22",
	}
	for in, want := range good {
		r, err := ResolveRoute(in, "", nil, "me")
		if err != nil || r.Target.String() != want {
			t.Errorf("%s: %v %v", in, r.Target, err)
		}
	}
	for _, bad := range []string{"", "@host", "root@", "root@-oProxyCommand=x", "root@host:99999", "root@ho st", "root@host\n", "u@[::1"} {
		if _, err := ResolveRoute(bad, "", nil, "me"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestHangingAndGarbageServers uses plain TCP servers that no sshd can
// imitate: one that says nothing, one that sends garbage.
func TestHangingAndGarbageServers(t *testing.T) {
	env := newTestEnv(t)
	hang := listenFunc(t, func(c net.Conn, done <-chan struct{}) { <-done })
	garbage := listenFunc(t, func(c net.Conn, done <-chan struct{}) {
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n\x00\x01\x02garbage garbage\r\n"))
		<-done
	})
	r := env.remote(t, func(c *Config) { c.ConnectTimeout = 700 * time.Millisecond })
	ctx := context.Background()
	_, err := r.Open(ctx, SessionRequest{Case: "C-30", Reason: "r", Target: "u@" + hang})
	if err == nil || !strings.Contains(err.Error(), "did not finish within") {
		t.Fatalf("hang: %v", err)
	}
	_, err = r.Open(ctx, SessionRequest{Case: "C-30", Reason: "r", Target: "u@" + garbage})
	if err == nil || !strings.Contains(err.Error(), "handshake") {
		t.Fatalf("garbage: %v", err)
	}
	// Unreachable: nothing listens.
	_, err = r.Open(ctx, SessionRequest{Case: "C-30", Reason: "r", Target: "u@127.0.0.1:" + itoa(freePort(t))})
	if err == nil || !strings.Contains(err.Error(), "connect to") {
		t.Fatalf("unreachable: %v", err)
	}
	logs, _ := filepath.Glob(filepath.Join(r.AuditDir("C-30"), "*.jsonl"))
	if len(logs) != 3 {
		t.Fatalf("%d audit logs", len(logs))
	}
	for _, l := range logs {
		verifyOK(t, r, l)
		data, _ := os.ReadFile(l)
		if !strings.Contains(string(data), `"type":"error"`) {
			t.Fatalf("failure not on record in %s", l)
		}
	}
}

// listenFunc serves each connection with serve until the test ends.
func listenFunc(t *testing.T, serve func(c net.Conn, done <-chan struct{})) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); defer c.Close(); serve(c, done) }()
		}
	}()
	t.Cleanup(func() { l.Close(); close(done); wg.Wait() })
	return l.Addr().String()
}
