package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"werkbank/bridge"
	"werkbank/cases"
	"werkbank/workspace"
)

// analyzeAttachments brings the error templates of attached logs into the
// case search index.
func analyzeAttachments(ctx context.Context, s *cases.Store) error {
	_, err := s.AnalyzeAttachments(ctx, bridge.Templates())
	return err
}

// searchOutput is "case search --json".
type searchOutput struct {
	Query  string      `json:"query"`
	TookMS float64     `json:"took_ms"`
	Total  int         `json:"total"`
	Hits   []cases.Hit `json:"hits"`
}

func caseSearch(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("search", "case search [--json] [--limit N] QUERY...",
		"Finds cases by the words of their title, customer, systems, description, analysis, activities and the error templates of their attached logs (German and English: ä = ae, plurals, the last word also as a prefix). Best first.")
	asJSON := fs.Bool("json", false, `print {"query","took_ms","total","hits":[…]}`)
	limit := fs.Int("limit", 20, "at most this many cases")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("case search needs a QUERY")
	}
	if *limit <= 0 {
		return usagef("case search --limit must be positive (got %d)", *limit)
	}
	query := strings.Join(pos, " ")
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		if err := analyzeAttachments(ctx, s); err != nil {
			return err
		}
		began := time.Now()
		hits, err := s.Search(ctx, query, *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			return e.printJSON(searchOutput{Query: query, TookMS: float64(time.Since(began).Microseconds()) / 1000, Total: len(hits), Hits: nonNil(hits)})
		}
		if len(hits) == 0 {
			_, err := fmt.Fprintf(e.Stdout, "no case matches %q\n", query)
			return err
		}
		tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSCORE\tPRIO\tSTATUS\tCUSTOMER\tTITLE")
		for _, h := range hits {
			fmt.Fprintf(tw, "%s\t%.2f\t%d\t%s\t%s\t%s\n", h.ID, h.Score, h.Priority, h.Status, h.Customer, h.Title)
		}
		return tw.Flush()
	})
}

func caseSimilar(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("similar", "case similar [--json] [--limit N] ID",
		"Lists the solved and closed cases most like the case, with how they were solved. Error templates shared by the cases' logs weigh most, then the words.")
	asJSON := fs.Bool("json", false, "print a JSON array of the similar cases")
	limit := fs.Int("limit", 5, "at most this many cases")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "similar"); err != nil {
		return err
	}
	if *limit <= 0 {
		return usagef("case similar --limit must be positive (got %d)", *limit)
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		if _, err := s.Get(ctx, pos[0]); err != nil {
			return err
		}
		if err := analyzeAttachments(ctx, s); err != nil {
			return err
		}
		sim, err := s.Similar(ctx, pos[0], *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			return e.printJSON(nonNil(sim))
		}
		if len(sim) == 0 {
			_, err := fmt.Fprintf(e.Stdout, "no solved case is like %s\n", pos[0])
			return err
		}
		for _, c := range sim {
			fmt.Fprintf(e.Stdout, "%s  %.2f  %s  %s · %s\n", c.ID, c.Score, c.Status, c.Customer, c.Title)
			for _, t := range c.Shared {
				fmt.Fprintf(e.Stdout, "    same error: %s (%d×)\n", t.Text, t.Count)
			}
			if c.Cause != "" {
				fmt.Fprintf(e.Stdout, "    cause:    %s\n", oneLine(c.Cause))
			}
			if c.Solution != "" {
				fmt.Fprintf(e.Stdout, "    solution: %s\n", oneLine(c.Solution))
			}
			for _, a := range c.Last {
				fmt.Fprintf(e.Stdout, "    %s %s %s: %s\n", a.At.Local().Format("2006-01-02"), a.By, a.Kind, oneLine(a.Text))
			}
		}
		return nil
	})
}

// oneLine joins the lines of s.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// nonNil makes an empty result print as [] in JSON.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
