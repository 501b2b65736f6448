package app

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/ssh"

	"werkbank/cases"
	"werkbank/kb"
	"werkbank/remote"
	"werkbank/remote/sshdtest"
)

func TestRemoteScreenAgainstRealSSHD(t *testing.T) {
	srv := startUserSSHD(t)

	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	ctx := context.Background()
	c, err := h.u.cases.Create(ctx, cases.NewCase{Title: "Druckjob hängt", Customer: "Huber KG", Priority: 2, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	h.u.openRemoteFor(c.ID)
	h.wait("the remote screen with the case chosen", func() bool { return h.u.rs != nil && h.u.rs.selectedCase() == c.ID })
	rs := h.u.rs

	// The form says what is missing.
	rs.target.SetText(srv.Target(t))
	rs.command.SetText("echo gui-$((6*7))")
	test.Tap(rs.runBtn)
	if !strings.Contains(rs.status.Text, "reason") {
		t.Fatalf("status %q", rs.status.Text)
	}
	rs.reason.SetText("Ticket 4711, Zustimmung per Telefon")

	// Unknown host: the fingerprint is shown and must be confirmed.
	test.Tap(rs.runBtn)
	h.wait("the unknown-host dialog", func() bool { return h.overlayButton("Trust and connect") != nil })
	if txt := h.dialogText(); !strings.Contains(txt, ssh.FingerprintSHA256(srv.HostKey)) || !strings.Contains(txt, srv.Addr()) {
		t.Fatalf("dialog %q", txt)
	}
	test.Tap(h.overlayButton("Trust and connect"))
	h.wait("the command output", func() bool { return strings.Contains(rs.output.Text, "gui-42") })
	h.wait("the verified, ended session", func() bool { return len(rs.sessions) == 1 && rs.sessions[0].Ended })
	if !rs.sessions[0].OK() || rs.sessions[0].Reason != "Ticket 4711, Zustimmung per Telefon" || rs.sessions[0].Who != "tester" {
		t.Fatalf("session %+v", rs.sessions[0])
	}
	rs.list.Select(0)
	if !strings.Contains(rs.detail.Text, "signatures") {
		t.Fatalf("detail %q", rs.detail.Text)
	}

	// Collect a log through the dialog.
	logFile := filepath.Join(t.TempDir(), "erp.log")
	if err := os.WriteFile(logFile, []byte(strings.Repeat("ERROR printer queue stuck\n", 5000)), 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(rs.collBtn)
	h.wait("the collect dialog", func() bool { return rs.collecting != nil })
	rs.collecting.paths.SetText(logFile + "\n" + filepath.Join(filepath.Dir(logFile), "missing.log"))
	test.Tap(rs.collecting.startBtn)
	h.wait("the collection", func() bool {
		return strings.Contains(rs.output.Text, logFile) && strings.Contains(rs.output.Text, "missing.log")
	})
	if rs.collecting.bar.Value != 1 || !strings.Contains(rs.output.Text, "FAILED") {
		t.Fatalf("progress %v, output %q", rs.collecting.bar.Value, rs.output.Text)
	}
	h.wait("the dialog's summary", func() bool { return strings.HasPrefix(rs.collecting.file.Text, "1 collected, 1 failed (session ") })
	if !strings.Contains(rs.collecting.file.Text, "missing.log") {
		t.Errorf("the dialog does not name the file that failed: %q", rs.collecting.file.Text)
	}
	// The next collection for the case starts with the same paths.
	first := rs.collecting
	first.d.Hide()
	test.Tap(rs.collBtn)
	h.wait("the collect dialog again", func() bool { return rs.collecting != first })
	if want := logFile + "\n" + filepath.Join(filepath.Dir(logFile), "missing.log"); rs.collecting.paths.Text != want {
		t.Errorf("paths %q, want %q", rs.collecting.paths.Text, want)
	}
	rs.collecting.d.Hide()
	got, err := h.u.cases.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Attachments) != 1 || got.Attachments[0].Name != "erp.log" {
		t.Fatalf("attachments %+v", got.Attachments)
	}
	if shot := os.Getenv("WERKBANK_SHOT"); shot != "" {
		writeShot(t, h, shot)
	}
	remoteActs := 0
	for _, a := range got.Activities {
		if a.Kind == cases.KindRemote {
			remoteActs++
		}
	}
	if remoteActs != 2 {
		t.Fatalf("%d remote activities", remoteActs)
	}
	h.wait("both sessions", func() bool { return len(rs.sessions) == 2 })

	// "Open in system terminal" runs werkbank remote shell for the case.
	var started []string
	rs.startTerminal = func(args []string) error { started = args; return nil }
	test.Tap(rs.termBtn)
	joined := strings.Join(started, " ")
	if !strings.Contains(joined, "remote shell --case "+c.ID) || !strings.Contains(joined, srv.Target(t)) || !strings.Contains(joined, "--data "+h.u.ws.Dir) {
		t.Fatalf("terminal args %q", joined)
	}

	// A case's last target is filled in; one filled in for another case
	// is not carried over, one the user typed is kept.
	other, err := h.u.cases.Create(ctx, cases.NewCase{Title: "Lizenzserver", Customer: "Berger AG", Priority: 3, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	rs.reload()
	rs.target.SetText("")
	h.wait("the other case in the list", func() bool { return slices.Contains(rs.caseIDs, other.ID) })
	rs.selectCase(c.ID)
	h.wait("the last target offered", func() bool { return rs.target.Text == srv.Target(t) })
	rs.selectCase(other.ID)
	h.wait("the offered target withdrawn", func() bool { return rs.target.Text == "" && len(rs.sessions) == 0 })
	rs.target.SetText("admin@lizenz.berger.example")
	rs.selectCase(c.ID)
	h.wait("the sessions of the first case", func() bool { return len(rs.sessions) == 2 })
	if rs.target.Text != "admin@lizenz.berger.example" {
		t.Errorf("the typed target was replaced by %q", rs.target.Text)
	}
	// A typed target used in a session is withdrawn like a filled-in one
	// when the case changes.
	rs.target.SetText(srv.Target(t))
	rs.selectCase(other.ID)
	h.wait("the used target withdrawn", func() bool { return rs.target.Text == "" && len(rs.sessions) == 0 })
}

// writeShot saves the window as a PNG (for a look at the layout).
func writeShot(t *testing.T, h *harness, file string) { writeCanvas(t, h.w.Canvas(), file) }

// writeCanvas saves a canvas as a PNG.
func writeCanvas(t *testing.T, c fyne.Canvas, file string) {
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.Capture()); err != nil {
		t.Fatal(err)
	}
}

func TestInAppShellTerminal(t *testing.T) {
	srv := startUserSSHD(t)
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	if err := os.WriteFile(filepath.Join(h.u.ws.Dir, "known_hosts"), []byte(srv.KnownHostsLine()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := h.u.cases.Create(ctx, cases.NewCase{Title: "Job hängt", Customer: "Kraus", Priority: 3, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	h.u.openRemoteFor(c.ID)
	h.wait("the case chosen", func() bool { return h.u.rs != nil && h.u.rs.selectedCase() == c.ID })
	rs := h.u.rs
	rs.target.SetText(srv.Target(t))
	rs.reason.SetText("Ticket 99")
	test.Tap(rs.shellBtn)
	term := rs.shellTerm
	if term == nil {
		t.Fatal("no terminal window")
	}
	test.Type(term, "echo tv-$((6*7)) ü")
	term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.wait("the command's output in the terminal", func() bool { return strings.Contains(term.grid.Text(), "tv-42 ü") })
	if shot := os.Getenv("WERKBANK_TERM_SHOT"); shot != "" {
		test.Type(term, "ls --color=always /")
		term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		h.settle()
		rs.shellWin.Resize(fyne.NewSize(1000, 600))
		writeCanvas(t, rs.shellWin.Canvas(), shot)
	}
	// A smaller window makes a smaller terminal, on the remote side too.
	rs.shellWin.Resize(fyne.NewSize(640, 360))
	cols, rows := term.size()
	if cols >= 110 || rows >= 32 {
		t.Fatalf("terminal still %dx%d", cols, rows)
	}
	test.Type(term, "stty size")
	term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.wait("the new size on the remote side", func() bool { return strings.Contains(term.grid.Text(), fmt.Sprintf("\n%d %d", rows, cols)) })
	test.Type(term, "exit 0")
	term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.wait("the shell's end", func() bool { return strings.Contains(rs.shellWin.Title(), "ended") })
	h.wait("the session with its recording", func() bool { return len(rs.sessions) == 1 && len(rs.sessions[0].Recordings) == 1 })
	if !rs.sessions[0].OK() {
		t.Fatalf("session %+v", rs.sessions[0])
	}
	rec, err := os.ReadFile(filepath.Join(h.u.ws.Dir, "recordings", rs.sessions[0].Recordings[0]))
	if err != nil || !strings.Contains(string(rec), "tv-42") {
		t.Fatalf("recording: %v", err)
	}
	// The session's recording plays back in the app.
	rs.list.Select(0)
	test.Tap(rs.playBtn)
	if rs.player == nil {
		t.Fatal("no player")
	}
	test.Tap(rs.player.skipBtn)
	h.wait("the played-back output", func() bool { return strings.Contains(rs.player.term.grid.Text(), "tv-42 ü") })
}

func TestPlayRecording(t *testing.T) {
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	h.u.selectScreen("remote")
	h.wait("the remote screen", func() bool { return h.u.rs != nil })
	rs := h.u.rs
	cast := filepath.Join(t.TempDir(), "s.cast")
	body := `{"version":2,"width":60,"height":10,"timestamp":1700000000,"env":{"TERM":"xterm"}}
[0.1,"o","root@erp:~# df -h\r\n"]
[0.2,"o","/dev/sda1  \u001b[31m97%\u001b[0m  /var\r\n"]
[30.0,"r","70x12"]
[60.0,"o","root@erp:~# exit\r\n"]
`
	if err := os.WriteFile(cast, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	rs.playRecording(cast)
	p := rs.player
	if p == nil {
		t.Fatal("no player")
	}
	h.wait("the first output", func() bool { return strings.Contains(p.term.grid.Text(), "/dev/sda1  97%  /var") })
	// The pauses of 30 s are capped, and "skip" plays the rest at once.
	test.Tap(p.skipBtn)
	h.wait("the end of the recording", func() bool { return strings.Contains(p.term.grid.Text(), "# exit") })
	if c, r := p.term.size(); c != 70 || r != 12 {
		t.Fatalf("size after the resize event %dx%d", c, r)
	}

	// A damaged recording is refused with a message.
	if err := os.WriteFile(cast, []byte("not a recording\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rs.player = nil
	rs.playRecording(cast)
	if rs.player != nil || !strings.Contains(h.dialogText(), "asciicast") {
		t.Fatalf("damaged recording: %q", h.dialogText())
	}
}

func TestRemoteCommandCancel(t *testing.T) {
	srv := startUserSSHD(t)
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	if err := os.WriteFile(filepath.Join(h.u.ws.Dir, "known_hosts"), []byte(srv.KnownHostsLine()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := h.u.cases.Create(ctx, cases.NewCase{Title: "Log läuft voll", Customer: "Kraus", Priority: 3, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	h.u.openRemoteFor(c.ID)
	h.wait("the case chosen", func() bool { return h.u.rs != nil && h.u.rs.selectedCase() == c.ID })
	rs := h.u.rs
	marker := filepath.Join(t.TempDir(), "started")
	cmd := "touch " + shellQuote(marker) + "; sleep 300"
	rs.target.SetText(srv.Target(t))
	rs.reason.SetText("Ticket 12")
	rs.command.SetText(cmd)

	// While the command runs, Run reads Cancel and Collect waits.
	test.Tap(rs.runBtn)
	if rs.runBtn.Text != "Cancel" || rs.runBtn.Disabled() || !rs.collBtn.Disabled() {
		t.Fatalf("running: run button %q (disabled %v), collect disabled %v", rs.runBtn.Text, rs.runBtn.Disabled(), rs.collBtn.Disabled())
	}
	h.wait("the command on the remote side", func() bool { _, err := os.Stat(marker); return err == nil })
	test.Tap(rs.runBtn)
	h.wait("the end of the running state", func() bool {
		return rs.runBtn.Text == "Run" && !rs.runBtn.Disabled() && !rs.collBtn.Disabled()
	})
	if !strings.Contains(rs.status.Text, "cancelled") || h.dialogText() != "" {
		t.Fatalf("status %q, dialog %q", rs.status.Text, h.dialogText())
	}

	// The failed command is in the case's activities, as the CLI logs it.
	got, err := h.u.cases.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := got.Activities[len(got.Activities)-1]
	if last.Kind != cases.KindRemote || last.System == nil || last.System.Code != cases.MsgRemoteFailed ||
		last.System.Args["command"] != cmd || last.System.Args["error"] != "cancelled by the user" {
		t.Fatalf("last activity %+v (%+v)", last, last.System)
	}
	h.wait("the ended session", func() bool { return len(rs.sessions) == 1 && rs.sessions[0].Ended })
	if !rs.sessions[0].OK() {
		t.Fatalf("the cut session does not verify: %+v", rs.sessions[0].Problems)
	}

	// The buttons work again: the next command runs.
	rs.command.SetText("echo again-$((6*7))")
	test.Tap(rs.runBtn)
	h.wait("the next command's output", func() bool { return strings.Contains(rs.output.Text, "again-42") })
}

// startUserSSHD gives the test a home folder of its own whose
// ~/.ssh/id_ed25519 (the app's default key, no agent) logs in to the real
// sshd it starts.
func startUserSSHD(t *testing.T) *sshdtest.Server {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("SSH_AUTH_SOCK", "")
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, pub := sshdtest.UserKey(t, filepath.Join(home, ".ssh"), "id_ed25519", nil)
	return sshdtest.Start(t, pub)
}

// The collect dialog names the first failed files, and what else went
// wrong beyond single files: a cancel, the session's end, the audit.
func TestCollectStatusSaysWhatElseFailed(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	res := &remote.CollectResult{Files: []remote.CollectedFile{{RemotePath: "/var/log/a.log"}}}
	var errs []error
	for i := range 7 {
		f := remote.CollectError{Path: fmt.Sprintf("/var/log/missing-%d.log", i), Err: os.ErrNotExist}
		res.Failed = append(res.Failed, f)
		errs = append(errs, f)
	}
	closeErr := errors.New("sign the end of the session: disk full")
	err := errors.Join(closeErr, errors.Join(append(errs, context.Canceled)...))
	got := collectStatus("S-1", res, err)
	for _, want := range []string{"1 collected, 7 failed (session S-1).", "missing-0.log", "missing-4.log", "… and 2 more",
		"Cancelled: the files not listed as collected were not fetched.", "disk full"} {
		if !strings.Contains(got, want) {
			t.Errorf("status lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "missing-5.log") {
		t.Errorf("status lists more than the first five failures:\n%s", got)
	}
	if report := collectReport(res, err); !strings.Contains(report, "missing-6.log") || !strings.Contains(report, "disk full") || strings.Count(report, "missing-3.log") != 1 {
		t.Errorf("report:\n%s", report)
	}
	// Without a session, the reason it failed.
	if got := collectStatus("", nil, errors.New("connect: connection refused")); got != "connect: connection refused" {
		t.Errorf("status %q", got)
	}
}
