package app

import (
	"context"
	"errors"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
)

// buildAttachments makes the case's "Attachments" tab: the logs collected
// over remote sessions and the files attached by hand, each with where it
// came from, to open in the log viewer or to save as a copy.
func (s *casesScreen) buildAttachments() *container.TabItem {
	s.attBox = container.NewVBox()
	s.attTab = container.NewTabItem(attachmentsTitle(0), container.NewVScroll(s.attBox))
	return s.attTab
}

func attachmentsTitle(n int) string {
	return lang.X("cases.att.tab", "Attachments ({{.N}})", map[string]any{"N": n})
}

// showAttachments lists c's attachments, the newest first.
func (s *casesScreen) showAttachments(c *cases.Case) {
	s.attBox.Objects = nil
	for i := len(c.Attachments) - 1; i >= 0; i-- {
		s.attBox.Add(s.attachmentRow(c.ID, c.Attachments[i]))
	}
	if len(c.Attachments) == 0 {
		l := widget.NewLabelWithStyle(lang.X("cases.att.none", "No attachments yet: collect logs in a remote session or attach a file."), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		l.Wrapping = fyne.TextWrapWord
		s.attBox.Add(l)
	}
	s.attBox.Refresh()
	s.attTab.Text = attachmentsTitle(len(c.Attachments))
	s.tabs.Refresh()
}

// attachmentRow shows one attachment: name, size, when and by whom, its
// source and SHA-256, and its actions.
func (s *casesScreen) attachmentRow(caseID string, a cases.Attachment) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(a.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Truncation = fyne.TextTruncateEllipsis
	text := lang.X("cases.att.meta", "{{.Size}} · {{.At}} · {{.By}}", map[string]any{
		"Size": byteSize(a.Size), "At": a.At.Local().Format("02.01.2006 15:04"), "By": a.By})
	if a.Source != "" {
		text += "\n" + lang.X("cases.att.source", "Source: {{.Source}}", map[string]any{"Source": a.Source})
	}
	text += "\nSHA-256 " + a.SHA256
	meta := widget.NewLabel(text)
	meta.Wrapping = fyne.TextWrapBreak
	view := widget.NewButtonWithIcon(lang.X("cases.att.view", "Open in Logs"), theme.VisibilityIcon(), func() { s.viewAttachment(caseID, a) })
	save := widget.NewButtonWithIcon(lang.X("cases.att.save", "Save copy…"), theme.DocumentSaveIcon(), func() { s.saveAttachment(a) })
	return container.NewVBox(head, meta, container.NewHBox(view, save), widget.NewSeparator())
}

// byteSize is n in B, KiB, MiB or GiB, in the window's number format.
func byteSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return decimal(float64(n)/(1<<10), 1) + " KiB"
	case n < 1<<30:
		return decimal(float64(n)/(1<<20), 1) + " MiB"
	default:
		return decimal(float64(n)/(1<<30), 2) + " GiB"
	}
}

// viewAttachment opens a in the log viewer, under its own name; a finding
// marked there goes to caseID unless the user picks another case.
func (s *casesScreen) viewAttachment(caseID string, a cases.Attachment) {
	path := s.u.cases.AttachmentPath(a.SHA256)
	if _, err := os.Stat(path); err != nil {
		s.u.showError(lang.X("cases.att.missing", "The attachment's file is not on this workstation."), err)
		return
	}
	s.u.selectScreen("logs")
	if s.u.ls != nil {
		s.u.ls.openNamed(path, a.Name, caseID)
	}
}

// saveAttachment asks where to and writes a copy of a there, checked
// against its SHA-256.
func (s *casesScreen) saveAttachment(a cases.Attachment) {
	errMsg := lang.X("cases.att.save.err", "The attachment could not be saved.")
	if _, err := os.Stat(s.u.cases.AttachmentPath(a.SHA256)); err != nil {
		s.u.showError(lang.X("cases.att.missing", "The attachment's file is not on this workstation."), err)
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			s.u.showError(errMsg, err)
			return
		}
		if wc == nil {
			return
		}
		s.u.goBackground(func(ctx context.Context) {
			err := s.writeCopy(ctx, wc, a.SHA256)
			s.u.do(func() {
				if err != nil {
					s.u.showError(errMsg, err)
					return
				}
				dialog.ShowInformation(lang.X("cases.att.save.title", "Save a copy of the attachment"),
					lang.X("cases.att.saved", "Saved: {{.P}}", map[string]any{"P": wc.URI().Path()}), s.u.window())
			})
		})
	}, s.u.window())
	d.SetFileName(a.Name)
	showLarge(d, s.u.window(), lang.X("cases.att.save.title", "Save a copy of the attachment"))
}

// writeCopy writes the attachment sum to wc (the file the user chose) and
// closes it. A copy that failed or does not match the SHA-256 is deleted
// again: no damaged copy is left behind looking like the attachment.
func (s *casesScreen) writeCopy(ctx context.Context, wc fyne.URIWriteCloser, sum string) error {
	_, err := s.u.cases.CopyAttachment(ctx, sum, wc)
	if cerr := wc.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close the copy: %w", cerr)
	}
	if err != nil {
		if derr := storage.Delete(wc.URI()); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove the incomplete copy: %w", derr))
		}
	}
	return err
}
