package cases

import (
	"context"
	"fmt"
	"strings"
)

// ArticleDraft is a knowledge-base article drafted from a solved case.
type ArticleDraft struct {
	Title    string
	Problem  string
	Cause    string
	Solution string
	Product  string
	Tags     []string
	// CaseID links the article back to the case.
	CaseID string
	Author string
}

// Markdown returns the draft's body with the sections problem, cause and
// solution.
func (d ArticleDraft) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Problem\n\n%s\n\n## Cause\n\n%s\n\n## Solution\n\n%s\n", d.Problem, d.Cause, d.Solution)
	if d.CaseID != "" {
		fmt.Fprintf(&b, "\nSource: case %s\n", d.CaseID)
	}
	return b.String()
}

// ArticleDrafter stores an article draft and returns its id. The kb package
// implements it; the CLI and the app wire it in.
type ArticleDrafter interface {
	DraftArticle(ctx context.Context, d ArticleDraft) (string, error)
}

// Draft builds the article draft of a solved or closed case: the problem
// from its description (or title and escalation description), the cause
// from the analysis or the escalation findings, the solution from the case.
func Draft(c *Case, author string) (ArticleDraft, error) {
	if c.Status.Open() {
		return ArticleDraft{}, fmt.Errorf("case %s is %s: %w: only a solved or closed case becomes an article", c.ID, c.Status, ErrInvalid)
	}
	d := ArticleDraft{Title: c.Title, Product: c.Product, CaseID: c.ID, Author: author, Cause: c.Cause, Solution: c.Solution}
	d.Problem = c.Description
	if e := c.Escalation; e != nil {
		if d.Problem == "" {
			d.Problem = e.Description
		}
		if d.Cause == "" {
			d.Cause = strings.Join(e.Findings, "\n\n")
			if e.SourceLocation != "" {
				d.Cause += "\n\nLocation in the standard source: " + e.SourceLocation
			}
		}
		if d.Product == "" {
			d.Product = e.Product
		}
	}
	if d.Problem == "" {
		d.Problem = c.Title
	}
	if d.Solution == "" {
		for i := len(c.Activities) - 1; i >= 0; i-- {
			if a := c.Activities[i]; a.Kind == KindStatus && a.To == string(StatusSolved) && a.Text != "" {
				d.Solution = a.Text
				break
			}
		}
	}
	var missing []string
	if strings.TrimSpace(d.Cause) == "" {
		missing = append(missing, "cause")
	}
	if strings.TrimSpace(d.Solution) == "" {
		missing = append(missing, "solution")
	}
	if len(missing) > 0 {
		return d, fmt.Errorf("case %s: %w: record the %s first (case analysis)", c.ID, ErrInvalid, strings.Join(missing, " and "))
	}
	d.Tags = []string{"from-case"}
	return d, nil
}

// DraftArticle turns a solved case into a knowledge-base draft through
// drafter and links the new article to the case.
func (s *Store) DraftArticle(ctx context.Context, id string, drafter ArticleDrafter, by string) (string, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return "", err
	}
	d, err := Draft(&c, by)
	if err != nil {
		return "", err
	}
	articleID, err := drafter.DraftArticle(ctx, d)
	if err != nil {
		return "", fmt.Errorf("draft article from case %s: %w", id, err)
	}
	if _, err := s.LinkArticle(ctx, id, articleID, by); err != nil {
		return articleID, err
	}
	return articleID, nil
}
