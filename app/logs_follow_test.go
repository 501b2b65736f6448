package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"werkbank/cases"
	"werkbank/kb"
	"werkbank/remote"
)

// TestShellQuote runs the quoted words through a real shell: whatever the
// path holds, the shell sees one word and runs nothing of it.
func TestShellQuote(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []string{"/var/log/erp/server.log", "/tmp/it's a log", "/tmp/$(touch " + dir + "/pwned)", "/tmp/`touch " + dir + "/pwned`",
		"/tmp/a; touch " + dir + "/pwned", "/tmp/'''", `/tmp/back\slash "quoted" $HOME *`} {
		out, err := exec.Command("sh", "-c", "printf '%s|' "+shellQuote(s)).Output()
		if err != nil || string(out) != s+"|" {
			t.Errorf("quoted %q: the shell printed %q (%v)", s, out, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("a quoted path ran a command")
	}
	for _, bad := range []string{"", "var/log/x.log", "/var/log/../../etc/shadow", "/var/log/x\n.log", "/var/log/x\x00"} {
		if _, err := followCommand(bad); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
	if cmd, err := followCommand("/var/log/it's.log"); err != nil || cmd != `tail -n 200 -F -- '/var/log/it'\''s.log'` {
		t.Fatalf("command %q: %v", cmd, err)
	}
}

// TestFollowWriterBoundsLines checks the line splitting: CRLF, pieces of a
// line in several writes, an overlong line cut, invalid UTF-8 replaced.
func TestFollowWriterBoundsLines(t *testing.T) {
	f := &followView{}
	for _, p := range []string{"first\r\nsec", "ond\n", strings.Repeat("x", 3*maxFollowLine) + "\n", "bad \xff byte\nlast"} {
		if n, err := f.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("write %d: %d %v", len(p), n, err)
		}
	}
	got := f.take(true)
	if len(got) != 5 || got[0] != "first" || got[1] != "second" || len(got[2]) != maxFollowLine || got[3] != "bad \uFFFD byte" || got[4] != "last" {
		t.Fatalf("lines %d: %q %q %d %q", len(got), got[0], got[1], len(got[2]), got[3:])
	}
}

func TestFollowRemoteFileLive(t *testing.T) {
	srv := startUserSSHD(t)

	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	ctx := context.Background()
	c, err := h.u.cases.Create(ctx, cases.NewCase{Title: "Buchungslauf bricht ab", Customer: "Huber KG", Priority: 2, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	// The "remote" file: the test sshd runs on this machine. Its name
	// needs quoting.
	logFile := filepath.Join(t.TempDir(), "it's the server.log")
	var b strings.Builder
	for i := 1; i <= 250; i++ {
		fmt.Fprintf(&b, "2026-05-04 08:00:00 INFO line %d\n", i)
	}
	if err := os.WriteFile(logFile, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	h.u.selectScreen("logs")
	h.wait("the log viewer", func() bool { return h.u.ls != nil })
	s := h.u.ls
	test.Tap(findButton(t, h, "Follow remote file…"))
	h.wait("the follow dialog", func() bool { return s.following != nil && h.overlayButton("Follow") != nil })
	ff := s.following
	ff.caseSel.SetSelectedIndex(0)
	ff.target.SetText(srv.Target(t))
	ff.reason.SetText("Ticket 4712, Zustimmung per Mail")
	ff.path.SetText(logFile)
	test.Tap(h.overlayButton("Follow"))
	h.wait("the unknown-host dialog", func() bool { return h.overlayButton("Trust and connect") != nil })
	test.Tap(h.overlayButton("Trust and connect"))
	h.wait("the last 200 lines", func() bool {
		return ff.view != nil && len(ff.view.lines) == 200 && ff.view.lines[199] == "2026-05-04 08:00:00 INFO line 250"
	})
	if ff.view.lines[0] != "2026-05-04 08:00:00 INFO line 51" {
		t.Fatalf("first line %q", ff.view.lines[0])
	}
	// New lines appear as they are written.
	fh, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteString("2026-05-04 08:00:01 ERROR Deadlock on mrp_plan\n"); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	h.wait("the new line", func() bool {
		return ff.view.lines[len(ff.view.lines)-1] == "2026-05-04 08:00:01 ERROR Deadlock on mrp_plan"
	})
	if !strings.Contains(ff.view.status.Text, "audited") {
		t.Fatalf("status %q", ff.view.status.Text)
	}

	// Stop: the command ends, the session is closed and signed.
	test.Tap(ff.view.stop)
	h.wait("the end", func() bool { return strings.Contains(ff.view.status.Text, "is in the audit log") })
	res, err := remote.VerifyCase(h.u.ws.Dir, c.ID, remote.VerifyOptions{})
	if err != nil || len(res) != 1 || !res[0].OK() || !res[0].Ended || res[0].Reason != "Ticket 4712, Zustimmung per Mail" {
		t.Fatalf("audit %+v: %v", res, err)
	}
	af, err := os.Open(res[0].File)
	if err != nil {
		t.Fatal(err)
	}
	defer af.Close()
	want := "tail -n 200 -F -- " + shellQuote(logFile)
	var sawExec, sawEnd bool
	sc := bufio.NewScanner(af)
	for sc.Scan() {
		var ev remote.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		switch {
		case ev.Type == remote.EventExec && ev.Command == want:
			sawExec = true
		case ev.Type == remote.EventExecEnd && ev.Command == want && ev.Error != "":
			sawEnd = true
		}
	}
	if !sawExec || !sawEnd {
		t.Fatalf("audit log lacks the command (%v) or its end (%v)", sawExec, sawEnd)
	}
	got, err := h.u.cases.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := got.Activities[len(got.Activities)-1]
	if last.Kind != cases.KindRemote || !strings.Contains(last.Text, "followed "+logFile+" until stopped") {
		t.Fatalf("activity %+v", last)
	}

	// The lines become an attachment of the case and open in the viewer.
	test.Tap(ff.view.keep)
	h.wait("the attachment in the viewer", func() bool {
		return strings.Contains(ff.view.status.Text, "201 lines attached") && s.ix != nil && s.ix.Lines() == 201
	})
	got, err = h.u.cases.Get(ctx, c.ID)
	if err != nil || len(got.Attachments) != 1 || !strings.HasPrefix(got.Attachments[0].Name, "it's the server-") || s.path != h.u.cases.AttachmentPath(got.Attachments[0].SHA256) {
		t.Fatalf("attachments %+v, viewer %s: %v", got.Attachments, s.path, err)
	}
	ff.view.win.Close()
}
