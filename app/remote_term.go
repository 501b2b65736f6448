package app

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"

	"werkbank/cases"
	"werkbank/remote"
)

// termView is a terminal in the app: a VT emulator (charmbracelet/x/vt)
// whose screen a TextGrid shows. Remote output is written to it (Write);
// what the user types, and the emulator's answers to the remote side, are
// read from it (Read) by the shell's input goroutine.
type termView struct {
	widget.BaseWidget
	grid       *widget.TextGrid
	emu        *vt.SafeEmulator
	cols, rows int
	do         func(func())

	// onResize tells the remote side about a new size (set once the
	// shell runs).
	onResize func(cols, rows int)
	// fixed keeps the size when the widget is resized (playback).
	fixed bool

	// screenMu is held while the emulator changes its screen (Write,
	// Resize) and while redraw reads cells: CellAt hands out pointers
	// into the screen, which the emulator's own lock does not cover.
	screenMu sync.Mutex

	mu      sync.Mutex
	pending bool // a redraw is scheduled
	timer   *time.Timer
	closed  bool
	focused bool
}

// newTermView makes a terminal of cols×rows cells; do runs redraws on the
// Fyne goroutine.
func newTermView(cols, rows int, do func(func())) *termView {
	t := &termView{grid: widget.NewTextGrid(), emu: vt.NewSafeEmulator(cols, rows), cols: cols, rows: rows, do: do}
	t.grid.Scroll = fyne.ScrollNone
	t.ExtendBaseWidget(t)
	t.redraw()
	return t
}

// CreateRenderer shows the grid.
func (t *termView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.grid) }

// Resize fits the terminal to the new size: as many cells as fit, at
// least 20×5; the emulator and the remote side learn the new size. A fixed
// terminal (playback) keeps its size.
func (t *termView) Resize(size fyne.Size) {
	t.BaseWidget.Resize(size)
	cell := fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{Monospace: true})
	if t.fixed || cell.Width <= 0 || cell.Height <= 0 {
		return
	}
	cols, rows := max(int(size.Width/cell.Width), 20), max(int(size.Height/cell.Height), 5)
	if c, r := t.size(); c == cols && r == rows {
		return
	}
	t.setSize(cols, rows)
	if t.onResize != nil {
		t.onResize(cols, rows)
	}
}

// setSize changes the emulator's size and redraws (from any goroutine).
func (t *termView) setSize(cols, rows int) {
	t.mu.Lock()
	t.cols, t.rows = cols, rows
	t.mu.Unlock()
	t.screenMu.Lock()
	t.emu.Resize(cols, rows)
	t.screenMu.Unlock()
	t.do(t.redraw)
}

// size returns the current size in cells.
func (t *termView) size() (cols, rows int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cols, t.rows
}

// Write feeds remote output to the emulator and schedules a redraw (at
// most about 30 a second).
func (t *termView) Write(p []byte) (int, error) {
	t.screenMu.Lock()
	n, err := t.emu.Write(p)
	t.screenMu.Unlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.pending && !t.closed {
		t.pending = true
		t.timer = time.AfterFunc(33*time.Millisecond, func() { t.do(t.redraw) })
	}
	return n, err
}

// Read returns typed input and terminal answers for the remote side; it
// returns EOF once the view is closed.
func (t *termView) Read(p []byte) (int, error) { return t.emu.Read(p) }

// Close ends Read and stops redraws after drawing what was written last:
// a redraw still waiting for its timer happens now, so that the end of a
// session or a playback is on screen. (It closes the emulator's input pipe
// rather than the emulator, which is not safe to close concurrently.)
func (t *termView) Close() {
	t.mu.Lock()
	t.closed = true
	flush := t.pending && t.timer != nil && t.timer.Stop()
	t.mu.Unlock()
	if flush {
		t.do(t.redraw)
	}
	if pw, ok := t.emu.InputPipe().(*io.PipeWriter); ok {
		_ = pw.CloseWithError(io.EOF) // closing a pipe does not fail
	}
}

// redraw copies the emulator's screen into the grid (Fyne goroutine).
func (t *termView) redraw() {
	t.mu.Lock()
	t.pending = false
	t.mu.Unlock()
	cols, rows := t.size()
	t.screenMu.Lock()
	cur := t.emu.CursorPosition()
	showCursor := t.focused && !t.emu.CursorHidden()
	grid := make([]widget.TextGridRow, rows)
	for y := 0; y < rows; y++ {
		cells := make([]widget.TextGridCell, 0, cols)
		for x := 0; x < cols; x++ {
			c := t.emu.CellAt(x, y)
			r := ' '
			var st *uv.Style
			if c != nil {
				if c.Width == 0 && c.Content == "" && x > 0 {
					continue // the second half of a wide character
				}
				if c.Content != "" {
					r, _ = utf8.DecodeRuneInString(c.Content)
				}
				st = &c.Style
			}
			cells = append(cells, widget.TextGridCell{Rune: r, Style: cellStyle(st, showCursor && x == cur.X && y == cur.Y)})
		}
		grid[y] = widget.TextGridRow{Cells: cells}
	}
	t.screenMu.Unlock()
	t.grid.Rows = grid
	t.grid.Refresh()
}

// cellStyle maps a VT cell style to a grid style (colours and reverse
// video; bold and italic are not drawn, not every theme has monospace
// variants of them); the cursor cell is shown reversed.
func cellStyle(st *uv.Style, cursor bool) widget.TextGridStyle {
	var fg, bg color.Color
	reverse := cursor
	if st != nil {
		fg, bg = st.Fg, st.Bg
		if st.Attrs&uv.AttrReverse != 0 {
			reverse = !reverse
		}
	}
	if reverse {
		if fg == nil {
			fg = theme.Color(theme.ColorNameForeground)
		}
		if bg == nil {
			bg = theme.Color(theme.ColorNameBackground)
		}
		fg, bg = bg, fg
	}
	if fg == nil && bg == nil {
		return nil
	}
	return &widget.CustomTextGridStyle{FGColor: fg, BGColor: bg, TextStyle: fyne.TextStyle{Monospace: true}}
}

// Tapped focuses the terminal.
func (t *termView) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil {
		c.Focus(t)
	}
}

// FocusGained shows the cursor.
func (t *termView) FocusGained() { t.focused = true; t.redraw() }

// FocusLost hides the cursor.
func (t *termView) FocusLost() { t.focused = false; t.redraw() }

// TypedRune sends a typed character.
func (t *termView) TypedRune(r rune) { t.emu.SendText(string(r)) }

// termKeys maps Fyne's special keys to the emulator's.
var termKeys = map[fyne.KeyName]rune{
	fyne.KeyReturn: uv.KeyEnter, fyne.KeyEnter: uv.KeyEnter, fyne.KeyBackspace: uv.KeyBackspace,
	fyne.KeyTab: uv.KeyTab, fyne.KeyEscape: uv.KeyEscape, fyne.KeyUp: uv.KeyUp, fyne.KeyDown: uv.KeyDown,
	fyne.KeyLeft: uv.KeyLeft, fyne.KeyRight: uv.KeyRight, fyne.KeyHome: uv.KeyHome, fyne.KeyEnd: uv.KeyEnd,
	fyne.KeyPageUp: uv.KeyPgUp, fyne.KeyPageDown: uv.KeyPgDown, fyne.KeyDelete: uv.KeyDelete,
	fyne.KeyInsert: uv.KeyInsert, fyne.KeyF1: uv.KeyF1, fyne.KeyF2: uv.KeyF2, fyne.KeyF3: uv.KeyF3,
	fyne.KeyF4: uv.KeyF4, fyne.KeyF5: uv.KeyF5, fyne.KeyF6: uv.KeyF6, fyne.KeyF7: uv.KeyF7,
	fyne.KeyF8: uv.KeyF8, fyne.KeyF9: uv.KeyF9, fyne.KeyF10: uv.KeyF10, fyne.KeyF11: uv.KeyF11, fyne.KeyF12: uv.KeyF12,
}

// TypedKey sends a special key (arrows, Enter, Backspace, …).
func (t *termView) TypedKey(ev *fyne.KeyEvent) {
	if code, ok := termKeys[ev.Name]; ok {
		t.emu.SendKey(uv.KeyPressEvent{Code: code})
	}
}

// TypedShortcut handles paste and Ctrl+letter (sent as control
// characters, e.g. Ctrl+C as ETX).
func (t *termView) TypedShortcut(s fyne.Shortcut) {
	switch s := s.(type) {
	case *fyne.ShortcutPaste:
		if s.Clipboard != nil {
			t.emu.Paste(s.Clipboard.Content())
		}
	case *desktop.CustomShortcut:
		if s.Modifier == fyne.KeyModifierControl && len(s.KeyName) == 1 {
			if c := s.KeyName[0]; c >= 'A' && c <= 'Z' {
				t.emu.SendText(string(rune(c - 'A' + 1)))
			}
		}
	case *fyne.ShortcutCopy:
		// Copy is not offered: the terminal sends Ctrl+C to the remote side.
		t.emu.SendText("\x03")
	}
}

// openInAppShell opens a window with a terminal running an audited shell.
func (s *remoteScreen) openInAppShell() {
	req, ok := s.request()
	if !ok {
		return
	}
	const cols, rows = 110, 32
	term := newTermView(cols, rows, s.u.do)
	w := s.u.app.NewWindow(fmt.Sprintf(lang.X("remote.shell.title", "Shell on %s (recorded)"), req.Target))
	w.SetContent(term)
	cell := fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{Monospace: true})
	w.Resize(fyne.NewSize(cell.Width*cols+1, cell.Height*rows+1))
	ctx, cancel := context.WithCancel(s.u.ctx)
	w.SetOnClosed(cancel)
	s.shellWin = w
	s.shellTerm = term
	w.Show()
	w.Canvas().Focus(term)
	s.u.goBackground(func(context.Context) {
		defer term.Close()
		_, err := s.withSession(ctx, req, func(sess *remote.Session) error {
			c, r := term.size()
			sh, err := sess.Shell(ctx, remote.ShellOptions{Term: "xterm-256color", Cols: c, Rows: r, Stdin: term, Stdout: term})
			if err != nil {
				return err
			}
			s.u.do(func() {
				term.onResize = func(c, r int) {
					if err := sh.Resize(c, r); err != nil {
						fyne.LogError("resize the remote terminal", err)
					}
				}
				term.onResize(term.size()) // the window may have changed meanwhile
			})
			werr := sh.Wait()
			s.logActivity(context.WithoutCancel(ctx), sess, cases.MsgRemoteShell, "recording", sh.Recording)
			return werr
		})
		s.u.do(func() {
			w.SetTitle(fmt.Sprintf(lang.X("remote.shell.ended", "Shell on %s (ended)"), req.Target))
			if err != nil && ctx.Err() == nil {
				s.u.showError(lang.X("remote.err.shell", "The shell ended with an error."), err)
			}
			s.reloadSessions()
		})
	})
}
