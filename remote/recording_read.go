package remote

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Recording is a parsed asciicast v2 file, for playback.
type Recording struct {
	Width, Height int
	// Timestamp is the start in Unix seconds.
	Timestamp int64
	Title     string
	Events    []RecordingEvent
}

// RecordingEvent is one event: output ("o") or a resize ("r", Data
// "COLSxROWS") at Time seconds after the start.
type RecordingEvent struct {
	Time float64
	Kind string
	Data string
}

// ReadRecording parses an asciicast v2 recording. Unknown event kinds are
// kept (players skip them); malformed lines are an error naming the line.
func ReadRecording(r io.Reader) (*Recording, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var rec Recording
	line := 0
	for {
		raw, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(raw)) > 0 {
			line++
			if perr := rec.parseLine(line, raw); perr != nil {
				return nil, perr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read recording: %w", err)
		}
	}
	if line == 0 {
		return nil, errors.New("recording is empty")
	}
	return &rec, nil
}

func (rec *Recording) parseLine(line int, raw []byte) error {
	if line == 1 {
		var h asciicastHeader
		if err := json.Unmarshal(raw, &h); err != nil {
			return fmt.Errorf("recording line 1: not an asciicast header: %w", err)
		}
		if h.Version != 2 {
			return fmt.Errorf("recording line 1: asciicast version %d, want 2", h.Version)
		}
		if h.Width <= 0 || h.Height <= 0 {
			return fmt.Errorf("recording line 1: bad terminal size %dx%d", h.Width, h.Height)
		}
		rec.Width, rec.Height, rec.Timestamp, rec.Title = h.Width, h.Height, h.Timestamp, h.Title
		return nil
	}
	var ev []json.RawMessage
	if err := json.Unmarshal(raw, &ev); err != nil || len(ev) != 3 {
		return fmt.Errorf("recording line %d: not an event [time, kind, data]", line)
	}
	var e RecordingEvent
	if err := json.Unmarshal(ev[0], &e.Time); err != nil {
		return fmt.Errorf("recording line %d: bad time: %w", line, err)
	}
	if err := json.Unmarshal(ev[1], &e.Kind); err != nil {
		return fmt.Errorf("recording line %d: bad kind: %w", line, err)
	}
	if err := json.Unmarshal(ev[2], &e.Data); err != nil {
		return fmt.Errorf("recording line %d: bad data: %w", line, err)
	}
	if n := len(rec.Events); e.Time < 0 || (n > 0 && e.Time < rec.Events[n-1].Time) {
		return fmt.Errorf("recording line %d: time %.6f goes backwards", line, e.Time)
	}
	rec.Events = append(rec.Events, e)
	return nil
}
