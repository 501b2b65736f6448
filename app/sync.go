package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
	"werkbank/kb"
	wsync "werkbank/sync"
)

// syncBar is the sync status in the top bar: online or offline, the time
// of the last sync, pending edits and conflicts, a button to sync now, the
// conflicts and the server settings. It owns the background sync loop.
type syncBar struct {
	u      *ui
	client *wsync.Client
	state  *widget.Label
	now    *widget.Button
	confl  *widget.Button
	// trigger starts a round at once (the button, new settings).
	trigger chan struct{}
	// last is the status shown, for tests.
	last wsync.Status
	// asked is set while a round the user asked for runs; when it finds
	// no server set, the server settings open.
	asked bool
}

// pollWait is how long the loop waits on the server's change feed before
// a round that also sends local edits.
const pollWait = 10 * time.Second

// startSync puts the sync status into the top bar and starts the
// background loop (stopped when the window closes).
func (u *ui) startSync() {
	client, err := wsync.NewClient(u.ctx, wsync.ClientConfig{
		DB: u.ws.DB, BlobDir: u.ws.Path("attachments"),
		Replicas: []wsync.Replica{kb.NewReplica(u.kb), cases.NewReplica(u.cases),
			wsync.AuditLogs(u.ws.Path("audit")), wsync.Recordings(u.ws.Path("recordings"), u.ws.Path("attachments"))},
	})
	if err != nil {
		fyne.LogError("start sync", err)
		u.status.Add(widget.NewLabel(lang.X("sync.broken", "Sync unavailable")))
		return
	}
	s := &syncBar{u: u, client: client, trigger: make(chan struct{}, 1)}
	s.state = widget.NewLabel(lang.X("sync.starting", "Sync …"))
	s.now = widget.NewButton(lang.X("sync.now", "Sync now"), s.kick)
	s.confl = widget.NewButton("", s.showConflicts)
	s.confl.Hide()
	settings := widget.NewButton(lang.X("sync.server", "Sync server…"), s.showSettings)
	u.status.Add(container.NewHBox(s.state, s.confl, s.now, settings))
	u.sync = s
	u.goBackground(s.loop)
}

// kick asks the loop for a round now.
func (s *syncBar) kick() {
	s.asked = true
	s.state.SetText(lang.X("sync.starting", "Sync …"))
	select {
	case s.trigger <- struct{}{}:
	default:
	}
}

// loop runs rounds: after a good one it waits on the server's change feed
// (so changes arrive within about a second) or pollWait; after a failed
// one it backs off; the button cuts any wait short.
func (s *syncBar) loop(ctx context.Context) {
	backoff := 5 * time.Second
	for {
		rep, err := s.client.Sync(ctx)
		if ctx.Err() != nil {
			return
		}
		st, serr := s.client.Status(ctx)
		if serr != nil {
			fyne.LogError("sync status", serr)
		}
		s.u.do(func() { s.show(st, rep, err) })
		wait := time.Duration(0)
		switch {
		case errors.Is(err, wsync.ErrNoServer):
			wait = time.Hour
		case err != nil:
			wait, backoff = backoff, min(2*backoff, time.Minute)
		default:
			backoff = 5 * time.Second
			s.poll(ctx)
		}
		if wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-timer.C:
			case <-s.trigger:
			case <-ctx.Done():
			}
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// poll waits until the server has changes, pollWait passed or the button
// was pressed.
func (s *syncBar) poll(ctx context.Context) {
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := s.client.Wait(pctx, pollWait); err != nil && pctx.Err() == nil {
			// Offline now: the next round finds out and backs off.
			fyne.LogError("wait for changes", err)
		}
	}()
	select {
	case <-done:
	case <-s.trigger:
	case <-ctx.Done():
	}
	cancel()
	<-done
}

// show puts a round's outcome into the bar and refreshes the screens when
// documents arrived.
func (s *syncBar) show(st wsync.Status, rep wsync.Report, err error) {
	s.last = st
	var parts []string
	switch {
	case errors.Is(err, wsync.ErrNoServer):
		parts = append(parts, lang.X("sync.unset", "Sync: no server set"))
	case st.Online:
		parts = append(parts, "● "+lang.X("sync.online", "Online"))
	default:
		parts = append(parts, "○ "+lang.X("sync.offline", "Offline"))
	}
	if !st.LastSync.IsZero() {
		parts = append(parts, lang.X("sync.last", "synced {{.Time}}", map[string]any{"Time": st.LastSync.Local().Format("02.01. 15:04")}))
	}
	if st.Pending > 0 {
		parts = append(parts, lang.X("sync.pending", "{{.N}} pending", map[string]any{"N": st.Pending}))
	}
	if st.Held > 0 {
		parts = append(parts, lang.X("sync.held", "{{.N}} refused by the server", map[string]any{"N": st.Held}))
	}
	if st.Failed > 0 {
		parts = append(parts, lang.X("sync.failed", "{{.N}} could not be stored here", map[string]any{"N": st.Failed}))
	}
	s.state.SetText(strings.Join(parts, " · "))
	if err != nil && !errors.Is(err, wsync.ErrNoServer) {
		s.state.SetText(s.state.Text + " ⚠")
		fyne.LogError("sync", err)
	}
	if st.Conflicts > 0 {
		s.confl.SetText(lang.X("sync.conflicts", "{{.N}} conflicts", map[string]any{"N": st.Conflicts}))
		s.confl.Show()
	} else {
		s.confl.Hide()
	}
	if s.asked && errors.Is(err, wsync.ErrNoServer) {
		s.showSettings()
	}
	s.asked = false
	if rep.Pulled > 0 || rep.Merged > 0 {
		s.u.articleChanged(kb.Article{})
		if s.u.cs != nil {
			s.u.cs.reload()
		}
	}
}

// showConflicts lists the documents with conflicting edits, every value
// side by side; the user edits the document and marks it resolved.
func (s *syncBar) showConflicts() {
	w := s.u.window()
	list, err := s.client.Conflicts(s.u.ctx)
	if err != nil {
		s.u.showError(lang.X("sync.err.conflicts", "The conflicts could not be read."), err)
		return
	}
	box := container.NewVBox(widget.NewLabel(lang.X("sync.conflicts.help",
		"These documents were changed in different ways at the same time. Every version is kept: edit the document to say what it should, then mark it resolved.")))
	var d dialog.Dialog
	for _, dc := range list {
		box.Add(widget.NewLabelWithStyle(fmt.Sprintf("%s %s", dc.Kind, dc.ID), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, c := range dc.Conflicts {
			cols := container.NewGridWithColumns(len(c.Variants))
			for _, v := range c.Variants {
				e := widget.NewMultiLineEntry()
				e.SetText(variantText(v.Value))
				e.Wrapping = fyne.TextWrapWord
				e.SetMinRowsVisible(4)
				e.Disable()
				var use fyne.CanvasObject
				if dc.Kind == wsync.KindArticle {
					id, field, value := dc.ID, c.Field, v.Value
					use = widget.NewButton(lang.X("sync.use", "Use this"), func() {
						if err := s.useArticleValue(id, field, value); err != nil {
							s.u.showError(lang.X("sync.err.use", "The article could not be saved with this version."), err)
						}
					})
				}
				cols.Add(container.NewBorder(widget.NewLabel(c.Field+" · "+v.Replica), use, nil, nil, e))
			}
			box.Add(cols)
		}
		kind, id := dc.Kind, dc.ID
		box.Add(widget.NewButton(lang.X("sync.resolve", "Mark resolved"), func() {
			d.Hide()
			// Resolve waits for a round in progress: not on the UI goroutine.
			s.u.goBackground(func(ctx context.Context) {
				err := s.client.Resolve(ctx, kind, id)
				s.u.do(func() {
					if err != nil {
						s.u.showError(lang.X("sync.err.resolve", "The conflict could not be marked resolved."), err)
						return
					}
					s.kick()
				})
			})
		}))
	}
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(760, 480))
	d = dialog.NewCustom(lang.X("sync.conflicts.title", "Conflicting edits"), lang.X("sync.close", "Close"), scroll, w)
	d.Show()
}

// useArticleValue saves article id with one side's value of a conflicting
// field (as a new revision by the current user).
func (s *syncBar) useArticleValue(id, field string, value json.RawMessage) error {
	a, err := s.u.kb.Get(s.u.ctx, id)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode article %s: %w", id, err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("decode article %s: %w", id, err)
	}
	if len(value) == 0 {
		delete(fields, field)
	} else {
		fields[field] = value
	}
	if raw, err = json.Marshal(fields); err != nil {
		return fmt.Errorf("encode article %s: %w", id, err)
	}
	var b kb.Article
	if err := json.Unmarshal(raw, &b); err != nil {
		return fmt.Errorf("article %s with this %s: %w", id, field, err)
	}
	saved, err := s.u.kb.Save(s.u.ctx, b, s.u.user, lang.X("sync.use.note", "conflict: chose one version"))
	if err != nil {
		return err
	}
	s.u.articleChanged(saved)
	return nil
}

// variantText shows a JSON value readably: strings as text.
func variantText(raw []byte) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// showSettings asks for the server URL, the token and optionally the
// certificate fingerprint.
func (s *syncBar) showSettings() {
	server, _ := s.client.Server()
	url := widget.NewEntry()
	url.SetPlaceHolder("https://werkbank.example:8443")
	url.SetText(server)
	token := widget.NewPasswordEntry()
	token.SetPlaceHolder(lang.X("sync.token.keep", "(unchanged)"))
	fp := widget.NewEntry()
	fp.SetPlaceHolder(lang.X("sync.fp.tofu", "pinned on first contact"))
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("sync.url", "Server"), url),
		widget.NewFormItem(lang.X("sync.token", "Token"), token),
		widget.NewFormItem(lang.X("sync.fp", "Fingerprint (SHA-256)"), fp),
	}
	showForm(lang.X("sync.settings", "Sync server"), lang.X("sync.save", "Save"), lang.X("sync.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		server, tok, pin := url.Text, token.Text, fp.Text
		// Configure waits for a round in progress: not on the UI goroutine.
		s.u.goBackground(func(ctx context.Context) {
			err := s.client.Configure(ctx, server, tok, pin)
			s.u.do(func() {
				if err != nil {
					s.u.showError(lang.X("sync.err.settings", "The server settings could not be saved."), err)
					return
				}
				s.kick()
			})
		})
	}, s.u.window())
}
