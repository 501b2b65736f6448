package cases

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// AuditVerifier checks the audit logs and session recordings of a case's
// remote sessions. The remote package implements it; the CLI and the app
// wire it in.
type AuditVerifier interface {
	VerifyCase(ctx context.Context, caseID string) ([]AuditResult, error)
}

// AuditResult is the verification of one audit log or recording.
type AuditResult struct {
	// Kind is "audit" (hash-chained audit log) or "recording" (asciicast).
	Kind string `json:"kind"`
	// Path is the file that goes into the bundle.
	Path string `json:"path"`
	OK   bool   `json:"ok"`
	// Detail says what was checked or what failed.
	Detail string `json:"detail"`
}

// Redactor removes secrets (passwords, tokens, keys) from text. The logs
// package implements it; the CLI and the app wire it in.
type Redactor interface {
	// Redact copies src to dst with secrets replaced and returns how many
	// it replaced.
	Redact(ctx context.Context, dst io.Writer, src io.Reader) (int, error)
}

// ErrExists reports that the bundle's output path already exists.
var ErrExists = errors.New("already exists")

// BundleOptions are the helpers a bundle uses.
type BundleOptions struct {
	// Verifier checks audit logs and recordings; nil means none exist yet.
	Verifier AuditVerifier
	// Redactor cleans logs, recordings and the report; nil uses the
	// built-in BasicRedactor.
	Redactor Redactor
	// By is who produced the bundle.
	By string
}

// BundleFile is one file in a bundle.
type BundleFile struct {
	Name string `json:"name"`
	// Source is the original file (attachment, audit log, recording).
	Source string `json:"source,omitempty"`
	// SHA256 is the hash of the file as bundled.
	SHA256 string `json:"sha256"`
	// Original is the verified hash of the source when redaction changed it.
	Original string `json:"original_sha256,omitempty"`
	Size     int64  `json:"size"`
	Redacted int    `json:"redacted"`
}

// BundleResult says what went into a bundle.
type BundleResult struct {
	Path  string        `json:"path"`
	Files []BundleFile  `json:"files"`
	Audit []AuditResult `json:"audit"`
}

// Bundle writes the escalation bundle of a case to out, one zip archive:
// report.md and report.html, the attached logs (their SHA-256 verified
// while packing), audit logs and session recordings with their
// verification, and SHA256SUMS. Secrets are redacted from the report, logs
// and recordings. An existing out is refused and left alone; on any error
// nothing is left at out.
func (s *Store) Bundle(ctx context.Context, id, out string, opt BundleOptions) (BundleResult, error) {
	res := BundleResult{Path: out}
	c, err := s.Get(ctx, id)
	if err != nil {
		return res, fmt.Errorf("bundle: %w", err)
	}
	if _, err := os.Lstat(out); err == nil {
		return res, fmt.Errorf("bundle case %s: %s %w; choose another path", id, out, ErrExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("bundle case %s: %w", id, err)
	}
	red := opt.Redactor
	if red == nil {
		red = BasicRedactor{}
	}
	if opt.Verifier != nil {
		if res.Audit, err = opt.Verifier.VerifyCase(ctx, c.ID); err != nil {
			return res, fmt.Errorf("bundle case %s: verify audit logs: %w", id, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".bundle-*.zip")
	if err != nil {
		return res, fmt.Errorf("bundle case %s: %w", id, err)
	}
	defer os.Remove(tmp.Name())
	if err := s.writeBundle(ctx, tmp, &c, red, &res, opt.By); err != nil {
		tmp.Close()
		return res, fmt.Errorf("bundle case %s: %w", id, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return res, fmt.Errorf("bundle case %s: %w", id, err)
	}
	if err := tmp.Close(); err != nil {
		return res, fmt.Errorf("bundle case %s: %w", id, err)
	}
	// A hard link never replaces an existing file, unlike a rename; where
	// the file system has no hard links, the archive is copied into a file
	// created exclusively.
	if err := os.Link(tmp.Name(), out); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return res, fmt.Errorf("bundle case %s: %s %w; choose another path", id, out, ErrExists)
		}
		if cerr := copyExclusive(tmp.Name(), out); cerr != nil {
			if errors.Is(cerr, fs.ErrExist) {
				return res, fmt.Errorf("bundle case %s: %s %w; choose another path", id, out, ErrExists)
			}
			return res, fmt.Errorf("bundle case %s: %w", id, errors.Join(err, cerr))
		}
	}
	if err := syncDir(filepath.Dir(out)); err != nil {
		return res, fmt.Errorf("bundle case %s: %w", id, err)
	}
	return res, nil
}

// copyExclusive copies src to a new file dst durably; on failure dst is
// removed again.
func copyExclusive(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errors.Join(err, os.Remove(dst))
	}
	return nil
}

// writeBundle writes the archive to w.
func (s *Store) writeBundle(ctx context.Context, w io.Writer, c *Case, red Redactor, res *BundleResult, by string) error {
	zw := zip.NewWriter(w)
	used := map[string]bool{}
	unique := func(dir, name string) string {
		name = path.Join(dir, sanitizeName(name))
		ext := path.Ext(name)
		base := strings.TrimSuffix(name, ext)
		for i := 2; used[name]; i++ {
			name = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		used[name] = true
		return name
	}
	for _, a := range c.Attachments {
		f, err := s.packFile(ctx, zw, unique("logs", a.Name), s.AttachmentPath(a.SHA256), a.SHA256, red)
		if err != nil {
			return fmt.Errorf("attachment %s: %w", a.Name, err)
		}
		res.Files = append(res.Files, f)
	}
	for _, r := range res.Audit {
		dir, r2 := "audit", Redactor(nil)
		if r.Kind == "recording" {
			// Recordings hold terminal output; audit logs must stay
			// byte-exact so that their chain can be checked again.
			dir, r2 = "recordings", red
		}
		f, err := s.packFile(ctx, zw, unique(dir, filepath.Base(r.Path)), r.Path, "", r2)
		if err != nil {
			return fmt.Errorf("%s %s: %w", r.Kind, r.Path, err)
		}
		res.Files = append(res.Files, f)
	}
	sla, err := s.SLA(c)
	if err != nil {
		return err
	}
	md := bundleReport(c, sla, res, s.now(), by, s.zone(c))
	var clean strings.Builder
	if _, err := red.Redact(ctx, &clean, strings.NewReader(md)); err != nil {
		return fmt.Errorf("redact the report: %w", err)
	}
	html, err := renderHTML(c.ID+": "+c.Title, clean.String())
	if err != nil {
		return err
	}
	var sums strings.Builder
	for _, f := range res.Files {
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Name)
	}
	for _, e := range []struct{ name, body string }{{"report.md", clean.String()}, {"report.html", html}, {"SHA256SUMS", sums.String()}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: s.now()})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, e.body); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish the archive: %w", err)
	}
	return nil
}

// packFile copies src into the archive as name, through red when given,
// and checks src against wantSHA (when given) while reading.
func (s *Store) packFile(ctx context.Context, zw *zip.Writer, name, src, wantSHA string, red Redactor) (BundleFile, error) {
	f, err := os.Open(src)
	if err != nil {
		return BundleFile{}, err
	}
	defer f.Close()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.now()})
	if err != nil {
		return BundleFile{}, err
	}
	orig, packed := sha256.New(), sha256.New()
	cw := &countWriter{w: io.MultiWriter(fw, packed)}
	in := io.TeeReader(f, orig)
	bf := BundleFile{Name: name, Source: src}
	if red != nil {
		if bf.Redacted, err = red.Redact(ctx, cw, in); err != nil {
			return bf, fmt.Errorf("redact: %w", err)
		}
		// Hash whatever the redactor left unread.
		if _, err := io.Copy(io.Discard, in); err != nil {
			return bf, err
		}
	} else if _, err := io.Copy(cw, in); err != nil {
		return bf, err
	}
	got := hex.EncodeToString(orig.Sum(nil))
	if wantSHA != "" && got != wantSHA {
		return bf, fmt.Errorf("%w: the stored file's SHA-256 is %s, not %s (the attachment is damaged)", ErrInvalid, got, wantSHA)
	}
	bf.SHA256, bf.Size = hex.EncodeToString(packed.Sum(nil)), cw.n
	if bf.SHA256 != got {
		bf.Original = got
	}
	return bf, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

// Write passes p on and counts the bytes written.
func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// sanitizeName keeps a file name safe inside an archive.
func sanitizeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || strings.ContainsRune(`:*?"<>|/`, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	return name
}

// sortedAudit returns the audit results ordered by kind and path.
func sortedAudit(rs []AuditResult) []AuditResult {
	out := append([]AuditResult(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Path < out[j].Path
	})
	return out
}

// fmtTime formats an instant for reports in the contract's zone.
func fmtTime(loc *time.Location, t time.Time) string {
	return t.In(loc).Format("2006-01-02 15:04 MST")
}
