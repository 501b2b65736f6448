package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"werkbank/bridge"
	"werkbank/logs"
)

// runLogs runs "werkbank logs …".
func runLogs(ctx context.Context, e *Env, args []string) error {
	return sub(ctx, e, "logs", args, map[string]func(context.Context, *Env, []string) error{
		"parse":   runLogsParse,
		"summary": runLogsSummary,
		"match":   runLogsMatch,
	})
}

// oneFile checks that exactly one FILE argument is left.
func logsOneFile(fs interface{ Args() []string }, cmd string) (string, error) {
	if len(fs.Args()) != 1 {
		return "", usagef("logs %s needs exactly one FILE (werkbank logs %s --help)", cmd, cmd)
	}
	return fs.Args()[0], nil
}

func runLogsParse(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("logs parse", "logs parse --json FILE",
		`Groups the lines of FILE (plain or .gz, any common encoding) into templates
with the variable parts masked as <*>, and prints one JSON object per input
line, in order: {"line":N,"template_id":"…","template":"…"}. No
configuration is needed: headers (timestamps, levels, components, pids)
are detected.`)
	asJSON := fs.Bool("json", false, "print JSON lines (required; the only output format)")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, err := logsOneFile(fs, "parse")
	if err != nil {
		return err
	}
	if !*asJSON {
		return usagef("logs parse prints JSON only: use --json")
	}
	a, err := logs.Analyze(ctx, path, logs.AnalyzeConfig{KeepAssignments: true})
	if err != nil {
		return err
	}
	type row struct {
		Line       int    `json:"line"`
		TemplateID string `json:"template_id"`
		Template   string `json:"template"`
	}
	texts := make([]string, len(a.Templates))
	ids := make([]string, len(a.Templates))
	for i, st := range a.Templates {
		texts[i] = st.Template.Text()
		ids[i] = logs.TemplateID(texts[i])
	}
	w := bufio.NewWriterSize(e.Stdout, 256<<10)
	out := &Env{Stdout: w}
	for i, idx := range a.Assign {
		if err := out.printJSON(row{Line: i + 1, TemplateID: ids[idx], Template: texts[idx]}); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func runLogsSummary(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("logs summary", "logs summary [--json] FILE",
		`Summarises FILE: its templates with counts, level, first and last seen,
most frequent first, and the errors-per-minute timeline (with --json).`)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, err := logsOneFile(fs, "summary")
	if err != nil {
		return err
	}
	a, err := logs.Analyze(ctx, path, logs.AnalyzeConfig{})
	if err != nil {
		return err
	}
	s := logs.Summarize(path, a)
	if *asJSON {
		return e.printJSON(s)
	}
	fmt.Fprintf(e.Stdout, "%s: %d lines, %d templates, %s", s.File, s.Lines, len(s.Templates), s.Encoding)
	if s.First != nil {
		fmt.Fprintf(e.Stdout, ", %s – %s", s.First.Format(time.DateTime), s.Last.Format(time.DateTime))
	}
	if s.Truncated > 0 {
		fmt.Fprintf(e.Stdout, ", %d long lines truncated", s.Truncated)
	}
	fmt.Fprintln(e.Stdout)
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COUNT\tLEVEL\tFIRST SEEN\tLAST SEEN\tID\tTEMPLATE")
	for _, t := range s.Templates {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.Count, logsDash(t.LevelText()), logsTime(t.FirstSeen), logsTime(t.LastSeen), t.ID, logsClip(t.Template, 160))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func runLogsMatch(ctx context.Context, e *Env, args []string) (err error) {
	fs := e.flags("logs match", "logs match [--json] [--limit N] FILE",
		`Finds knowledge-base articles that match the errors in FILE: the articles'
error signatures (substrings or /regex/) are tested on every line, and the
most frequent error templates are searched in the knowledge base. Prints the
ranked articles with their evidence line numbers.`)
	asJSON := fs.Bool("json", false, "print one JSON object per article")
	limit := fs.Int("limit", 10, "at most this many articles (0: all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	path, err := logsOneFile(fs, "match")
	if err != nil {
		return err
	}
	if *limit < 0 {
		return usagef("--limit must not be negative")
	}
	store, closeKB, err := openKB(ctx, e)
	if err != nil {
		return err
	}
	defer closeInto(&err, closeKB)
	m, err := logs.NewMatcher(logs.MatcherConfig{KB: bridge.KnowledgeBase(store)})
	if err != nil {
		return err
	}
	hits, err := m.MatchFile(ctx, path, *limit)
	if err != nil {
		return err
	}
	for _, h := range hits {
		if *asJSON {
			if err := e.printJSON(h); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(e.Stdout, "%s  [%s, score %.2f]\n    lines %s\n", h.Message(), h.ID, h.Score, logsLineList(h.Lines))
	}
	if len(hits) == 0 && !*asJSON {
		fmt.Fprintln(e.Stdout, "No known problem found.")
	}
	return nil
}

func logsDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func logsTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateTime)
}

func logsClip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func logsLineList(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	return strings.Join(parts, ", ")
}
