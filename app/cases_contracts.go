package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
)

// contractForm edits one contract: service hours, zone, holidays and the
// targets per priority, with the year's holidays as a preview.
type contractForm struct {
	name, zone, hours, holidays *widget.Entry
	state                       *widget.Select
	reaction, resolution, vendr [4]*widget.Entry
	allHours                    [4]*widget.Check
	preview                     *widget.Label
}

func newContractForm() *contractForm {
	f := &contractForm{name: widget.NewEntry(), zone: widget.NewEntry(), hours: widget.NewEntry(), holidays: widget.NewEntry(), preview: widget.NewLabel("")}
	f.state = newSelect(append([]string{"-"}, cases.Bundeslaender...), func(string) { f.updatePreview() })
	f.hours.SetPlaceHolder("mon-fri 08:00-17:00")
	f.zone.SetPlaceHolder(cases.DefaultTimeZone)
	f.holidays.SetPlaceHolder(lang.X("cases.ct.holidays.hint", "extra closed days, e.g. 2026-12-24, 2026-12-31"))
	f.holidays.OnChanged = func(string) { f.updatePreview() }
	f.preview.Wrapping = fyne.TextWrapWord
	for i := range 4 {
		f.reaction[i], f.resolution[i], f.vendr[i] = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
		f.allHours[i] = widget.NewCheck("24/7", nil)
	}
	return f
}

// set fills the form from c.
func (f *contractForm) set(c cases.Contract) {
	f.name.SetText(c.Name)
	f.zone.SetText(c.TimeZone)
	f.hours.SetText(c.Hours.String())
	days := make([]string, len(c.Holidays))
	for i, d := range c.Holidays {
		days[i] = d.String()
	}
	f.holidays.SetText(strings.Join(days, ", "))
	if c.Bundesland == "" {
		f.state.SetSelected("-")
	} else {
		f.state.SetSelected(c.Bundesland)
	}
	dur := func(cd cases.Duration) string {
		d := time.Duration(cd)
		switch {
		case d == 0:
			return ""
		case d%time.Hour == 0:
			return fmt.Sprintf("%dh", d/time.Hour)
		case d%time.Minute == 0 && d > time.Hour:
			return fmt.Sprintf("%dh%dm", d/time.Hour, d%time.Hour/time.Minute)
		case d%time.Minute == 0:
			return fmt.Sprintf("%dm", d/time.Minute)
		}
		return d.String()
	}
	for i := range 4 {
		t := c.Targets[cases.Priority(i+1)]
		f.reaction[i].SetText(dur(t.Reaction))
		f.resolution[i].SetText(dur(t.Resolution))
		f.vendr[i].SetText(dur(t.Vendor))
		f.allHours[i].SetChecked(t.AllHours)
	}
	f.updatePreview()
}

// contract reads the form; the result still needs Validate.
func (f *contractForm) contract() (cases.Contract, error) {
	c := cases.Contract{Name: strings.TrimSpace(f.name.Text), TimeZone: strings.TrimSpace(f.zone.Text), Targets: map[cases.Priority]cases.Target{}}
	var err error
	if c.Hours, err = cases.ParseSchedule(f.hours.Text); err != nil {
		return c, err
	}
	if f.state.Selected != "-" {
		c.Bundesland = f.state.Selected
	}
	for _, d := range strings.Split(f.holidays.Text, ",") {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		day, err := cases.ParseDate(d)
		if err != nil {
			return c, err
		}
		c.Holidays = append(c.Holidays, day)
	}
	parse := func(e *widget.Entry, p int, what string) (cases.Duration, error) {
		if strings.TrimSpace(e.Text) == "" {
			return 0, nil
		}
		d, err := time.ParseDuration(strings.TrimSpace(e.Text))
		if err != nil {
			return 0, fmt.Errorf("priority %d, %s %q: %w: write e.g. 4h or 30m", p, what, e.Text, cases.ErrInvalid)
		}
		return cases.Duration(d), nil
	}
	for i := range 4 {
		var t cases.Target
		if t.Reaction, err = parse(f.reaction[i], i+1, "reaction"); err != nil {
			return c, err
		}
		if t.Resolution, err = parse(f.resolution[i], i+1, "resolution"); err != nil {
			return c, err
		}
		if t.Vendor, err = parse(f.vendr[i], i+1, "vendor"); err != nil {
			return c, err
		}
		t.AllHours = f.allHours[i].Checked
		c.Targets[cases.Priority(i+1)] = t
	}
	return c, c.Validate()
}

// updatePreview lists this year's holidays of the chosen state.
func (f *contractForm) updatePreview() {
	state := ""
	if f.state.Selected != "-" {
		state = f.state.Selected
	}
	hs, err := cases.GermanHolidays(time.Now().Year(), state)
	if err != nil {
		f.preview.SetText(humanError(err))
		return
	}
	var days []string
	for _, h := range hs {
		days = append(days, fmt.Sprintf("%02d.%02d. %s", h.Date.Day, h.Date.Month, h.Name))
	}
	if extra := strings.TrimSpace(f.holidays.Text); extra != "" {
		days = append(days, extra)
	}
	f.preview.SetText(lang.X("cases.ct.preview", "Closed in {{.Y}}: {{.D}}", map[string]any{"Y": time.Now().Year(), "D": strings.Join(days, " · ")}))
}

// content lays the form out.
func (f *contractForm) content(pick fyne.CanvasObject) fyne.CanvasObject {
	grid := container.NewGridWithColumns(5,
		widget.NewLabel(lang.X("cases.priority", "Priority")), widget.NewLabel(lang.X("cases.clock.reaction", "reaction")),
		widget.NewLabel(lang.X("cases.clock.resolution", "resolution")), widget.NewLabel(lang.X("cases.clock.vendor", "vendor")), widget.NewLabel(""))
	for i := range 4 {
		grid.Add(widget.NewLabel(priorityLabel(cases.Priority(i + 1))))
		grid.Add(f.reaction[i])
		grid.Add(f.resolution[i])
		grid.Add(f.vendr[i])
		grid.Add(f.allHours[i])
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.X("cases.contract", "Contract"), pick),
		widget.NewFormItem(lang.X("cases.ct.name", "Name"), f.name),
		widget.NewFormItem(lang.X("cases.ct.hours", "Service hours"), f.hours),
		widget.NewFormItem(lang.X("cases.ct.zone", "Time zone"), f.zone),
		widget.NewFormItem(lang.X("cases.ct.state", "Bundesland"), f.state),
		widget.NewFormItem(lang.X("cases.ct.holidays", "Extra holidays"), f.holidays),
	)
	return container.NewVScroll(container.NewVBox(form,
		widget.NewLabel(lang.X("cases.ct.targets", "Targets in service hours (24/7: around the clock, holidays included)")), grid, f.preview))
}

// contractsDialog shows the contracts for editing; saving recomputes the
// clocks of the contract's cases.
func (s *casesScreen) contractsDialog() {
	f := newContractForm()
	s.ctForm = f
	names := s.u.cases.ContractNames()
	pick := newSelect(names, func(name string) {
		if c, err := s.u.cases.Contract(name); err == nil {
			f.set(c)
		}
	})
	if len(names) > 0 {
		pick.SetSelected(names[0])
	}
	d := dialog.NewCustomConfirm(lang.X("cases.contracts", "Contracts"), lang.X("cases.ct.save", "Save"), lang.X("cases.close", "Close"), f.content(pick), func(ok bool) {
		if ok {
			s.saveContract(f)
		}
	}, s.u.window())
	d.Resize(fyne.NewSize(760, 620))
	d.Show()
}

// saveContract validates and stores the form's contract.
func (s *casesScreen) saveContract(f *contractForm) {
	c, err := f.contract()
	if err != nil {
		s.u.showError(lang.X("cases.err.contract", "The contract could not be saved."), err)
		return
	}
	s.run(lang.X("cases.err.contract", "The contract could not be saved."), func(ctx context.Context) error {
		return s.u.cases.PutContract(ctx, c)
	}, nil)
}
