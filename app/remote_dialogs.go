package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/crypto/ssh"

	"werkbank/cases"
	"werkbank/remote"
)

// who is the person working, for the audit log.
func (s *remoteScreen) who() string {
	if s.u.user.Name != "" {
		return s.u.user.Name
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

// startupLocale is the locale the app was started with, sent to remote
// sessions; taken before applyLanguage sets LC_MESSAGES (or LC_ALL) to a
// bare language for the app's own texts.
var startupLocale = remote.LocaleEnv(os.Environ())

// remoteConfig builds the remote configuration: the user's ~/.ssh files,
// the ssh-agent, and dialogs for unknown hosts and secrets. ctx ends the
// waiting for an answer.
func (s *remoteScreen) remoteConfig(ctx context.Context) remote.Config {
	home, _ := os.UserHomeDir() // without a home folder only the app's files are used
	cfg := remote.Config{
		DataDir:     s.u.ws.Dir,
		Who:         s.who(),
		Home:        home,
		ConfirmHost: func(host string, key ssh.PublicKey) (bool, error) { return s.confirmHost(ctx, host, key) },
		Auth: remote.Auth{
			Agent: true, DefaultIdentities: true,
			Passphrase: func(file string) ([]byte, error) {
				p, err := s.askSecret(ctx, fmt.Sprintf(lang.X("remote.ask.passphrase", "Passphrase for the key %s"), file))
				return []byte(p), err
			},
			Password: func(user, host string) (string, error) {
				return s.askSecret(ctx, fmt.Sprintf(lang.X("remote.ask.password", "Password for %s@%s"), user, host))
			},
			KeyboardInteractive: func(user, host, instruction string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i, q := range questions {
					a, err := s.askSecret(ctx, fmt.Sprintf("%s@%s: %s %s", user, host, instruction, q))
					if err != nil {
						return nil, err
					}
					answers[i] = a
				}
				return answers, nil
			},
		},
		Sink: caseAttacher{store: s.u.cases, who: s.who()},
		Env:  startupLocale,
	}
	if home != "" {
		cfg.UserKnownHosts = []string{filepath.Join(home, ".ssh", "known_hosts")}
		if sc, err := remote.ReadSSHConfig(filepath.Join(home, ".ssh", "config")); err == nil {
			cfg.SSHConfig = sc
		} else {
			fyne.LogError("read ~/.ssh/config", err)
		}
	}
	return cfg
}

// errCancelled is the answer when the user closes a question.
var errCancelled = errors.New("cancelled by the user")

// confirmHost shows an unknown host's fingerprint and asks whether to
// trust it. It runs on a session goroutine and waits for the answer.
func (s *remoteScreen) confirmHost(ctx context.Context, host string, key ssh.PublicKey) (bool, error) {
	answer := make(chan bool, 1)
	s.u.do(func() {
		msg := widget.NewLabel(fmt.Sprintf(lang.X("remote.unknown.text",
			"The host %s is not known yet.\n\nIts %s key has the fingerprint\n%s\n\nCompare it with the fingerprint the customer gave you. Trust this host and connect?"),
			host, key.Type(), ssh.FingerprintSHA256(key)))
		msg.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustomConfirm(lang.X("remote.unknown.title", "Unknown host"),
			lang.X("remote.unknown.trust", "Trust and connect"), lang.X("remote.cancel", "Cancel"),
			container.NewGridWrap(fyne.NewSize(460, 200), msg), func(ok bool) { answer <- ok }, s.u.window())
		d.Show()
	})
	select {
	case ok := <-answer:
		return ok, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// askSecret asks for a passphrase or password; nothing is stored.
func (s *remoteScreen) askSecret(ctx context.Context, prompt string) (string, error) {
	type reply struct {
		text string
		ok   bool
	}
	answer := make(chan reply, 1)
	s.u.do(func() {
		e := widget.NewPasswordEntry()
		d := dialog.NewForm(lang.X("remote.ask.title", "Log in"), lang.X("remote.ok", "OK"), lang.X("remote.cancel", "Cancel"),
			[]*widget.FormItem{widget.NewFormItem(prompt, e)}, func(ok bool) { answer <- reply{e.Text, ok} }, s.u.window())
		d.Resize(fyne.NewSize(480, 160))
		d.Show()
	})
	select {
	case r := <-answer:
		if !r.ok {
			return "", errCancelled
		}
		return r.text, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// caseAttacher attaches collected files to the case (remote.AttachmentSink).
type caseAttacher struct {
	store *cases.Store
	who   string
}

func (c caseAttacher) AttachFile(ctx context.Context, caseID string, f remote.CollectedFile) error {
	return c.store.Attach(ctx, caseID, cases.Attachment{Name: f.Name, SHA256: f.SHA256, Size: f.Size, By: c.who,
		Source: "sftp://" + f.Host + "/" + strings.TrimPrefix(f.RemotePath, "/")})
}

// collectDialog asks for remote paths and shows the collection's progress
// with a cancel button.
type collectDialog struct {
	d        dialog.Dialog
	paths    *widget.Entry
	maxMB    *widget.Entry
	bar      *widget.ProgressBar
	file     *widget.Label
	startBtn *widget.Button
	closeBtn *widget.Button
	cancel   context.CancelFunc
}

// openCollect shows the "collect logs" dialog.
func (s *remoteScreen) openCollect() {
	req, ok := s.request()
	if !ok {
		return
	}
	c := &collectDialog{paths: widget.NewMultiLineEntry(), maxMB: widget.NewEntry(), bar: widget.NewProgressBar(), file: widget.NewLabel("")}
	c.paths.SetPlaceHolder(lang.X("remote.collect.paths", "One remote file or pattern a line, e.g. /var/log/erp/*.log"))
	c.paths.SetMinRowsVisible(5)
	// The paths collected last for this case come back: after a
	// reproduction, the same logs are collected again.
	c.paths.SetText(s.u.app.Preferences().String(collectPathsKey(req.Case)))
	c.maxMB.SetText(strconv.FormatInt(remote.DefaultMaxFileSize>>20, 10))
	c.file.Wrapping = fyne.TextWrapBreak
	c.startBtn = widget.NewButton(lang.X("remote.collect.start", "Collect"), func() { s.startCollect(c, req) })
	c.closeBtn = widget.NewButton(lang.X("remote.cancel", "Cancel"), func() {
		if c.cancel != nil {
			c.cancel()
			return
		}
		c.d.Hide()
	})
	form := widget.NewForm(
		widget.NewFormItem(lang.X("remote.collect.files", "Files"), c.paths),
		widget.NewFormItem(lang.X("remote.collect.max", "Limit per file (MiB)"), c.maxMB))
	content := container.NewVBox(form, c.file, c.bar, container.NewHBox(c.startBtn, c.closeBtn))
	c.d = dialog.NewCustomWithoutButtons(fmt.Sprintf(lang.X("remote.collect.title", "Collect logs from %s"), req.Target), content, s.u.window())
	// Wide enough for the example path in the hint.
	c.d.Resize(fyne.NewSize(780, 380))
	s.collecting = c
	c.d.Show()
}

// collectPathsKey is the preference holding the paths last collected for
// the case (one a line).
func collectPathsKey(caseID string) string { return "remote.collect.paths." + caseID }

// startCollect runs the collection in the background; the dialog shows
// progress and, at the end, what was collected and what failed.
func (s *remoteScreen) startCollect(c *collectDialog, req remote.SessionRequest) {
	var paths []string
	for _, l := range strings.Split(c.paths.Text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			paths = append(paths, l)
		}
	}
	maxMB, err := strconv.ParseInt(strings.TrimSpace(c.maxMB.Text), 10, 64)
	if len(paths) == 0 || err != nil || maxMB <= 0 {
		c.file.SetText(lang.X("remote.collect.need", "Enter at least one path and a positive limit."))
		return
	}
	if !s.begin() {
		return
	}
	s.u.app.Preferences().SetString(collectPathsKey(req.Case), strings.Join(paths, "\n"))
	setEnabled(c.startBtn, false)
	ctx, cancel := context.WithCancel(s.u.ctx)
	c.cancel = cancel
	s.u.goBackground(func(context.Context) {
		defer cancel()
		var res *remote.CollectResult
		var colErr error
		id, err := s.withSession(ctx, req, func(sess *remote.Session) error {
			res, colErr = sess.Collect(ctx, remote.CollectOptions{Paths: paths, MaxSize: maxMB << 20, Progress: func(p remote.Progress) {
				s.u.do(func() {
					c.file.SetText(fmt.Sprintf("%d/%d  %s", p.File+1, p.Files, p.RemotePath))
					if p.Total > 0 {
						c.bar.SetValue(float64(p.Done) / float64(p.Total))
					} else {
						c.bar.SetValue(1)
					}
				})
			}})
			if res != nil {
				s.logActivity(context.WithoutCancel(ctx), sess, cases.MsgRemoteCollect, "files", strconv.Itoa(len(res.Files)), "failed", strconv.Itoa(len(res.Failed)))
			}
			return nil
		})
		s.u.do(func() {
			s.end()
			c.cancel = nil
			c.closeBtn.SetText(lang.X("remote.close", "Close"))
			s.output.SetText(collectReport(res, errors.Join(err, colErr)))
			c.file.SetText(collectStatus(id, res, errors.Join(err, colErr)))
			s.reloadSessions()
			if s.u.cs != nil {
				s.u.cs.reload()
			}
		})
	})
}

// collectStatus is the dialog's last word: how many files arrived, the
// first files that failed, and what else went wrong (the session, the
// audit, a cancel).
func collectStatus(id string, res *remote.CollectResult, err error) string {
	var lines []string
	if res != nil {
		lines = append(lines, lang.X("remote.collect.summary", "{{.Files}} collected, {{.Failed}} failed (session {{.ID}}).",
			map[string]any{"Files": len(res.Files), "Failed": len(res.Failed), "ID": id}))
		for i, f := range res.Failed {
			if i == maxFailedShown {
				lines = append(lines, lang.X("remote.collect.more", "… and {{.N}} more (see the output)", map[string]any{"N": len(res.Failed) - i}))
				break
			}
			lines = append(lines, f.Error())
		}
	}
	for _, e := range beyondFiles(err) {
		lines = append(lines, collectErrText(e))
	}
	return strings.Join(lines, "\n")
}

// maxFailedShown is how many failed files the dialog names; the output
// area lists them all.
const maxFailedShown = 5

// collectReport lists collected and failed files, and what else went
// wrong, for the output area.
func collectReport(res *remote.CollectResult, err error) string {
	var b strings.Builder
	failed := lang.X("remote.collect.failed", "FAILED")
	if res != nil {
		for _, f := range res.Files {
			fmt.Fprintf(&b, "%s  %d  %s\n", f.SHA256, f.Size, f.RemotePath)
		}
		for _, f := range res.Failed {
			fmt.Fprintf(&b, "%s: %s\n", failed, f.Error())
		}
	}
	for _, e := range beyondFiles(err) {
		fmt.Fprintf(&b, "%s: %s\n", failed, collectErrText(e))
	}
	return b.String()
}

// beyondFiles returns the parts of err (joined errors, nested) that are
// not the failure of a single file, which the result lists already.
func beyondFiles(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, beyondFiles(e)...)
		}
		return out
	}
	if _, ok := err.(remote.CollectError); ok {
		return nil
	}
	return []error{err}
}

// collectErrText says e in plain words; a cancel says that the rest was
// not fetched.
func collectErrText(e error) string {
	if errors.Is(e, context.Canceled) {
		return lang.X("remote.collect.cancelled", "Cancelled: the files not listed as collected were not fetched.")
	}
	return e.Error()
}
