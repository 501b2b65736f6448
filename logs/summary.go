package logs

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Summary is the shareable result of Analyze: templates by frequency with
// first and last seen, and the errors-per-minute timeline.
type Summary struct {
	File      string            `json:"file"`
	Lines     int               `json:"lines"`
	Truncated int               `json:"truncated_lines,omitempty"`
	Encoding  Encoding          `json:"encoding"`
	First     *time.Time        `json:"first,omitempty"`
	Last      *time.Time        `json:"last,omitempty"`
	Templates []TemplateSummary `json:"templates"`
	// ErrorsPerMinute is the timeline of ERROR and FATAL lines.
	ErrorsPerMinute []MinuteCount `json:"errors_per_minute"`
}

// TemplateSummary describes one template of a Summary.
type TemplateSummary struct {
	ID       string `json:"template_id"`
	Template string `json:"template"`
	Count    int    `json:"count"`
	// Level is the most severe level of the template's lines; Levels
	// counts its lines per level (lines without one are not counted).
	Level     string         `json:"level,omitempty"`
	Levels    map[string]int `json:"levels,omitempty"`
	FirstSeen *time.Time     `json:"first_seen,omitempty"`
	LastSeen  *time.Time     `json:"last_seen,omitempty"`
	FirstLine int            `json:"first_line"`
	Example   string         `json:"example"`
}

// Summarize turns an analysis into a summary, templates ordered by count
// (most frequent first), ties by first appearance.
func Summarize(file string, a *Analysis) Summary {
	s := Summary{File: file, Lines: a.Lines, Truncated: a.Truncated, Encoding: a.Encoding,
		First: timePtr(a.First), Last: timePtr(a.Last), ErrorsPerMinute: a.ErrorsPerMinute}
	if s.ErrorsPerMinute == nil {
		s.ErrorsPerMinute = []MinuteCount{}
	}
	byID := map[string]int{}
	for _, st := range a.Templates {
		text := st.Template.Text()
		id := TemplateID(text)
		if i, ok := byID[id]; ok {
			// Two groups that generalised to the same text are one template.
			t := &s.Templates[i]
			t.Count += st.Count
			t.FirstSeen = earlier(t.FirstSeen, timePtr(st.First))
			t.LastSeen = later(t.LastSeen, timePtr(st.Last))
			if levelRank(st.Level()) > levelRank(t.Level) {
				t.Level = st.Level()
			}
			addLevels(&t.Levels, st.Levels)
			continue
		}
		byID[id] = len(s.Templates)
		t := TemplateSummary{ID: id, Template: text, Count: st.Count, Level: st.Level(),
			FirstSeen: timePtr(st.First), LastSeen: timePtr(st.Last), FirstLine: st.FirstLine, Example: st.Example}
		addLevels(&t.Levels, st.Levels)
		s.Templates = append(s.Templates, t)
	}
	slices.SortStableFunc(s.Templates, func(x, y TemplateSummary) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		return cmp.Compare(x.FirstLine, y.FirstLine)
	})
	return s
}

// ErrorTemplate is a template of the ERROR and FATAL lines of a log file.
type ErrorTemplate struct {
	ID   string
	Text string
	// Count is the number of ERROR and FATAL lines of the template (lines
	// of lower levels with the same template are not counted).
	Count int
}

// ErrorTemplates analyses the log file at path and returns the templates
// of its ERROR and FATAL lines (ids as in its Summary), most frequent
// first; limit > 0 keeps only the first limit of them.
func ErrorTemplates(ctx context.Context, path string, limit int) ([]ErrorTemplate, error) {
	a, err := Analyze(ctx, path, AnalyzeConfig{})
	if err != nil {
		return nil, err
	}
	type found struct {
		ErrorTemplate
		firstLine int
	}
	var all []found
	byID := map[string]int{}
	for _, st := range a.Templates {
		n := 0
		for l, c := range st.Levels {
			if levelRank(l) >= levelRank("ERROR") {
				n += c
			}
		}
		if n == 0 {
			continue
		}
		text := st.Template.Text()
		id := TemplateID(text)
		if i, ok := byID[id]; ok {
			// Two groups that generalised to the same text are one template.
			all[i].Count += n
			all[i].firstLine = min(all[i].firstLine, st.FirstLine)
			continue
		}
		byID[id] = len(all)
		all = append(all, found{ErrorTemplate{ID: id, Text: text, Count: n}, st.FirstLine})
	}
	slices.SortStableFunc(all, func(x, y found) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		return cmp.Compare(x.firstLine, y.firstLine)
	})
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	out := make([]ErrorTemplate, len(all))
	for i, f := range all {
		out[i] = f.ErrorTemplate
	}
	return out, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func earlier(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}

func later(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}

// addLevels adds the per-level counts of from (the level "" not) to *to.
func addLevels(to *map[string]int, from map[string]int) {
	for l, c := range from {
		if l == "" || c == 0 {
			continue
		}
		if *to == nil {
			*to = map[string]int{}
		}
		(*to)[l] += c
	}
}

// LevelText names the template's level, or its levels with their counts,
// most severe first, when its lines have more than one ("ERROR 12 · WARN
// 3"); "" when its lines have none.
func (t TemplateSummary) LevelText() string {
	if len(t.Levels) <= 1 {
		return t.Level
	}
	levels := slices.Collect(maps.Keys(t.Levels))
	slices.SortFunc(levels, func(a, b string) int { return cmp.Compare(levelRank(b), levelRank(a)) })
	parts := make([]string, len(levels))
	for i, l := range levels {
		parts[i] = fmt.Sprintf("%s %d", l, t.Levels[l])
	}
	return strings.Join(parts, " · ")
}
