package app

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"werkbank/cases"
	"werkbank/logs"
	"werkbank/remote"
)

// auditVerifier checks a case's audit logs and recordings with the remote
// package for the escalation bundle (cases.AuditVerifier).
type auditVerifier struct{ dataDir string }

// VerifyCase reports each audit log of the case and each recording it names.
func (v auditVerifier) VerifyCase(ctx context.Context, caseID string) ([]cases.AuditResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	results, err := remote.VerifyCase(v.dataDir, caseID, remote.VerifyOptions{})
	if err != nil {
		return nil, err
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
			out = append(out, cases.AuditResult{Kind: "recording", Path: filepath.Join(v.dataDir, "recordings", name), OK: len(recProblems[name]) == 0, Detail: rd})
		}
	}
	return out, nil
}

// logsRedactor adapts the logs package's redaction to cases.Redactor.
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

// bundleHelpers returns the audit verifier and redactor for bundles; when
// the redaction rules cannot be built, the cases package's basic
// redaction is used (nil) and the error is returned for the log.
func bundleHelpers(dataDir string) (cases.AuditVerifier, cases.Redactor, error) {
	r, err := logs.NewRedactor(logs.RedactorConfig{})
	if err != nil {
		return auditVerifier{dataDir: dataDir}, nil, fmt.Errorf("redaction rules: %w", err)
	}
	return auditVerifier{dataDir: dataDir}, logsRedactor{r: r}, nil
}
