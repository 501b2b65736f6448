package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"werkbank/assets"
	"werkbank/cases"
)

// slaWatchEvery is how often the SLA watch looks at the clocks.
const slaWatchEvery = time.Minute

// startCases runs the cases' background work, owned by the ui and stopped
// when the window closes: on first start it loads the demo cases, then it
// watches the SLA clocks.
func (u *ui) startCases(fresh bool) {
	u.goBackground(func(ctx context.Context) {
		if fresh {
			if _, err := u.cases.SeedDemo(ctx, assets.Demo); err != nil {
				u.do(func() { u.showError(lang.X("cases.err.seed", "The demo cases could not be loaded."), err) })
			}
		}
		w := &slaWatch{u: u, seen: map[string]cases.State{}}
		t := time.NewTicker(slaWatchEvery)
		defer t.Stop()
		for {
			w.check(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// slaWatch notifies the desktop when an SLA clock turns due soon (before
// the breach) or breached, once per case, clock and state, and refreshes
// the case list when colours changed.
type slaWatch struct {
	u    *ui
	seen map[string]cases.State
}

// check looks at the open cases once. It runs on the watch's goroutine.
func (w *slaWatch) check(ctx context.Context) {
	list, err := w.u.cases.List(ctx, true)
	if err != nil {
		if ctx.Err() == nil {
			fyne.LogError("SLA watch", err)
		}
		return
	}
	var alerts []cases.Summary
	changed := false
	for _, it := range list {
		key := it.ID + "/" + it.Clock
		prev, known := w.seen[key]
		if prev != it.State {
			changed = changed || known
			w.seen[key] = it.State
			if it.Running && it.State != cases.StateOK {
				alerts = append(alerts, it)
			}
		}
	}
	if len(alerts) == 0 && !changed {
		return
	}
	n := notification(alerts)
	w.u.do(func() {
		if n != nil {
			w.u.app.SendNotification(n)
		}
		if changed && w.u.cs != nil {
			w.u.cs.reload()
		}
	})
}

// notification words the alerts: one case by name, several as a count.
func notification(alerts []cases.Summary) *fyne.Notification {
	switch len(alerts) {
	case 0:
		return nil
	case 1:
		a := alerts[0]
		title := lang.X("cases.notify.soon", "SLA due soon: {{.ID}}", map[string]any{"ID": a.ID})
		if a.State == cases.StateBreached {
			title = lang.X("cases.notify.breached", "SLA breached: {{.ID}}", map[string]any{"ID": a.ID})
		}
		due := ""
		if a.Due != nil {
			due = a.Due.Local().Format("02.01. 15:04")
		}
		return fyne.NewNotification(title, fmt.Sprintf("%s (%s) · %s %s", a.Title, a.Customer, lang.X("cases.clock."+a.Clock, a.Clock), due))
	}
	var ids []string
	breached := 0
	for i, a := range alerts {
		if a.State == cases.StateBreached {
			breached++
		}
		if i < 5 {
			ids = append(ids, a.ID)
		}
	}
	if len(alerts) > 5 {
		ids = append(ids, "…")
	}
	return fyne.NewNotification(
		lang.X("cases.notify.many", "{{.N}} cases need attention", map[string]any{"N": len(alerts)}),
		lang.X("cases.notify.many.body", "{{.B}} breached, {{.S}} due soon: {{.IDs}}", map[string]any{"B": breached, "S": len(alerts) - breached, "IDs": strings.Join(ids, ", ")}))
}
