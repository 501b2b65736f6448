package cases

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Report returns the case as a readable Markdown report: facts, escalation
// checklist, SLA clocks, priority history, activities and attachments.
func (s *Store) Report(ctx context.Context, id string) (string, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return "", err
	}
	sla, err := s.SLA(&c)
	if err != nil {
		return "", err
	}
	return caseReport(&c, sla, s.zone(&c)), nil
}

// zone is the time zone of the case's contract (Europe/Berlin when the
// contract is unknown).
func (s *Store) zone(c *Case) *time.Location {
	if ct, err := s.contract(c.Contract); err == nil {
		if loc, err := ct.location(); err == nil {
			return loc
		}
	}
	if loc, err := time.LoadLocation(DefaultTimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// cell makes text safe for one Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "|", `\|`)
	return strings.ReplaceAll(s, "\n", "<br>")
}

// para makes text safe as a Markdown paragraph or list item: no raw HTML
// and no headings that break the report's structure.
func para(s string) string {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines[i] = `\` + strings.TrimSpace(l)
		}
	}
	return strings.Join(lines, "  \n")
}

func fmtDur(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("%s%dh%02dm", sign, int(d.Hours()), int(d.Minutes())%60)
}

// clockLine describes a clock in one line.
func clockLine(c Clock, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**: %s", c.Name, c.State)
	if c.Target > 0 {
		fmt.Fprintf(&b, ", target %s", fmtDur(c.Target))
	}
	fmt.Fprintf(&b, ", used %s", fmtDur(c.Used))
	switch {
	case c.DoneAt != nil:
		fmt.Fprintf(&b, ", done %s", fmtTime(loc, *c.DoneAt))
	case c.Running && c.Due != nil:
		fmt.Fprintf(&b, ", due %s (remaining %s)", fmtTime(loc, *c.Due), fmtDur(c.Remaining))
	case c.Paused:
		fmt.Fprintf(&b, ", paused with %s left", fmtDur(c.Remaining))
	}
	return b.String()
}

func caseReport(c *Case, sla SLA, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", c.ID, para(c.Title))
	b.WriteString("| | |\n|---|---|\n")
	row := func(k, v string) {
		if strings.TrimSpace(v) != "" {
			fmt.Fprintf(&b, "| %s | %s |\n", k, cell(v))
		}
	}
	row("Customer", c.Customer)
	row("Contract", c.Contract)
	row("Product", c.Product)
	row("Systems", strings.Join(c.Systems, ", "))
	row("Priority", c.Priority.String())
	row("Status", string(c.Status))
	row("Level", fmt.Sprint(c.Level))
	row("Assignee", c.Assignee)
	row("Opened", fmtTime(loc, c.Created))
	row("Linked articles", strings.Join(c.Articles, ", "))
	if c.Description != "" {
		fmt.Fprintf(&b, "\n## Description\n\n%s\n", para(c.Description))
	}
	b.WriteString("\n## Escalation checklist\n\n")
	if e := c.Escalation; e != nil {
		fmt.Fprintf(&b, "Escalated %s by %s.\n\n", fmtTime(loc, e.At), e.By)
		fmt.Fprintf(&b, "- **Reproduced on a current standard demo system:** %s\n", para(e.ReproducedOn))
		fmt.Fprintf(&b, "- **Exact description of the error and its context:** %s\n", para(e.Description))
		fmt.Fprintf(&b, "- **Activities already done:** %s\n", para(e.Done))
		b.WriteString("- **Findings:**\n")
		for _, f := range e.Findings {
			fmt.Fprintf(&b, "  - %s\n", para(f))
		}
		loc := e.SourceLocation
		if loc == "" {
			loc = "not known"
		}
		fmt.Fprintf(&b, "- **Location in the standard source code:** %s\n", para(loc))
	} else {
		fmt.Fprintf(&b, "Not escalated yet. Missing: %s.\n", strings.Join(Checklist(c, Escalation{}), "; "))
	}
	writeLogFindings(&b, c, loc)
	fmt.Fprintf(&b, "\n## SLA (service hours, as of %s)\n\n", fmtTime(loc, sla.At))
	fmt.Fprintf(&b, "- %s\n- %s\n", clockLine(sla.Reaction, loc), clockLine(sla.Resolution, loc))
	if sla.Vendor != nil {
		fmt.Fprintf(&b, "- %s\n", clockLine(*sla.Vendor, loc))
	}
	b.WriteString("\n## Priority history\n\n| When | Who | From | To | Reason |\n|---|---|---|---|---|\n")
	for _, p := range c.PriorityHistory() {
		from := ""
		if p.From != 0 {
			from = p.From.String()
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", fmtTime(loc, p.At), cell(p.By), from, p.To, cell(p.Reason))
	}
	b.WriteString("\n## Activities\n\n")
	for _, a := range c.Activities {
		fmt.Fprintf(&b, "- %s, %s, **%s**", fmtTime(loc, a.At), para(a.By), a.Kind)
		switch a.Kind {
		case KindCreated:
			fmt.Fprintf(&b, " (priority %s)", para(a.To))
		case KindPriority:
			fmt.Fprintf(&b, " (priority %s → %s)", para(a.From), para(a.To))
		default:
			if a.From != "" || a.To != "" {
				fmt.Fprintf(&b, " (%s → %s)", para(a.From), para(a.To))
			}
		}
		if a.Text != "" {
			fmt.Fprintf(&b, ": %s", para(a.Text))
		}
		b.WriteString("\n")
	}
	if len(c.Attachments) > 0 {
		b.WriteString("\n## Attachments\n\n| Name | Size | SHA-256 | Source |\n|---|---|---|---|\n")
		for _, a := range c.Attachments {
			fmt.Fprintf(&b, "| %s | %d | `%s` | %s |\n", cell(a.Name), a.Size, a.SHA256, cell(a.Source))
		}
	}
	return b.String()
}

// bundleReport is the case report plus what the bundle holds.
func bundleReport(c *Case, sla SLA, res *BundleResult, now time.Time, by string, loc *time.Location) string {
	var b strings.Builder
	b.WriteString(caseReport(c, sla, loc))
	fmt.Fprintf(&b, "\n## Bundle contents\n\nProduced %s", fmtTime(loc, now))
	if by != "" {
		fmt.Fprintf(&b, " by %s", para(by))
	}
	b.WriteString(". Secrets were redacted from the logs, recordings and this report; SHA256SUMS lists every file as bundled.\n\n")
	if len(res.Files) > 0 {
		b.WriteString("| File | Size | SHA-256 (bundled) | Verified original SHA-256 | Secrets redacted |\n|---|---|---|---|---|\n")
		for _, f := range res.Files {
			orig := f.Original
			if orig == "" {
				orig = "same"
			}
			fmt.Fprintf(&b, "| %s | %d | `%s` | %s | %d |\n", cell(f.Name), f.Size, f.SHA256, orig, f.Redacted)
		}
	}
	b.WriteString("\n## Audit logs and session recordings\n\n")
	if len(res.Audit) == 0 {
		b.WriteString("No audit logs: no remote session was recorded for this case.\n")
	}
	for _, r := range sortedAudit(res.Audit) {
		verdict := "verified"
		if !r.OK {
			verdict = "VERIFICATION FAILED"
		}
		fmt.Fprintf(&b, "- %s `%s`: **%s**", r.Kind, sanitizeName(r.Path), verdict)
		if r.Detail != "" {
			fmt.Fprintf(&b, ": %s", para(r.Detail))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// renderHTML renders Markdown as a standalone HTML page (raw HTML in the
// input is not passed through).
func renderHTML(title, md string) (string, error) {
	var body bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(md), &body); err != nil {
		return "", fmt.Errorf("render the report: %w", err)
	}
	return fmt.Sprintf(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%s</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}code{font-size:.9em}</style>
</head><body>
%s</body></html>
`, html.EscapeString(title), body.String()), nil
}

// BasicRedactor removes the usual secrets line by line: values of
// password/secret/token/api-key assignments, Authorization headers,
// credentials in URLs and PEM private-key blocks. It is the fallback when
// no better Redactor is wired in.
type BasicRedactor struct{}

// Redaction is the text that replaces a secret.
const Redaction = "[REDACTED]"

var basicPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(?i)(authorization:\s*(?:bearer|basic|token)\s+)[^\s"']+`), "${1}" + Redaction},
	{regexp.MustCompile(`(?i)(\b(?:password|passwort|passwd|pwd|secret|client_secret|token|access_token|api[_-]?key|apikey)\b["']?\s*[=:]\s*["']?)[^\s"',;&]+`), "${1}" + Redaction},
	{regexp.MustCompile(`(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(@)`), "${1}" + Redaction + "${2}"},
}

// Redact copies src to dst with secrets replaced.
func (BasicRedactor) Redact(ctx context.Context, dst io.Writer, src io.Reader) (int, error) {
	r := bufio.NewReaderSize(src, 64<<10)
	n := 0
	inKey := false
	for lineNo := 0; ; lineNo++ {
		if lineNo%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
		line, err := r.ReadString('\n')
		if len(line) > 0 {
			out := line
			switch {
			case inKey:
				if strings.Contains(line, "-----END") {
					inKey = false
				} else {
					out = Redaction + "\n"
				}
			case strings.Contains(line, "-----BEGIN") && strings.Contains(line, "PRIVATE KEY-----"):
				inKey = true
				n++
			default:
				for _, p := range basicPatterns {
					if p.re.MatchString(out) {
						n += len(p.re.FindAllStringIndex(out, -1))
						out = p.re.ReplaceAllString(out, p.repl)
					}
				}
			}
			if _, werr := io.WriteString(dst, out); werr != nil {
				return n, werr
			}
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// logFindingPrefix starts the Ref of a note that marks lines of a log file
// as a finding ("log:<sha256>:<first>-<last>", see logs.Finding).
const logFindingPrefix = "log:"

// writeLogFindings lists the lines marked as findings in the case's logs,
// with the file hash and line range that let the vendor find them in the
// attached logs.
func writeLogFindings(b *strings.Builder, c *Case, loc *time.Location) {
	var found bool
	for _, a := range c.Activities {
		ref, ok := strings.CutPrefix(a.Ref, logFindingPrefix)
		if !ok {
			continue
		}
		if !found {
			b.WriteString("\n## Findings in the logs\n\n")
			found = true
		}
		fmt.Fprintf(b, "- %s, %s, `%s`: %s\n", fmtTime(loc, a.At), para(a.By), ref, para(a.Text))
	}
}
