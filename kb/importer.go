package kb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
)

// ImportOptions controls Import.
type ImportOptions struct {
	// Status, when set, is the status of every imported article, replacing
	// the front matter's. Otherwise the front matter decides; without one
	// a new article is a draft and an existing one keeps its status.
	Status Status
	// By is who imports. Articles imported as published or archived need
	// a role that may publish.
	By User
	// Prefix is prepended to each article's Source (the file's path
	// relative to the root of the imported file system).
	Prefix string
	// Files, when set, imports just these slash-separated paths of the file
	// system instead of walking it.
	Files []string
	// Progress, when set, is called from Import's goroutine after each
	// chunk of files with the number of files handled so far and in all.
	Progress func(done, total int)
}

// ImportReport says what an import did.
type ImportReport struct {
	// Added and Updated count new articles and new revisions of existing
	// ones; Unchanged counts files whose article was already up to date.
	Added, Updated, Unchanged int
	// Errors lists the files that were not imported, and why.
	Errors []ImportError
	// Warnings lists what was imported but ignored, such as unknown
	// front-matter keys.
	Warnings []ImportError
}

// ImportError is a problem with one imported file.
type ImportError struct {
	// Path is the file's slash-separated path in the imported file system.
	Path string
	// Line is the line of the file the problem is on, 0 when it concerns
	// the whole file.
	Line int
	Err  error
}

// Error names the file, the line where it applies, and the problem.
func (e ImportError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e ImportError) Unwrap() error { return e.Err }

// Import reads the Markdown files (*.md, recursively, skipping hidden
// folders) of fsys into the store. Each article's id comes from its front
// matter, else from its path (see Slug); its Source is opt.Prefix plus its
// path. A file whose article is unchanged makes no new revision.
//
// Files that cannot be imported (empty, too large, not UTF-8, broken front
// matter, an id used by another file of the same import, …) are listed in
// the report's Errors and leave the store untouched; the others are
// imported. The returned error is for failures of the whole import (the
// file system's root, the database, a cancelled context).
func (s *Store) Import(ctx context.Context, fsys fs.FS, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	if opt.Status != "" && !opt.Status.Valid() {
		return rep, fmt.Errorf("import: status %q is not one of draft, review, published, archived", opt.Status)
	}
	if opt.Status != "" {
		if err := checkRole("", opt.Status, opt.By); err != nil {
			return rep, fmt.Errorf("import: %w", err)
		}
	}
	files := opt.Files
	if files == nil {
		var err error
		if files, err = markdownFiles(ctx, fsys, &rep); err != nil {
			return rep, fmt.Errorf("import: %w", err)
		}
	}
	// Parsing the next chunk overlaps with storing and indexing this one.
	pctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	chunks := make(chan parsedChunk, 1)
	wg.Go(func() {
		defer close(chunks)
		for start := 0; start < len(files); start += batchSize {
			c := parsedChunk{files: files[start:min(start+batchSize, len(files))]}
			c.parsed = parseFiles(pctx, fsys, c.files)
			select {
			case chunks <- c:
			case <-pctx.Done():
				return
			}
		}
	})
	seen := make(map[string]string)
	done := 0
	for c := range chunks {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("import: %w", err)
		}
		if err := s.importChunk(ctx, c, opt, seen, &rep); err != nil {
			return rep, fmt.Errorf("import: %w", err)
		}
		done += len(c.files)
		if opt.Progress != nil {
			opt.Progress(done, len(files))
		}
	}
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	return rep, nil
}

// parsedChunk is a chunk of files with their parsed articles.
type parsedChunk struct {
	files  []string
	parsed []parsedFile
}

// importChunk stores the articles of one chunk in one bbolt transaction
// and index batch, recording outcomes in rep. seen maps the ids imported so
// far to their files.
func (s *Store) importChunk(ctx context.Context, c parsedChunk, opt ImportOptions, seen map[string]string, rep *ImportReport) error {
	var ops []saveOp
	var paths []string
	for i, p := range c.parsed {
		name := c.files[i]
		if p.err != nil {
			rep.Errors = append(rep.Errors, asImportError(name, p.err))
			continue
		}
		rep.Warnings = append(rep.Warnings, p.warns...)
		a := p.a
		a.Source = opt.Prefix + name
		if a.ID == "" {
			a.ID = sourceID(a.Source)
			if _, dup := seen[a.ID]; dup && a.ID != "" {
				// Two paths with the same slug ("a b.md", "a-b.md"): the
				// later one gets a stable id of its own.
				a.ID = strings.TrimRight(a.ID[:min(len(a.ID), 100)], "-") + "-" + hashID(a.Source)
			}
		}
		if opt.Status != "" {
			a.Status = opt.Status
		}
		if a.ID != "" {
			if other, dup := seen[a.ID]; dup {
				rep.Errors = append(rep.Errors, ImportError{Path: name, Err: fmt.Errorf("duplicate id %q: %s has it too and was imported", a.ID, other)})
				continue
			}
			seen[a.ID] = name
		}
		ops = append(ops, saveOp{a: a, note: revNote{"imported from " + a.Source, NoteImported, []string{a.Source}}, onlyIfChanged: true, keepUpdated: true})
		paths = append(paths, name)
	}
	if len(ops) == 0 {
		return nil
	}
	res, err := s.write(ctx, ops, opt.By, false)
	for i, r := range res {
		switch {
		case r.err != nil:
			rep.Errors = append(rep.Errors, ImportError{Path: paths[i], Err: r.err})
		case r.saved && r.added:
			rep.Added++
		case r.saved:
			rep.Updated++
		default:
			rep.Unchanged++
		}
	}
	return err
}

// asImportError makes err about file p an ImportError.
func asImportError(p string, err error) ImportError {
	var ie ImportError
	if errors.As(err, &ie) {
		return ie
	}
	return ImportError{Path: p, Err: err}
}

// markdownFiles lists the *.md files of fsys in lexical order, skipping
// hidden folders. Unreadable folders below the root go to rep.Errors.
func markdownFiles(ctx context.Context, fsys fs.FS, rep *ImportReport) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if p == "." {
				return err
			}
			rep.Errors = append(rep.Errors, ImportError{Path: p, Err: err})
			return nil
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.EqualFold(path.Ext(p), ".md") {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// parsedFile is the outcome of reading and parsing one file.
type parsedFile struct {
	a     Article
	warns []ImportError
	err   error
}

// parseFiles reads and parses files in parallel, one worker per CPU.
func parseFiles(ctx context.Context, fsys fs.FS, files []string) []parsedFile {
	out := make([]parsedFile, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range jobs {
				out[i] = parseFile(fsys, files[i])
			}
		})
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

// parseFile reads and parses one file, refusing files over MaxFileSize
// before reading them.
func parseFile(fsys fs.FS, name string) parsedFile {
	fail := func(err error) parsedFile { return parsedFile{err: ImportError{Path: name, Err: err}} }
	f, err := fsys.Open(name)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if !st.Mode().IsRegular() {
		return fail(errors.New("not a regular file"))
	}
	if st.Size() > MaxFileSize {
		return fail(fmt.Errorf("file is %d MiB, more than the limit of %d MiB", st.Size()>>20, MaxFileSize>>20))
	}
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return fail(fmt.Errorf("read: %w", err))
	}
	a, warns, err := parseMarkdown(name, buf.Bytes())
	return parsedFile{a: a, warns: warns, err: err}
}
