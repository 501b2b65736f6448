// Package bridge adapts the domain packages to each other's consumer
// interfaces — the knowledge base to the log matcher, the remote audit to
// the case bundle, the log analysis to the case search and redaction, the
// knowledge base to case drafts — so that the command line and the window
// wire them the same way. The domain packages stay unaware of each other;
// this package has no state and no Fyne.
package bridge

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"werkbank/cases"
	"werkbank/kb"
	"werkbank/logs"
	"werkbank/remote"
)

// KnowledgeBase lets the log matcher read the knowledge base s.
func KnowledgeBase(s *kb.Store) logs.KnowledgeBase { return kbForLogs{s} }

type kbForLogs struct{ s *kb.Store }

// Signatures lists the error signatures of all articles not archived.
func (k kbForLogs) Signatures(ctx context.Context) ([]logs.Signature, error) {
	arts, err := k.s.List(ctx, kb.Filter{})
	if err != nil {
		return nil, fmt.Errorf("list article signatures: %w", err)
	}
	var out []logs.Signature
	for _, a := range arts {
		if a.Status == kb.StatusArchived {
			continue
		}
		for _, p := range a.Signatures {
			out = append(out, logs.Signature{ArticleID: a.ID, Title: a.Title, Source: a.Source, Pattern: p})
		}
	}
	return out, nil
}

// Search runs a knowledge-base search.
func (k kbForLogs) Search(ctx context.Context, text string, limit int) ([]logs.Candidate, error) {
	res, err := k.s.Search(ctx, kb.Query{Text: text, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]logs.Candidate, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, logs.Candidate{ID: h.ID, Title: h.Title, Source: h.Source, Score: h.Score})
	}
	return out, nil
}

// AuditVerifier checks a case's audit logs and recordings below the data
// folder dataDir with the remote package, for the escalation bundle.
func AuditVerifier(dataDir string) cases.AuditVerifier { return auditVerifier{dataDir} }

type auditVerifier struct{ dataDir string }

// VerifyCase reports each audit log of the case and each recording it names.
func (v auditVerifier) VerifyCase(ctx context.Context, caseID string) ([]cases.AuditResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	results, err := remote.VerifyCase(v.dataDir, caseID, remote.VerifyOptions{})
	if err != nil {
		return nil, fmt.Errorf("verify audit logs of case %s: %w", caseID, err)
	}
	var out []cases.AuditResult
	for _, r := range results {
		var other []string
		recProblems := map[string][]string{}
		for _, p := range r.Problems {
			if p.Kind != remote.ProblemRecording {
				other = append(other, p.String())
				continue
			}
			for _, name := range r.Recordings {
				if strings.Contains(p.Detail, name) {
					recProblems[name] = append(recProblems[name], p.String())
				}
			}
		}
		detail := fmt.Sprintf("session %s: %d events, chain and signatures check (signed by %s)", r.Session, r.Events, r.Signer)
		if len(other) > 0 {
			detail = strings.Join(other, "; ")
		}
		out = append(out, cases.AuditResult{Kind: "audit", Path: r.File, OK: len(other) == 0, Detail: detail})
		for _, name := range r.Recordings {
			rd := "SHA-256 matches the audit log"
			if p := recProblems[name]; len(p) > 0 {
				rd = strings.Join(p, "; ")
			}
			out = append(out, cases.AuditResult{Kind: "recording", Path: filepath.Join(v.dataDir, "recordings", name),
				OK: len(recProblems[name]) == 0, Detail: rd})
		}
	}
	return out, nil
}

// Redactor returns the log package's redaction (passwords, tokens, keys,
// IBANs, e-mail addresses) for case bundles.
func Redactor() (cases.Redactor, error) {
	r, err := logs.NewRedactor(logs.RedactorConfig{})
	if err != nil {
		return nil, fmt.Errorf("redaction rules: %w", err)
	}
	return logsRedactor{r}, nil
}

type logsRedactor struct{ r *logs.Redactor }

// Redact copies src to dst with secrets masked and counts them.
func (l logsRedactor) Redact(ctx context.Context, dst io.Writer, src io.Reader) (int, error) {
	rep, err := l.r.Redact(ctx, src, dst)
	n := 0
	for _, c := range rep.Totals() {
		n += c
	}
	return n, err
}

// MaxCaseTemplates bounds the error templates kept per attached log.
const MaxCaseTemplates = 50

// Templates reads the error templates of attached log files with the logs
// package, for the case search index and similar cases.
func Templates() cases.TemplateSource { return logsTemplates{} }

type logsTemplates struct{}

// ErrorTemplates returns the templates of ERROR and FATAL lines, most
// frequent first.
func (logsTemplates) ErrorTemplates(ctx context.Context, path string) ([]cases.LogTemplate, error) {
	ts, err := logs.ErrorTemplates(ctx, path, MaxCaseTemplates)
	if err != nil {
		return nil, err
	}
	out := make([]cases.LogTemplate, len(ts))
	for i, t := range ts {
		out[i] = cases.LogTemplate{ID: t.ID, Text: t.Text, Count: t.Count}
	}
	return out, nil
}

// Drafter saves case drafts as draft articles in s, linked to the case,
// written by user.
func Drafter(s *kb.Store, user kb.User) cases.ArticleDrafter { return kbDrafter{s, user} }

type kbDrafter struct {
	kb   *kb.Store
	user kb.User
}

// DraftArticle saves the draft as a new draft article linked to the case.
func (d kbDrafter) DraftArticle(ctx context.Context, dr cases.ArticleDraft) (string, error) {
	a, err := d.kb.Save(ctx, kb.Article{Title: dr.Title, Body: dr.Markdown(), Tags: dr.Tags, Product: dr.Product,
		Status: kb.StatusDraft, Author: dr.Author, Cases: []string{dr.CaseID}}, d.user, "drafted from case "+dr.CaseID)
	if err != nil {
		return "", fmt.Errorf("draft article from case %s: %w", dr.CaseID, err)
	}
	return a.ID, nil
}

// SessionActivity is the case activity that records what session s did:
// the system text code (one of the cases.MsgRemote* codes) with its
// values as name, value pairs; the target, session and reason are added.
func SessionActivity(s *remote.Session, by, code string, args ...string) cases.Activity {
	args = append(args, "target", fmt.Sprint(s.Route.Target), "session", s.ID, "reason", s.Reason)
	a := cases.NewSystemText(code, args...).Activity(cases.KindRemote, by)
	a.Ref = s.ID
	return a
}
