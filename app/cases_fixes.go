package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
)

// deliveryLabel translates a delivery status.
func deliveryLabel(st cases.DeliveryStatus) string {
	return lang.X("cases.delivery."+string(st), string(st))
}

var deliverySteps = []cases.DeliveryStatus{cases.DeliveryPending, cases.DeliveryScheduled, cases.DeliveryInstalled}

// recordFixDialog records a vendor fix for the selected case.
func (s *casesScreen) recordFixDialog() {
	if s.cur == nil {
		return
	}
	id, version, title, extra := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	id.Validator, version.Validator = required, required
	id.SetPlaceHolder(lang.X("cases.fix.id.hint", "the vendor's fix number"))
	version.SetPlaceHolder(lang.X("cases.fix.version.hint", "product version with the fix, e.g. 8.0.2.1150"))
	extra.SetPlaceHolder(lang.X("cases.fix.extra.hint", "further affected customers, comma-separated"))
	caseID := s.cur.ID
	showForm(lang.X("cases.fix.title", "Record the vendor fix"), lang.X("cases.fix.save", "Record"), lang.X("cases.cancel", "Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.X("cases.fix.id", "Fix"), id),
		widget.NewFormItem(lang.X("cases.fix.version", "Version"), version),
		widget.NewFormItem(lang.X("cases.title", "Title"), title),
		widget.NewFormItem(lang.X("cases.fix.extra", "Other customers"), extra),
	}, func(ok bool) {
		if !ok {
			return
		}
		var customers []string
		for _, c := range strings.Split(extra.Text, ",") {
			if c = strings.TrimSpace(c); c != "" {
				customers = append(customers, c)
			}
		}
		s.recordFix(cases.Fix{ID: id.Text, Version: version.Text, Title: title.Text, Cases: []string{caseID}, By: s.by()}, customers)
	}, s.u.window())
}

// recordFix stores the fix and shows the deliveries.
func (s *casesScreen) recordFix(f cases.Fix, customers []string) {
	s.run(lang.X("cases.err.fix", "The fix could not be recorded."), func(ctx context.Context) error {
		_, err := s.u.cases.RecordFix(ctx, f, customers)
		return err
	}, s.fixesDialog)
}

// fixesDialog lists the vendor fixes with their delivery per customer;
// changing a delivery's step is stored at once.
func (s *casesScreen) fixesDialog() {
	if s.fixBox == nil {
		s.fixBox = container.NewVBox()
	}
	s.fillFixes()
	d := dialog.NewCustom(lang.X("cases.fixes", "Vendor fixes"), lang.X("cases.close", "Close"), container.NewVScroll(s.fixBox), s.u.window())
	d.Resize(fyne.NewSize(680, 480))
	d.Show()
}

// fillFixes reads the fixes in the background into fixBox.
func (s *casesScreen) fillFixes() {
	s.u.goBackground(func(ctx context.Context) {
		fixes, err := s.u.cases.Fixes(ctx)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("cases.err.fixes", "The fixes could not be listed."), err)
				return
			}
			s.fixBox.Objects = nil
			if len(fixes) == 0 {
				s.fixBox.Add(widget.NewLabel(lang.X("cases.fixes.none", "No vendor fix is recorded yet. Record one from an escalated case.")))
			}
			for _, f := range fixes {
				state := lang.X("cases.fix.open", "delivery open")
				if f.Done() {
					state = lang.X("cases.fix.done", "delivered everywhere")
				}
				s.fixBox.Add(widget.NewLabelWithStyle(fmt.Sprintf("%s · %s · %s · %s", f.ID, f.Version, f.Title, state), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
				for _, dl := range f.Deliveries {
					s.fixBox.Add(s.deliveryRow(f.ID, dl))
				}
			}
			s.fixBox.Refresh()
		})
	})
}

// deliveryRow shows one customer's delivery with a step selector.
func (s *casesScreen) deliveryRow(fixID string, dl cases.Delivery) fyne.CanvasObject {
	opts := make([]string, len(deliverySteps))
	for i, st := range deliverySteps {
		opts[i] = deliveryLabel(st)
	}
	sel := newSelect(opts, nil)
	sel.SetSelected(deliveryLabel(dl.Status))
	sel.OnChanged = func(string) {
		st, by := deliverySteps[sel.SelectedIndex()], s.by()
		s.run(lang.X("cases.err.deliver", "The delivery could not be recorded."), func(ctx context.Context) error {
			_, err := s.u.cases.Deliver(ctx, fixID, dl.Customer, st, "", by)
			return err
		}, s.fillFixes)
	}
	who := dl.Customer
	if len(dl.Cases) > 0 {
		who += " (" + strings.Join(dl.Cases, ", ") + ")"
	}
	return container.NewBorder(nil, nil, nil, sel, widget.NewLabel(who))
}
