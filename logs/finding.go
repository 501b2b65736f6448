package logs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// maxFindingLines caps the excerpt of a finding.
const maxFindingLines = 50

// Finding is a marked range of a log file, ready to be noted on a case:
// the file's hash identifies the original, the excerpt is redacted.
type Finding struct {
	// File is the log file's base name.
	File string
	// SHA256 is the hash of the file as it is on disk (hex).
	SHA256 string
	// First and Last are the 1-based line range.
	First, Last int
	Note        string
	// Excerpt holds the lines of the range (at most 50), redacted.
	Excerpt string
	// Redactions says what the redaction masked in the excerpt.
	Redactions RedactionReport
}

// NewFinding hashes the file at path, reads lines first..last through its
// index and redacts them.
func NewFinding(ctx context.Context, ix *Index, path string, first, last int, note string, red *Redactor) (Finding, error) {
	if first < 1 || last < first || last > ix.Lines() {
		return Finding{}, fmt.Errorf("finding: lines %d–%d are outside the file's %d lines", first, last, ix.Lines())
	}
	sum, err := FileSHA256(ctx, path)
	if err != nil {
		return Finding{}, err
	}
	lines, err := ix.Read(ctx, first-1, min(last-first+1, maxFindingLines))
	if err != nil {
		return Finding{}, fmt.Errorf("finding: %w", err)
	}
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = l.Text
	}
	excerpt, rep, err := red.RedactString(ctx, strings.Join(texts, "\n"))
	if err != nil {
		return Finding{}, fmt.Errorf("finding: redact: %w", err)
	}
	return Finding{File: filepath.Base(path), SHA256: sum, First: first, Last: last, Note: strings.TrimSpace(note),
		Excerpt: excerpt, Redactions: rep}, nil
}

// Ref is the finding's reference for a case activity:
// "log:<sha256>:<first>-<last>".
func (f Finding) Ref() string { return fmt.Sprintf("log:%s:%d-%d", f.SHA256, f.First, f.Last) }

// Text renders the finding as a case note.
func (f Finding) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Finding: %s, lines %d–%d (SHA-256 %s)\n", f.File, f.First, f.Last, f.SHA256)
	if f.Note != "" {
		b.WriteString(f.Note + "\n")
	}
	b.WriteString("\n```\n" + f.Excerpt + "\n```\n")
	if f.Last-f.First+1 > maxFindingLines {
		fmt.Fprintf(&b, "(first %d of %d lines)\n", maxFindingLines, f.Last-f.First+1)
	}
	if s := f.RedactedSummary(); s != "" {
		b.WriteString("Redacted: " + s + "\n")
	}
	return b.String()
}

// RedactedSummary says what was masked, e.g. "1 password, 2 email"; empty
// when nothing was.
func (f Finding) RedactedSummary() string {
	totals := f.Redactions.Totals()
	kinds := make([]string, 0, len(totals))
	for k := range totals {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", totals[k], k)
	}
	return strings.Join(parts, ", ")
}

// FileSHA256 returns the hex SHA-256 of the file at path.
func FileSHA256(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("hash %s: %w", path, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
