package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/logs"
)

// maxBars caps the bars of the timeline; longer spans group minutes.
const maxBars = 240

// timelineBars groups the errors-per-minute points into at most maxBars
// buckets of whole minutes over the span from the first to the last point.
// It returns the counts and the bucket width.
func timelineBars(points []logs.MinuteCount) ([]int, time.Duration) {
	if len(points) == 0 {
		return nil, 0
	}
	first, last := points[0].Minute, points[len(points)-1].Minute
	minutes := int(last.Sub(first)/time.Minute) + 1
	per := (minutes + maxBars - 1) / maxBars
	bars := make([]int, (minutes+per-1)/per)
	for _, p := range points {
		bars[int(p.Minute.Sub(first)/time.Minute)/per] += p.Count
	}
	return bars, time.Duration(per) * time.Minute
}

// maxBarWidth is the widest a bar gets when there are few.
const maxBarWidth = 24

// timelineLayout lays bars out side by side, heights relative to the
// largest count.
type timelineLayout struct{ counts []int }

// MinSize is a small chart.
func (l *timelineLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(120, 80) }

// Layout places the bars from the bottom.
func (l *timelineLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top := 1
	for _, c := range l.counts {
		top = max(top, c)
	}
	// A few bars stay bars instead of one block over the whole width.
	w := min(size.Width/float32(max(1, len(objs))), maxBarWidth)
	for i, o := range objs {
		h := size.Height * float32(l.counts[i]) / float32(top)
		o.Move(fyne.NewPos(float32(i)*w, size.Height-h))
		o.Resize(fyne.NewSize(max(1, w-1), h))
	}
}

// timelineChart draws the errors per minute with the span and the peak.
func timelineChart(points []logs.MinuteCount) fyne.CanvasObject {
	bars, width := timelineBars(points)
	if len(bars) == 0 {
		return widget.NewLabel(lang.X("logs.timeline.none", "No errors with a timestamp."))
	}
	objs := make([]fyne.CanvasObject, len(bars))
	peak := 0
	for i, c := range bars {
		r := canvas.NewRectangle(theme.Color(theme.ColorNameError))
		objs[i] = r
		peak = max(peak, c)
	}
	chart := container.New(&timelineLayout{counts: bars}, objs...)
	first, last := points[0].Minute, points[len(points)-1].Minute
	caption := widget.NewLabel(lang.X("logs.timeline.caption", "{{.From}} – {{.To}} · one bar = {{.Width}} · peak {{.Peak}} errors",
		map[string]any{"From": first.Format("2006-01-02 15:04"), "To": last.Format("2006-01-02 15:04"), "Width": lang.X("logs.timeline.minutes", "{{.N}} min", map[string]any{"N": int(width / time.Minute)}), "Peak": peak}))
	return container.NewBorder(nil, caption, nil, nil, chart)
}
