package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
	"werkbank/logs"
	"werkbank/remote"
)

// Live follow of a remote log file: "tail -n 200 -F -- PATH" runs in an
// audited session (the audit log records the command and its end, with
// the exit status or why it stopped) and its lines are appended to a
// follow window as they arrive, until the user stops it or closes the
// window.

const (
	// maxFollowLines bounds the lines a follow window keeps (the oldest go).
	maxFollowLines = 100_000
	// maxFollowLine cuts longer lines, so that a 10 MB line cannot fill
	// the memory.
	maxFollowLine = 64 << 10
	// followFlush is how often new lines reach the window.
	followFlush = 100 * time.Millisecond
)

// shellQuote makes s one word for a POSIX shell: it is put in single
// quotes, and each single quote inside ends the quoting, is escaped with a
// backslash and opens it again.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// followCommand is the remote command that follows path. The path must be
// absolute and free of ".." and control characters.
func followCommand(path string) (string, error) {
	if !strings.HasPrefix(path, "/") {
		return "", fmt.Errorf("remote path %q: give the absolute path of the log file, e.g. /var/log/erp/server.log", path)
	}
	if err := remote.CheckRemotePath(path); err != nil {
		return "", err
	}
	return "tail -n 200 -F -- " + shellQuote(path), nil
}

// followView is one follow window and the session behind it.
type followView struct {
	u      *ui
	win    fyne.Window
	list   *widget.List
	status *widget.Label
	stop   *widget.Button
	// keep attaches the lines received so far to the case and opens them
	// in the viewer.
	keep *widget.Button
	// lines are the shown lines (Fyne goroutine only).
	lines []string
	// caseID, path and session say what is followed; session is set once
	// the session is open (Fyne goroutine only).
	caseID, path, session string

	mu sync.Mutex
	// pending are received lines not yet shown; partial is the start of
	// a line whose end has not arrived.
	pending []string
	partial []byte
	cancel  context.CancelFunc
	stopped bool
}

// Write takes the command's output and splits it into lines; the part of
// a line beyond maxFollowLine is dropped.
func (f *followView) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		if room := maxFollowLine - len(f.partial); room > 0 {
			f.partial = append(f.partial, chunk[:min(len(chunk), room)]...)
		}
		if i < 0 {
			break
		}
		f.endLine()
		p = p[i+1:]
	}
	return n, nil
}

// endLine moves the partial line to pending (f.mu held).
func (f *followView) endLine() {
	line := strings.TrimSuffix(string(f.partial), "\r")
	if !utf8.ValidString(line) {
		line = strings.ToValidUTF8(line, "\uFFFD")
	}
	f.pending = append(f.pending, line)
	if len(f.pending) > maxFollowLines {
		f.pending = f.pending[len(f.pending)-maxFollowLines:]
	}
	f.partial = f.partial[:0]
}

// take returns the pending lines; with final, the unfinished line too.
func (f *followView) take(final bool) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if final && len(f.partial) > 0 {
		f.endLine()
	}
	out := f.pending
	f.pending = nil
	return out
}

// show appends lines to the window (Fyne goroutine).
func (f *followView) show(lines []string) {
	if len(lines) == 0 {
		return
	}
	f.lines = append(f.lines, lines...)
	f.keep.Enable()
	if len(f.lines) > maxFollowLines {
		f.lines = append([]string(nil), f.lines[len(f.lines)-maxFollowLines:]...)
	}
	f.list.Refresh()
	f.list.ScrollToBottom()
}

// stopFollow ends the command; the session then writes its end.
func (f *followView) stopFollow() {
	f.mu.Lock()
	f.stopped = true
	cancel := f.cancel
	f.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// newFollowWindow makes the window of a follow.
func (s *logsScreen) newFollowWindow(req remote.SessionRequest, path string) *followView {
	f := &followView{u: s.u, caseID: req.Case, path: path}
	f.win = s.u.app.NewWindow(lang.X("logs.follow.title", "{{.Path}} on {{.Target}} (live)", map[string]any{"Path": path, "Target": req.Target}))
	f.list = widget.NewList(func() int { return len(f.lines) }, s.createItem, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id >= len(f.lines) {
			return
		}
		rt := o.(*widget.RichText)
		text := f.lines[id]
		rt.Segments = highlight(text, nil, levelColor(logs.LineLevel(text)))
		rt.Refresh()
	})
	f.status = widget.NewLabel(lang.X("logs.follow.connecting", "Connecting to {{.Target}}…", map[string]any{"Target": req.Target}))
	f.status.Truncation = fyne.TextTruncateEllipsis
	f.stop = widget.NewButtonWithIcon(lang.X("logs.follow.stop", "Stop"), theme.MediaStopIcon(), f.stopFollow)
	f.keep = widget.NewButtonWithIcon(lang.X("logs.follow.keep", "Attach to case and open"), theme.DocumentSaveIcon(), func() { s.keepFollowed(f) })
	f.keep.Disable()
	f.win.SetContent(container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(f.keep, f.stop), f.status), nil, nil, nil, f.list))
	f.win.SetOnClosed(f.stopFollow)
	f.win.Resize(fyne.NewSize(900, 560))
	return f
}

// follow runs the tail command in an audited session and feeds the window
// until it ends or is stopped.
func (s *logsScreen) follow(req remote.SessionRequest, path string) (*followView, error) {
	cmd, err := followCommand(path)
	if err != nil {
		return nil, err
	}
	f := s.newFollowWindow(req, path)
	f.win.Show()
	s.u.goBackground(func(uctx context.Context) {
		ctx, cancel := context.WithCancel(uctx)
		defer cancel()
		f.mu.Lock()
		f.cancel = cancel
		stopped := f.stopped
		f.mu.Unlock()
		if stopped {
			return
		}
		// The remote screen's configuration: the user's ssh files, the
		// agent and the dialogs for unknown hosts and secrets.
		rs := &remoteScreen{u: s.u}
		sessID, err := rs.withSession(ctx, req, func(sess *remote.Session) error {
			s.u.do(func() {
				f.session = sess.ID
				f.status.SetText(lang.X("logs.follow.running", "Following {{.Path}} on {{.Target}} (session {{.ID}}, audited)",
					map[string]any{"Path": path, "Target": req.Target, "ID": sess.ID}))
			})
			done := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				t := time.NewTicker(followFlush)
				defer t.Stop()
				for {
					select {
					case <-done:
						return
					case <-t.C:
						if lines := f.take(false); len(lines) > 0 {
							s.u.do(func() { f.show(lines) })
						}
					}
				}
			}()
			res, err := sess.Exec(ctx, cmd, f, f)
			close(done)
			wg.Wait()
			text := fmt.Sprintf("followed %s (exit status %d)", path, res.ExitStatus)
			if errors.Is(err, context.Canceled) {
				text, err = fmt.Sprintf("followed %s until stopped", path), nil
			}
			if uctx.Err() == nil {
				rs.logActivity(uctx, sess, text)
			}
			return err
		})
		last := f.take(true)
		s.u.do(func() {
			f.show(last)
			f.stop.Disable()
			switch {
			case err != nil && uctx.Err() == nil:
				f.status.SetText(lang.X("logs.follow.failed", "Stopped: {{.Err}}", map[string]any{"Err": err.Error()}))
			default:
				f.status.SetText(lang.X("logs.follow.ended", "Stopped; session {{.ID}} is in the audit log of the case.", map[string]any{"ID": sessID}))
			}
		})
	})
	return f, nil
}

// keepFollowed attaches the lines received so far to the case (as
// "<file>-<session>.log") and opens the attachment in the viewer, where
// its templates, known problems and findings are at hand.
func (s *logsScreen) keepFollowed(f *followView) {
	lines := append([]string(nil), f.lines...)
	name := strings.TrimSuffix(filepath.Base(f.path), ".log") + "-" + f.session + ".log"
	caseID, by := f.caseID, s.u.user.Name
	if by == "" {
		by = "unknown"
	}
	s.u.goBackground(func(ctx context.Context) {
		a, err := attachLines(ctx, s.u.cases, caseID, name, by, lines)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("logs.follow.keep.err", "The followed lines could not be attached to the case."), err)
				return
			}
			f.status.SetText(lang.X("logs.follow.kept", "{{.N}} lines attached to {{.Case}} as {{.Name}}.", map[string]any{"N": len(lines), "Case": caseID, "Name": a.Name}))
			s.openNamed(s.u.cases.AttachmentPath(a.SHA256), a.Name, caseID)
		})
	})
}

// attachLines writes lines to a temporary file called name and attaches
// it to the case; the attachment keeps its own durable copy.
func attachLines(ctx context.Context, store *cases.Store, caseID, name, by string, lines []string) (cases.Attachment, error) {
	dir, err := os.MkdirTemp("", "werkbank-follow-")
	if err != nil {
		return cases.Attachment{}, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, name)
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return cases.Attachment{}, fmt.Errorf("write %s: %w", tmp, err)
	}
	return store.AttachFile(ctx, caseID, tmp, by)
}

// followForm is the open "follow remote file" dialog (for tests).
type followForm struct {
	caseSel        *widget.Select
	caseIDs        []string
	target, reason *widget.Entry
	path           *widget.Entry
	dlg            dialog.Dialog
	// view is the started follow, nil until started.
	view *followView
}

// chooseFollow asks for the case, target, reason and path of a follow.
func (s *logsScreen) chooseFollow() {
	s.u.goBackground(func(ctx context.Context) {
		list, err := s.u.cases.List(ctx, true)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("cases.err.list", "The cases could not be listed."), err)
				return
			}
			s.followDialog(list)
		})
	})
}

func (s *logsScreen) followDialog(open []cases.Summary) {
	ff := &followForm{target: widget.NewEntry(), reason: widget.NewEntry(), path: widget.NewEntry()}
	var names []string
	for _, c := range open {
		names = append(names, c.ID+" · "+c.Title)
		ff.caseIDs = append(ff.caseIDs, c.ID)
	}
	ff.caseSel = newSelect(names, nil)
	ff.target.SetPlaceHolder(lang.X("remote.target.placeholder", "user@host:port or a host from ~/.ssh/config"))
	ff.reason.SetPlaceHolder(lang.X("remote.reason.placeholder", "Customer's consent or ticket reference"))
	ff.path.SetPlaceHolder("/var/log/erp/server.log")
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("remote.case", "Case"), ff.caseSel),
		widget.NewFormItem(lang.X("remote.target", "Target"), ff.target),
		widget.NewFormItem(lang.X("remote.reason", "Reason"), ff.reason),
		widget.NewFormItem(lang.X("logs.follow.path", "Remote file"), ff.path),
	}
	ff.dlg = dialog.NewForm(lang.X("logs.follow", "Follow remote file…"), lang.X("logs.follow.start", "Follow"), lang.X("remote.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		req := remote.SessionRequest{Target: strings.TrimSpace(ff.target.Text), Reason: strings.TrimSpace(ff.reason.Text)}
		if i := ff.caseSel.SelectedIndex(); i >= 0 {
			req.Case = ff.caseIDs[i]
		}
		if req.Case == "" || req.Target == "" || req.Reason == "" {
			s.u.showError(lang.X("logs.follow.err", "The remote file could not be followed."),
				errors.New(lang.X("logs.follow.need", "Choose the case and enter the target, the reason and the file.")))
			return
		}
		v, err := s.follow(req, ff.path.Text)
		if err != nil {
			s.u.showError(lang.X("logs.follow.err", "The remote file could not be followed."), err)
			return
		}
		ff.view = v
	}, s.u.window())
	ff.dlg.Resize(fyne.NewSize(560, 320))
	s.following = ff
	ff.dlg.Show()
}
