package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/remote"
)

// maxIdle caps the pauses of a playback, as asciinema's idle-time limit.
const maxIdle = time.Second

// player shows a recorded shell session in a terminal view.
type player struct {
	term    *termView
	rec     *remote.Recording
	skip    chan struct{} // closed by "skip to end"
	skipBtn *widget.Button
}

// playSelected plays the first recording of the selected session.
func (s *remoteScreen) playSelected() {
	id := s.selected
	if id < 0 || id >= len(s.sessions) || len(s.sessions[id].Recordings) == 0 {
		return
	}
	s.playRecording(filepath.Join(s.u.ws.Dir, "recordings", s.sessions[id].Recordings[0]))
}

// playRecording opens a window that plays the asciicast file.
func (s *remoteScreen) playRecording(path string) {
	f, err := os.Open(path)
	if err != nil {
		s.u.showError(lang.X("remote.err.play", "The recording could not be played."), err)
		return
	}
	rec, err := remote.ReadRecording(f)
	f.Close()
	if err != nil {
		s.u.showError(lang.X("remote.err.play", "The recording could not be played."), err)
		return
	}
	term := newTermView(rec.Width, rec.Height, s.u.do)
	term.fixed = true
	p := &player{term: term, rec: rec, skip: make(chan struct{})}
	w := s.u.app.NewWindow(fmt.Sprintf(lang.X("remote.play.title", "Recording %s"), filepath.Base(path)))
	p.skipBtn = widget.NewButtonWithIcon(lang.X("remote.play.skip", "Skip to the end"), theme.MediaFastForwardIcon(), func() {
		select {
		case <-p.skip:
		default:
			close(p.skip)
		}
	})
	w.SetContent(container.NewBorder(nil, container.NewHBox(p.skipBtn), nil, nil, term))
	cell := fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{Monospace: true})
	w.Resize(fyne.NewSize(cell.Width*float32(rec.Width)+1, cell.Height*float32(rec.Height)+48))
	ctx, cancel := context.WithCancel(s.u.ctx)
	w.SetOnClosed(cancel)
	s.player = p
	w.Show()
	s.u.goBackground(func(context.Context) {
		defer term.Close()
		// The emulator answers terminal queries found in the output; a
		// playback sends them nowhere.
		go func() { _, _ = io.Copy(io.Discard, term) }() // ends when term closes
		p.play(ctx)
	})
}

// play feeds the events with their pauses (at most maxIdle each), or at
// once after "skip to end".
func (p *player) play(ctx context.Context) {
	var last float64
	for _, e := range p.rec.Events {
		if d := time.Duration((e.Time - last) * float64(time.Second)); d > 0 {
			select {
			case <-ctx.Done():
				return
			case <-p.skip:
			case <-time.After(min(d, maxIdle)):
			}
		}
		last = e.Time
		switch e.Kind {
		case "o":
			_, _ = p.term.Write([]byte(e.Data)) // the emulator accepts any bytes
		case "r":
			var cols, rows int
			if _, err := fmt.Sscanf(e.Data, "%dx%d", &cols, &rows); err == nil && cols > 0 && rows > 0 {
				p.term.setSize(cols, rows)
			}
		}
	}
}
