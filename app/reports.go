package app

import (
	"context"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
)

// reportsScreen is the team lead's report: SLA compliance per month and
// priority, open cases by age, escalations per product, as plots that can
// be exported as PNG or HTML.
type reportsScreen struct {
	u       *ui
	summary *widget.Label
	images  *fyne.Container
	rep     cases.TeamReport
	charts  []barChart
}

// chartTitles are the translated titles of the three charts.
func chartTitles() [3]string {
	return [3]string{
		lang.X("reports.compliance", "SLA compliance per month and priority (finished cases)"),
		lang.X("reports.age", "Open cases by age"),
		lang.X("reports.escalations", "Escalations to the vendor per product"),
	}
}

// buildReportsScreen is the navigation constructor of the report screen.
func buildReportsScreen(u *ui) fyne.CanvasObject {
	r := &reportsScreen{u: u, summary: widget.NewLabel(""), images: container.NewVBox()}
	refresh := widget.NewButtonWithIcon(lang.X("reports.refresh", "Refresh"), theme.ViewRefreshIcon(), r.reload)
	png := widget.NewButtonWithIcon(lang.X("reports.png", "Export PNG…"), theme.FileImageIcon(), func() { r.exportDialog("png") })
	htm := widget.NewButtonWithIcon(lang.X("reports.html", "Export HTML…"), theme.DocumentSaveIcon(), func() { r.exportDialog("html") })
	top := container.NewBorder(nil, nil, r.summary, container.NewHBox(refresh, png, htm))
	u.onShow["reports"] = r.reload
	r.reload()
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(r.images))
}

// reload computes the report in the background and draws it.
func (r *reportsScreen) reload() {
	r.u.goBackground(func(ctx context.Context) {
		rep, err := r.u.cases.TeamReport(ctx)
		var charts []barChart
		var imgs []*canvas.Image
		if err == nil {
			charts = reportCharts(rep, chartTitles())
			for _, ch := range charts {
				img := canvas.NewImageFromImage(ch.render())
				img.FillMode = canvas.ImageFillContain
				img.SetMinSize(fyne.NewSize(chartW, chartH))
				imgs = append(imgs, img)
			}
		}
		r.u.do(func() {
			if err != nil {
				r.u.showError(lang.X("reports.err", "The report could not be computed."), err)
				return
			}
			r.rep, r.charts = rep, charts
			r.summary.SetText(lang.X("reports.summary", "{{.Open}} open cases, {{.Breached}} with a breached SLA clock", map[string]any{"Open": rep.Open, "Breached": rep.Breached}))
			r.images.Objects = nil
			for _, img := range imgs {
				r.images.Add(img)
			}
			r.images.Refresh()
		})
	})
}

// exportDialog asks for the file to export to.
func (r *reportsScreen) exportDialog(kind string) {
	dir := exportDir()
	path := widget.NewEntry()
	path.SetText(filepath.Join(dir, fmt.Sprintf("team-report-%s.%s", r.rep.At.Format("2006-01-02"), kind)))
	path.Validator = required
	showForm(lang.X("reports.export", "Export the report"), lang.X("reports.write", "Write"), lang.X("cases.cancel", "Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.X("reports.file", "File"), path)},
		func(ok bool) {
			if !ok {
				return
			}
			if err := r.export(kind, path.Text); err != nil {
				r.u.showError(lang.X("reports.err.export", "The report could not be exported."), err)
				return
			}
			if w := r.u.window(); w != nil {
				dialog.ShowInformation(lang.X("reports.export", "Export the report"), lang.X("reports.written", "Written: {{.P}}", map[string]any{"P": path.Text}), w)
			}
		}, r.u.window())
}

// export writes the current report as PNG (the charts one below the
// other) or HTML (charts and numbers); an existing file is refused.
func (r *reportsScreen) export(kind, path string) error {
	if kind == "png" {
		return writePNG(path, combined(r.charts))
	}
	page, err := reportHTML(r.rep, r.charts, lang.X("reports.title", "Team report"))
	if err != nil {
		return err
	}
	return writeNew(path, []byte(page))
}
