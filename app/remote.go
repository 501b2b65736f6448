package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/bridge"
	"werkbank/cases"
	"werkbank/remote"
)

// remoteScreen opens audited SSH sessions for a case and lists the case's
// sessions with the result of their audit verification.
type remoteScreen struct {
	u *ui

	caseSel  *widget.Select
	caseIDs  []string
	target   *widget.Entry
	jump     *widget.Entry
	reason   *widget.Entry
	command  *widget.Entry
	runBtn   *widget.Button
	collBtn  *widget.Button
	termBtn  *widget.Button
	shellBtn *widget.Button
	status   *widget.Label
	output   *widget.Entry
	list     *widget.List
	detail   *widget.Label
	sessions []*remote.VerifyResult
	// sessionsGen counts reloadSessions calls; only the newest one's
	// result is shown (an older verification may finish later).
	sessionsGen int
	// offered is the target offerTarget filled in ("" when none): a
	// target still equal to it was not typed by the user.
	offered string

	// mu guards busy: one remote action at a time.
	mu   sync.Mutex
	busy bool
	// cancelRun cancels the running command, nil when none runs (Fyne
	// goroutine only).
	cancelRun context.CancelFunc
	// collecting is the open "collect logs" dialog, nil when none.
	collecting *collectDialog
	// startTerminal starts the system terminal (replaced in tests).
	startTerminal func(args []string) error
	// pendingCase is chosen as soon as the case list has it.
	pendingCase string
	// shellWin and shellTerm are the last in-app shell window and its
	// terminal.
	shellWin  fyne.Window
	shellTerm *termView
	// selected is the chosen session (-1: none); playBtn plays its
	// recording in player.
	selected int
	playBtn  *widget.Button
	player   *player
}

// openRemoteFor shows the remote screen with the case chosen; the cases
// screen's "remote session" action calls it.
func (u *ui) openRemoteFor(caseID string) {
	u.selectScreen("remote")
	if u.rs != nil {
		u.rs.pendingCase = caseID
		u.rs.selectCase(caseID)
	}
}

// buildRemoteScreen makes the remote-sessions screen.
func buildRemoteScreen(u *ui) fyne.CanvasObject {
	s := &remoteScreen{u: u, startTerminal: startSystemTerminal, selected: -1}
	u.rs = s
	s.caseSel = widget.NewSelect(nil, func(string) { s.reloadSessions() })
	s.caseSel.PlaceHolder = lang.X("remote.case.placeholder", "Choose the case")
	s.target = widget.NewEntry()
	s.target.SetPlaceHolder(lang.X("remote.target.placeholder", "user@host:port or a host from ~/.ssh/config"))
	s.jump = widget.NewEntry()
	s.jump.SetPlaceHolder(lang.X("remote.jump.placeholder", "optional, else the ProxyJump of ~/.ssh/config (“none”: direct)"))
	s.reason = widget.NewEntry()
	s.reason.SetPlaceHolder(lang.X("remote.reason.placeholder", "Customer's consent or ticket reference"))
	s.command = widget.NewEntry()
	s.command.SetPlaceHolder(lang.X("remote.command.placeholder", "Command, e.g. df -h"))
	s.command.OnSubmitted = func(string) { s.runCommand() }
	s.runBtn = widget.NewButtonWithIcon(lang.X("remote.run", "Run"), theme.MediaPlayIcon(), s.runOrCancel)
	s.collBtn = widget.NewButtonWithIcon(lang.X("remote.collect", "Collect logs…"), theme.DownloadIcon(), s.openCollect)
	s.termBtn = widget.NewButtonWithIcon(lang.X("remote.terminal", "Open in system terminal"), theme.ComputerIcon(), s.openTerminal)
	s.shellBtn = widget.NewButtonWithIcon(lang.X("remote.shell", "Shell in the app"), theme.ComputerIcon(), s.openInAppShell)
	refresh := widget.NewButtonWithIcon(lang.X("remote.refresh", "Refresh"), theme.ViewRefreshIcon(), s.reload)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.output = widget.NewMultiLineEntry()
	s.output.TextStyle = fyne.TextStyle{Monospace: true}
	s.output.Wrapping = fyne.TextWrapOff
	s.output.SetPlaceHolder(lang.X("remote.output.placeholder", "Command output and collected files appear here."))
	s.detail = widget.NewLabel("")
	s.detail.Wrapping = fyne.TextWrapWord
	s.list = widget.NewList(func() int { return len(s.sessions) }, s.newRow, s.updateRow)
	s.list.OnSelected = func(id widget.ListItemID) { s.showSession(id) }
	s.playBtn = widget.NewButtonWithIcon(lang.X("remote.play", "Play recording"), theme.MediaPlayIcon(), s.playSelected)
	s.playBtn.Disable()

	form := widget.NewForm(
		widget.NewFormItem(lang.X("remote.case", "Case"), s.caseSel),
		widget.NewFormItem(lang.X("remote.target", "Target"), s.target),
		widget.NewFormItem(lang.X("remote.jump", "Jump host"), s.jump),
		widget.NewFormItem(lang.X("remote.reason", "Reason"), s.reason),
		widget.NewFormItem(lang.X("remote.command", "Command"), container.NewBorder(nil, nil, nil, s.runBtn, s.command)),
	)
	actions := container.NewHBox(s.collBtn, s.shellBtn, s.termBtn, refresh)
	left := container.NewBorder(container.NewVBox(form, actions, s.status), nil, nil, nil, s.output)
	head := widget.NewLabelWithStyle(lang.X("remote.sessions", "SSH sessions of the case (audit verified)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewVSplit(container.NewBorder(head, nil, nil, nil, s.list),
		container.NewBorder(nil, container.NewHBox(s.playBtn), nil, nil, container.NewVScroll(s.detail)))
	right.Offset = 0.6
	split := container.NewHSplit(left, right)
	split.Offset = 0.55
	u.onShow["remote"] = s.reload
	s.reload()
	return split
}

func (s *remoteScreen) newRow() fyne.CanvasObject {
	return container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), widget.NewLabel("2026-01-01 00:00 someone → user@host:22"))
}

func (s *remoteScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.sessions) {
		return
	}
	r := s.sessions[id]
	box := o.(*fyne.Container)
	icon := theme.ConfirmIcon()
	if !r.OK() {
		icon = theme.ErrorIcon()
	}
	box.Objects[0].(*widget.Icon).SetResource(icon)
	box.Objects[1].(*widget.Label).SetText(sessionLine(r))
}

// sessionLine is one session in the list.
func sessionLine(r *remote.VerifyResult) string {
	when := r.Started
	if len(when) >= 16 {
		when = strings.Replace(when[:16], "T", " ", 1)
	}
	state := lang.X("remote.session.ok", "verified")
	if !r.OK() {
		state = fmt.Sprintf(lang.X("remote.session.bad", "%d problem(s)"), len(r.Problems))
	}
	return fmt.Sprintf("%s  %s → %s  (%s)", when, r.Who, r.Target, state)
}

// showSession shows a session's details and any verification problems.
func (s *remoteScreen) showSession(id int) {
	if id >= len(s.sessions) {
		return
	}
	r := s.sessions[id]
	s.selected = id
	setEnabled(s.playBtn, len(r.Recordings) > 0)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %d\n%s: %s\n",
		lang.X("remote.detail.session", "Session"), r.Session,
		lang.X("remote.detail.who", "Who"), r.Who,
		lang.X("remote.detail.target", "Target"), r.Target,
		lang.X("remote.detail.reason", "Reason"), r.Reason,
		lang.X("remote.detail.events", "Events"), r.Events,
		lang.X("remote.detail.signer", "Signed by workstation key"), r.Signer)
	for _, rec := range r.Recordings {
		fmt.Fprintf(&b, "%s: %s\n", lang.X("remote.detail.recording", "Recording"), rec)
	}
	if r.OK() {
		b.WriteString(lang.X("remote.detail.ok", "The hash chain, the signatures and the recordings check."))
	} else {
		b.WriteString(lang.X("remote.detail.problems", "Verification found problems:") + "\n")
		for _, p := range r.Problems {
			b.WriteString("• " + p.String() + "\n")
		}
	}
	s.detail.SetText(b.String())
}

// reload refreshes the case choice and the sessions.
func (s *remoteScreen) reload() {
	s.u.goBackground(func(ctx context.Context) {
		list, err := s.u.cases.List(ctx, false)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("remote.err.cases", "The cases could not be listed."), err)
				return
			}
			s.setCases(list)
			s.reloadSessions()
		})
	})
}

// setCases fills the case choice, keeping the selection.
func (s *remoteScreen) setCases(list []cases.Summary) {
	sel := s.selectedCase()
	s.caseIDs = s.caseIDs[:0]
	opts := make([]string, 0, len(list))
	for _, c := range list {
		s.caseIDs = append(s.caseIDs, c.ID)
		opts = append(opts, c.ID+" — "+c.Title)
	}
	s.caseSel.Options = opts
	if s.pendingCase != "" {
		sel = s.pendingCase
	}
	if i := slices.Index(s.caseIDs, sel); i >= 0 {
		s.caseSel.SetSelectedIndex(i)
		s.pendingCase = ""
	}
	s.caseSel.Refresh()
}

// selectCase selects the case with the given id (e.g. from the cases
// screen).
func (s *remoteScreen) selectCase(id string) {
	if i := slices.Index(s.caseIDs, id); i >= 0 {
		s.caseSel.SetSelectedIndex(i)
		s.pendingCase = ""
	}
}

// selectedCase returns the chosen case id ("" when none).
func (s *remoteScreen) selectedCase() string {
	i := s.caseSel.SelectedIndex()
	if i < 0 || i >= len(s.caseIDs) {
		return ""
	}
	return s.caseIDs[i]
}

// reloadSessions verifies the chosen case's audit logs in the background.
func (s *remoteScreen) reloadSessions() {
	id := s.selectedCase()
	if id == "" {
		s.offerTarget(s.sessions, nil)
		s.sessions = nil
		s.list.Refresh()
		s.detail.SetText(lang.X("remote.nocase", "Choose a case: every remote session belongs to one, and its audited sessions are listed here."))
		return
	}
	dir := s.u.ws.Dir
	s.sessionsGen++
	gen := s.sessionsGen
	s.u.goBackground(func(ctx context.Context) {
		res, err := remote.VerifyCase(dir, id, remote.VerifyOptions{})
		slices.Reverse(res) // newest first
		s.u.do(func() {
			if gen != s.sessionsGen {
				return
			}
			if s.selectedCase() != id {
				return
			}
			if err != nil {
				s.u.showError(lang.X("remote.err.verify", "The audit logs could not be read."), err)
				res = nil // the list must not go on showing another case's sessions
			}
			s.offerTarget(s.sessions, res)
			s.sessions = res
			s.selected = -1
			setEnabled(s.playBtn, false)
			s.list.UnselectAll()
			s.list.Refresh()
			s.detail.SetText("")
		})
	})
}

// offerTarget fills in the target of the newest verified session in next
// (the chosen case's) when the field is empty or holds a target that was
// filled in, or used in prev (the sessions shown so far): such a target is
// replaced or cleared, so that a session does not go to another case's
// system by mistake. A target the user typed and has not used is kept.
func (s *remoteScreen) offerTarget(prev, next []*remote.VerifyResult) {
	cur := strings.TrimSpace(s.target.Text)
	if cur != "" && cur != s.offered && cur != lastTarget(prev) {
		return
	}
	s.offered = lastTarget(next)
	s.target.SetText(s.offered)
}

// lastTarget is the target of the newest session whose audit log checks
// (sessions come newest first); a log that does not check offers nothing.
func lastTarget(sessions []*remote.VerifyResult) string {
	for _, r := range sessions {
		if r.OK() {
			return r.Target
		}
	}
	return ""
}

// request checks the form and returns the session request.
func (s *remoteScreen) request() (remote.SessionRequest, bool) {
	req := remote.SessionRequest{Case: s.selectedCase(), Target: strings.TrimSpace(s.target.Text), Reason: strings.TrimSpace(s.reason.Text),
		ProxyJump: strings.TrimSpace(s.jump.Text)}
	switch {
	case req.Case == "":
		s.status.SetText(lang.X("remote.need.case", "Choose the case the session belongs to."))
	case req.Target == "":
		s.status.SetText(lang.X("remote.need.target", "Enter the target, e.g. root@erp01.customer.example."))
	case req.Reason == "":
		s.status.SetText(lang.X("remote.need.reason", "Enter the reason: the customer's consent or the ticket reference."))
	default:
		return req, true
	}
	return req, false
}

// begin marks the screen busy; false when another action runs.
func (s *remoteScreen) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy {
		return false
	}
	s.busy = true
	setEnabled(s.runBtn, false)
	setEnabled(s.collBtn, false)
	return true
}

// end marks the screen idle again: Run (no longer Cancel) and Collect
// can be used.
func (s *remoteScreen) end() {
	s.mu.Lock()
	s.busy = false
	s.mu.Unlock()
	s.cancelRun = nil
	s.runBtn.SetText(lang.X("remote.run", "Run"))
	s.runBtn.SetIcon(theme.MediaPlayIcon())
	setEnabled(s.runBtn, true)
	setEnabled(s.collBtn, true)
}

// runOrCancel runs the command, or cancels it while it runs (the Run
// button reads Cancel then).
func (s *remoteScreen) runOrCancel() {
	if s.cancelRun != nil {
		s.cancelRun()
		setEnabled(s.runBtn, false)
		s.status.SetText(lang.X("remote.cancelling", "Cancelling the command…"))
		return
	}
	s.runCommand()
}

// runCommand runs the command in a new audited session and shows its
// output. A failed command is logged in the case's activities too.
func (s *remoteScreen) runCommand() {
	req, ok := s.request()
	cmd := strings.TrimSpace(s.command.Text)
	if !ok {
		return
	}
	if cmd == "" {
		s.status.SetText(lang.X("remote.need.command", "Enter a command."))
		return
	}
	if !s.begin() {
		return
	}
	ctx, cancel := context.WithCancel(s.u.ctx)
	s.cancelRun = cancel
	s.runBtn.SetText(lang.X("remote.cancel", "Cancel"))
	s.runBtn.SetIcon(theme.CancelIcon())
	setEnabled(s.runBtn, true)
	s.status.SetText(fmt.Sprintf(lang.X("remote.running", "Running on %s…"), req.Target))
	s.u.goBackground(func(context.Context) {
		defer cancel()
		var out syncText
		res, err := s.withSession(ctx, req, func(sess *remote.Session) error {
			r, err := sess.Exec(ctx, cmd, &out, &out)
			if err != nil {
				// Logged even when cancelled: the command did start.
				msg := err.Error()
				if errors.Is(err, context.Canceled) {
					msg = errCancelled.Error() // not the cut session's audit error
				}
				s.logActivity(context.WithoutCancel(ctx), sess, cases.MsgRemoteFailed, "command", cmd, "error", msg)
				return err
			}
			s.logActivity(ctx, sess, cases.MsgRemoteExec, "command", cmd, "status", strconv.Itoa(r.ExitStatus), "duration", r.Duration.Round(time.Millisecond).String())
			return nil
		})
		s.u.do(func() {
			s.end()
			s.output.SetText(out.String())
			switch {
			case errors.Is(err, context.Canceled):
				s.status.SetText(lang.X("remote.cancelled", "The command was cancelled."))
			case err != nil:
				s.status.SetText("")
				s.u.showError(lang.X("remote.err.run", "The command could not be run."), err)
			default:
				s.status.SetText(fmt.Sprintf(lang.X("remote.done", "Done; session %s is in the audit log."), res))
			}
			s.reloadSessions()
		})
	})
}

// withSession opens an audited session, runs f and closes the session;
// it returns the session id.
func (s *remoteScreen) withSession(ctx context.Context, req remote.SessionRequest, f func(*remote.Session) error) (string, error) {
	r, err := remote.New(s.remoteConfig(ctx))
	if err != nil {
		return "", err
	}
	sess, err := r.Open(ctx, req)
	if err != nil {
		return "", err
	}
	ferr := f(sess)
	cerr := sess.Close()
	if ferr != nil {
		return sess.ID, ferr
	}
	return sess.ID, cerr
}

// logActivity adds what the session did (a cases.MsgRemote* code with its
// values as name, value pairs) to the case's activities; a failure is
// logged (the audit log has the session anyway).
func (s *remoteScreen) logActivity(ctx context.Context, sess *remote.Session, code string, args ...string) {
	_, err := s.u.cases.AddActivity(ctx, sess.Case, bridge.SessionActivity(sess, s.who(), code, args...))
	if err != nil {
		fyne.LogError("log remote session", err)
	}
}

// syncText collects output from the session goroutines.
type syncText struct {
	mu sync.Mutex
	b  strings.Builder
}

func (t *syncText) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.b.Len() < 1<<20 {
		t.b.Write(p)
	}
	return len(p), nil
}

func (t *syncText) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}
