package logs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// AnalyzeConfig configures Analyze. Zero values mean the defaults.
type AnalyzeConfig struct {
	Reader ReaderConfig
	Miner  MinerConfig
	// Workers is the number of goroutines that split headers and mask
	// messages. Default: the number of CPUs.
	Workers int
	// KeepAssignments keeps the template of every line (4 bytes a line),
	// needed to print each line's final template.
	KeepAssignments bool
}

// TemplateStats is what a file says about one template.
type TemplateStats struct {
	Template *Template
	// Count is the number of lines.
	Count int
	// FirstLine is the 1-based number of the first line.
	FirstLine int
	// Example is the first line's text.
	Example string
	// First and Last are the earliest and latest timestamps; zero when the
	// lines had none.
	First, Last time.Time
	// Levels counts the lines per normalised level ("" for none).
	Levels map[string]int
}

// Level returns the most severe level seen in the template's lines.
func (s *TemplateStats) Level() string {
	best := ""
	for l := range s.Levels {
		if levelRank(l) > levelRank(best) {
			best = l
		}
	}
	return best
}

// Analysis is the result of reading a whole log file.
type Analysis struct {
	Lines     int
	Truncated int
	Encoding  Encoding
	// Templates in order of first appearance.
	Templates []*TemplateStats
	// Assign holds each line's template index into Templates (line N at
	// N-1), when KeepAssignments was set.
	Assign []int32
	// ErrorsPerMinute counts ERROR and FATAL lines per minute (UTC, ordered).
	ErrorsPerMinute []MinuteCount
	// First and Last are the earliest and latest timestamps in the file.
	First, Last time.Time
}

// MinuteCount is one point of the errors-per-minute timeline.
type MinuteCount struct {
	Minute time.Time `json:"minute"`
	Count  int       `json:"count"`
}

// processed is one line after header split and masking.
type processed struct {
	no        int
	text      string
	truncated bool
	hdr       Header
	toks      []string
}

type batch struct {
	lines []processed
	err   error
}

const batchSize = 512

// Analyze reads a log file once, mines its templates and collects counts,
// first and last seen, levels and the errors-per-minute timeline. Memory
// stays bounded by the number of templates (and 4 bytes a line with
// KeepAssignments).
func Analyze(ctx context.Context, path string, cfg AnalyzeConfig) (*Analysis, error) {
	r, err := Open(ctx, path, cfg.Reader)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	a, err := AnalyzeReader(ctx, r, cfg)
	if err != nil {
		return nil, fmt.Errorf("analyse %s: %w", path, err)
	}
	return a, nil
}

// AnalyzeReader is Analyze on an open reader.
func AnalyzeReader(ctx context.Context, r *Reader, cfg AnalyzeConfig) (*Analysis, error) {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()

	work := make(chan *pending, workers*2)
	order := make(chan *pending, workers*4)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				// One token arena per batch instead of a slice per line.
				arena := make([]string, 0, len(p.b.lines)*12)
				for i := range p.b.lines {
					ln := &p.b.lines[i]
					ln.hdr = SplitHeader(ln.text)
					start := len(arena)
					arena = MaskTokens(arena, ln.hdr.Content)
					ln.toks = arena[start:len(arena):len(arena)]
				}
				close(p.done)
			}
		}()
	}
	// The reader goroutine owns work and order and closes them.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(work)
		for {
			b := batch{lines: make([]processed, 0, batchSize)}
			for len(b.lines) < batchSize {
				ln, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.err = err
					break
				}
				b.lines = append(b.lines, processed{no: ln.No, text: ln.Text, truncated: ln.Truncated})
			}
			p := &pending{b: b, done: make(chan struct{})}
			select {
			case order <- p:
			case <-ctx.Done():
				return
			}
			if b.err != nil || len(b.lines) == 0 {
				close(p.done)
				return
			}
			select {
			case work <- p:
			case <-ctx.Done():
				return
			}
		}
	}()

	acc := newAccumulator(cfg)
	for p := range order {
		select {
		case <-p.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if p.b.err != nil {
			return nil, p.b.err
		}
		for i := range p.b.lines {
			acc.add(&p.b.lines[i])
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if acc.a.Lines == 0 {
		return nil, ErrEmpty
	}
	acc.a.Encoding = r.Encoding()
	return acc.finish(), nil
}

// pending is a batch in flight; done closes when the workers are through.
type pending struct {
	b    batch
	done chan struct{}
}

// accumulator folds processed lines into an Analysis in line order.
type accumulator struct {
	cfg    AnalyzeConfig
	miner  *Miner
	a      *Analysis
	minute map[int64]int
}

func newAccumulator(cfg AnalyzeConfig) *accumulator {
	return &accumulator{cfg: cfg, miner: NewMiner(cfg.Miner), a: &Analysis{}, minute: map[int64]int{}}
}

func (acc *accumulator) add(ln *processed) {
	a := acc.a
	a.Lines++
	if ln.truncated {
		a.Truncated++
	}
	t := acc.miner.Add(ln.toks)
	if t.idx == len(a.Templates) {
		a.Templates = append(a.Templates, &TemplateStats{Template: t, FirstLine: ln.no, Example: ln.text, Levels: map[string]int{}})
	}
	st := a.Templates[t.idx]
	st.Count++
	level := ln.hdr.Level
	if level == "" {
		level = levelFromText(ln.hdr.Content)
	}
	st.Levels[level]++
	if ts := ln.hdr.Time; !ts.IsZero() {
		if st.First.IsZero() || ts.Before(st.First) {
			st.First = ts
		}
		if ts.After(st.Last) {
			st.Last = ts
		}
		if a.First.IsZero() || ts.Before(a.First) {
			a.First = ts
		}
		if ts.After(a.Last) {
			a.Last = ts
		}
		if level == "ERROR" || level == "FATAL" {
			acc.minute[ts.Unix()/60]++
		}
	}
	if acc.cfg.KeepAssignments {
		a.Assign = append(a.Assign, int32(t.idx))
	}
}

func (acc *accumulator) finish() *Analysis {
	mergeSiblings(acc.a.Templates)
	mins := make([]int64, 0, len(acc.minute))
	for m := range acc.minute {
		mins = append(mins, m)
	}
	slices.Sort(mins)
	for _, m := range mins {
		acc.a.ErrorsPerMinute = append(acc.a.ErrorsPerMinute, MinuteCount{Minute: time.Unix(m*60, 0).UTC(), Count: acc.minute[m]})
	}
	return acc.a
}

// siblingValues is the number of templates differing only in one
// lower-case word from which that word counts as a variable.
const siblingValues = 4

// mergeSiblings generalises a word position in which at least four
// templates differ only there ("Starting pcmcia: succeeded", "Starting
// sshd: succeeded", …): a word with that many values is a variable, while
// two or three values (startup/shutdown) name distinct events. Merged
// templates get the same text and so the same id.
func mergeSiblings(stats []*TemplateStats) {
	if len(stats) > 50000 {
		return
	}
	for round := 0; round < 3; round++ {
		groups := map[string]map[string]bool{}
		members := map[string][]*Template{}
		var key []byte
		for _, st := range stats {
			t := st.Template
			for p, tok := range t.Tokens {
				if !isLowerWord(tok) {
					continue
				}
				key = key[:0]
				key = append(key, byte(p>>8), byte(p))
				for i, o := range t.Tokens {
					if i != p {
						key = append(key, o...)
					}
					key = append(key, ' ')
				}
				k := string(key)
				if groups[k] == nil {
					groups[k] = map[string]bool{}
				}
				groups[k][tok] = true
				members[k] = append(members[k], t)
			}
		}
		changed := false
		for k, vals := range groups {
			if len(vals) < siblingValues {
				continue
			}
			p := int(k[0])<<8 | int(k[1])
			for _, t := range members[k] {
				if t.Tokens[p] != Wildcard {
					t.Tokens[p] = Wildcard
					changed = true
				}
			}
		}
		if !changed {
			return
		}
	}
}

// isLowerWord reports a lower-case word, possibly with punctuation around
// it ("pcmcia:").
func isLowerWord(tok string) bool {
	if tok == "" || tok[0] == '(' {
		return false
	}
	t := trimPunct(tok)
	if len(t) < 2 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// levelRank orders levels by severity.
func levelRank(l string) int {
	switch l {
	case "TRACE":
		return 1
	case "DEBUG":
		return 2
	case "INFO":
		return 3
	case "WARN":
		return 4
	case "ERROR":
		return 5
	case "FATAL":
		return 6
	}
	return 0
}

// levelName is the inverse of levelRank.
func levelName(rank uint8) string {
	switch rank {
	case 1:
		return "TRACE"
	case 2:
		return "DEBUG"
	case 3:
		return "INFO"
	case 4:
		return "WARN"
	case 5:
		return "ERROR"
	case 6:
		return "FATAL"
	}
	return ""
}

// LevelRank orders normalised levels by severity: 0 for none, 1 for
// TRACE up to 6 for FATAL.
func LevelRank(level string) int { return levelRank(level) }

// levelFromText guesses a level from words in a message without header
// level: exceptions and "error" words count as ERROR.
func levelFromText(s string) string {
	switch {
	case strings.Contains(s, "FATAL"):
		return "FATAL"
	case strings.Contains(s, "Exception") || strings.Contains(s, "ERROR") || strings.Contains(s, "Fehler") ||
		strings.HasPrefix(s, "at ") || strings.HasPrefix(s, "Caused by:"):
		return "ERROR"
	case strings.Contains(s, "WARN"):
		return "WARN"
	}
	return ""
}
