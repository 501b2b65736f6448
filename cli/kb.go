package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"werkbank/kb"
)

// UserEnvVar names the environment variable with the user name the command
// line acts as (default: the operating-system user).
const UserEnvVar = "WERKBANK_USER"

// runKB runs "werkbank kb …".
func runKB(ctx context.Context, e *Env, args []string) error {
	return sub(ctx, e, "kb", args, map[string]func(context.Context, *Env, []string) error{
		"import": kbImport,
		"search": kbSearch,
		"export": kbExport,
	})
}

// openKB opens the workspace and its knowledge base; close closes both.
func openKB(ctx context.Context, e *Env) (s *kb.Store, close func() error, err error) {
	ws, err := e.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	s, err = kb.Open(ctx, kb.Config{DB: ws.DB, IndexDir: ws.Path("index")})
	if err != nil {
		return nil, nil, errors.Join(err, ws.Close())
	}
	return s, func() error { return errors.Join(s.Close(), ws.Close()) }, nil
}

// cliUser is who the command line acts as: $WERKBANK_USER, else the
// operating-system user.
func cliUser(role kb.Role) kb.User {
	name := os.Getenv(UserEnvVar)
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
	}
	if name == "" {
		name = "unknown"
	}
	return kb.User{Name: name, Role: role}
}

const kbImportHelp = `
Imports Markdown files (*.md; folders recursively, hidden folders skipped)
into the knowledge base. The title comes from the YAML front matter, else
from the first heading, else from the file name. The id comes from the
front matter ("id:"), else from the file's path relative to PATH (so a
re-import updates the same article); each article remembers that path as
its source. Re-importing an unchanged file makes no new revision.

Files that cannot be imported (empty, larger than 10 MiB, not UTF-8, broken
front matter, an id another file of the same import uses) are listed on
stderr with file and line; the others are imported, and the command then
exits with status 1. Unknown front-matter keys are reported as warnings.

Import is a bulk administrative operation on the local store: it runs with
the admin role as $WERKBANK_USER (default: the system user), so articles may
be imported as published or archived, by --status or by their front matter.
--status sets the status of every imported article; without it the front
matter decides (new articles without one are drafts).`

// kbImport runs "werkbank kb import".
func kbImport(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("kb import", "kb import [--status S] PATH...", kbImportHelp)
	status := fs.String("status", "", "status of every imported article: draft, review, published or archived")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usagef("kb import needs at least one PATH")
	}
	st := kb.Status(*status)
	if st != "" && !st.Valid() {
		return usagef("--status %q is not one of draft, review, published, archived", *status)
	}
	s, closeKB, err := openKB(ctx, e)
	if err != nil {
		return err
	}
	var total kb.ImportReport
	var fatal []error
	for _, p := range fs.Args() {
		rep, err := importPath(ctx, s, p, kb.ImportOptions{Status: st, By: cliUser(kb.RoleAdmin)})
		for _, w := range rep.Warnings {
			fmt.Fprintf(e.Stderr, "warning: %s\n", w)
		}
		for _, ie := range rep.Errors {
			fmt.Fprintf(e.Stderr, "error: %s\n", ie)
		}
		total.Added += rep.Added
		total.Updated += rep.Updated
		total.Unchanged += rep.Unchanged
		total.Errors = append(total.Errors, rep.Errors...)
		if err != nil {
			fatal = append(fatal, err)
		}
	}
	fmt.Fprintf(e.Stdout, "imported: %d new, %d updated, %d unchanged, %d not imported\n",
		total.Added, total.Updated, total.Unchanged, len(total.Errors))
	err = errors.Join(append(fatal, closeKB())...)
	if err == nil && len(total.Errors) > 0 {
		err = fmt.Errorf("%d files not imported (see above)", len(total.Errors))
	}
	return err
}

// importPath imports one PATH argument, a folder or a single file. Paths in
// the report's errors and warnings are made to start with p.
func importPath(ctx context.Context, s *kb.Store, p string, opt kb.ImportOptions) (kb.ImportReport, error) {
	info, err := os.Stat(p)
	if err != nil {
		return kb.ImportReport{}, fmt.Errorf("import: %w", err)
	}
	root := p
	display := func(rel string) string { return filepath.Join(p, filepath.FromSlash(rel)) }
	if !info.IsDir() {
		root = filepath.Dir(p)
		opt.Files = []string{filepath.Base(p)}
		display = func(string) string { return p }
	}
	rep, err := s.Import(ctx, os.DirFS(root), opt)
	for i := range rep.Errors {
		rep.Errors[i].Path = display(rep.Errors[i].Path)
	}
	for i := range rep.Warnings {
		rep.Warnings[i].Path = display(rep.Warnings[i].Path)
	}
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", p, err)
	}
	return rep, nil
}

const kbSearchHelp = `
Searches the knowledge base (German and English: inflected forms, umlauts
typed as ae/oe/ue, typos, "quoted phrases", pasted error lines). QUERY is
one or more words; "-" reads one query per line from stdin and answers each
in turn.

The plain output lists rank, title, id and a snippet with the matches in
»…«. With --json each query gives one line:
{"query":"…","took_ms":1.2,"total":17,"hits":[{"id":"…","title":"…","source":"…","score":…,"snippet":"…"}]}
where snippets mark matches with <mark>…</mark>.`

// kbSearch runs "werkbank kb search".
func kbSearch(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("kb search", "kb search [--json] [--limit N] QUERY", kbSearchHelp)
	asJSON := fs.Bool("json", false, "print one JSON line per query")
	limit := fs.Int("limit", 10, "number of hits per query")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usagef("kb search needs a QUERY (or - to read queries from stdin)")
	}
	if *limit < 1 {
		return usagef("--limit must be at least 1")
	}
	s, closeKB, err := openKB(ctx, e)
	if err != nil {
		return err
	}
	answer := func(q string) error {
		res, err := s.Search(ctx, kb.Query{Text: q, Limit: *limit})
		if err != nil {
			return err
		}
		if *asJSON {
			return e.printJSON(searchLine(q, res))
		}
		return printHits(e.Stdout, q, res)
	}
	if fs.NArg() == 1 && fs.Arg(0) == "-" {
		err = eachLine(ctx, e.Stdin, answer)
	} else {
		err = answer(strings.Join(fs.Args(), " "))
	}
	return errors.Join(err, closeKB())
}

// eachLine calls f with each line of r (lines up to 1 MiB).
func eachLine(ctx context.Context, r io.Reader, f func(string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f(strings.TrimRight(sc.Text(), "\r")); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read queries from stdin: %w", err)
	}
	return nil
}

// jsonResult is the --json line of one query (DESIGN.md).
type jsonResult struct {
	Query  string    `json:"query"`
	TookMS float64   `json:"took_ms"`
	Total  uint64    `json:"total"`
	Hits   []jsonHit `json:"hits"`
}

// jsonHit is one hit in a jsonResult.
type jsonHit struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Source  string  `json:"source"`
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"`
}

func searchLine(q string, res kb.Results) jsonResult {
	out := jsonResult{
		Query:  q,
		TookMS: math.Round(float64(res.Took.Microseconds())/10) / 100,
		Total:  res.Total,
		Hits:   make([]jsonHit, 0, len(res.Hits)),
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, jsonHit{ID: h.ID, Title: h.Title, Source: h.Source, Score: h.Score, Snippet: h.Snippet})
	}
	return out
}

// plainMarks shows <mark>…</mark> as »…« in plain output.
var plainMarks = strings.NewReplacer("<mark>", "»", "</mark>", "«")

// printHits prints the result of one query for a person to read.
func printHits(w io.Writer, q string, res kb.Results) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%q: %d %s (%.1f ms)\n", q, res.Total, plural(res.Total, "hit", "hits"), float64(res.Took.Microseconds())/1000)
	for i, h := range res.Hits {
		fmt.Fprintf(b, "%3d. %s\n     id %s", i+1, h.Title, h.ID)
		if h.Source != "" {
			fmt.Fprintf(b, " · %s", h.Source)
		}
		fmt.Fprintf(b, " · score %.2f\n", h.Score)
		if sn := strings.Join(strings.Fields(plainMarks.Replace(h.Snippet)), " "); sn != "" {
			fmt.Fprintf(b, "     %s\n", sn)
		}
	}
	if _, err := io.WriteString(w, b.String()+"\n"); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

const kbExportHelp = `
Writes every article, in its current revision, to DIR as a Markdown file
with YAML front matter: at its source path when it has one, else as <id>.md.
"werkbank kb import DIR" reads the files back to the same articles.
With --html it writes standalone HTML pages (rendered with goldmark: tables,
images, no raw HTML) and an index.html instead, for readers without Werkbank.`

// kbExport runs "werkbank kb export".
func kbExport(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("kb export", "kb export [--html] DIR", kbExportHelp)
	asHTML := fs.Bool("html", false, "write HTML pages and an index.html instead of Markdown")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usagef("kb export needs exactly one DIR")
	}
	s, closeKB, err := openKB(ctx, e)
	if err != nil {
		return err
	}
	export := s.Export
	if *asHTML {
		export = s.ExportHTML
	}
	n, err := export(ctx, fs.Arg(0))
	if err == nil {
		fmt.Fprintf(e.Stdout, "exported %d articles to %s\n", n, fs.Arg(0))
	}
	return errors.Join(err, closeKB())
}
