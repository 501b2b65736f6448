package kb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds are inputs both fuzz tests start from (more in testdata/fuzz).
var fuzzSeeds = []string{
	"---\nid: KB-1\ntitle: Titel\ntags: [a, b]\nstatus: draft\ncreated: 2024-01-02\n---\n# H\n\nText\n",
	"# Nur Überschrift\n\nText",
	"---\ntitle: [unclosed\n---\n",
	"---\n- a\n---\n",
	"---\nno end",
	"\xef\xbb\xbf---\r\ntitle: CRLF\r\n---\r\nbody\r\n",
	"Gr\xfc\xdfe",
	"---\n&a x: *a\n---\n",
	"---\ntags: &t [x]\nversions: *t\nsignatures: !!binary aGVsbG8=\n---\n",
	"Titel\n=====\n",
	"",
}

func FuzzParseMarkdown(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseMarkdown("f.md", data)
		if err != nil {
			var ie ImportError
			if !errors.As(err, &ie) || ie.Path != "f.md" || ie.Line < 0 {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		if a.Title == "" {
			t.Fatal("parsed article without a title")
		}
		out, err := MarshalMarkdown(a)
		if err != nil {
			t.Fatalf("MarshalMarkdown: %v", err)
		}
		b, err := ParseMarkdown("f.md", out)
		if err != nil {
			t.Fatalf("parse of marshalled article: %v\n%q", err, out)
		}
		if !sameContent(a, b) || !a.Created.Equal(b.Created) {
			t.Fatalf("round trip changed the article:\n%+v\n%+v\n%q", a, b, out)
		}
	})
}

func FuzzImport(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), []byte("---\nid: anchor\n---\n# Doppelt\n"))
	}
	s := openTestStore(f, f.TempDir())
	ctx := context.Background()
	anchor := "---\nid: anchor\ntitle: Anker\n---\nDer Anker bleibt, wie er ist.\n"
	f.Fuzz(func(t *testing.T, one, two []byte) {
		root := t.TempDir()
		writeFiles(t, root, map[string]string{"0-anchor.md": anchor, "one.md": string(one), "sub/two.md": string(two)})
		rep, err := s.Import(ctx, os.DirFS(root), ImportOptions{By: alice})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		if n := rep.Added + rep.Updated + rep.Unchanged + len(rep.Errors); n != 3 {
			t.Fatalf("report accounts for %d of 3 files: %+v", n, rep)
		}
		a, err := s.Get(ctx, "anchor")
		if err != nil || a.Rev != 1 || a.Body != "Der Anker bleibt, wie er ist." {
			t.Fatalf("anchor damaged: %+v, %v", a, err)
		}
		failed := map[string]bool{}
		for _, e := range rep.Errors {
			failed[e.Path] = true
		}
		for name, data := range map[string][]byte{"one.md": one, "sub/two.md": two} {
			if failed[name] {
				continue
			}
			want, err := ParseMarkdown(name, data)
			if err != nil {
				t.Fatalf("%s imported although it does not parse: %v", name, err)
			}
			id := want.ID
			if id == "" {
				id = sourceID(name)
			}
			if id == "" {
				continue
			}
			got, err := s.Get(ctx, id)
			if err != nil || got.Body != want.Body || got.Title != want.Title || got.Source != name {
				t.Fatalf("%s imported as %+v, %v; want %+v", name, got, err, want)
			}
		}
	})
}

// TestFuzzCorpusPresent keeps the checked-in seed corpus from vanishing.
func TestFuzzCorpusPresent(t *testing.T) {
	for _, fz := range []string{"FuzzParseMarkdown", "FuzzImport"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", fz))
		if err != nil || len(entries) == 0 {
			t.Errorf("no seed corpus for %s: %v", fz, err)
		}
	}
}
