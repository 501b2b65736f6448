package kb

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// searchFixture is a small index with articles chosen for the features
// under test.
func searchFixture(t *testing.T) (*index, func([]string) (map[string]Article, error)) {
	t.Helper()
	return indexArticles(t, []Article{
		{ID: "druck", Title: "Druckauftrag hängt in der Druckerwarteschlange", Body: "## Problem\n\nDer **Druckauftrag** bleibt in der Warteschlange des Druckservers stehen.\n\n## Lösung\n\nSpooler neu starten.", Tags: []string{"druck"}, Product: "ERP+", Status: StatusPublished, Lang: "de"},
		{ID: "periode", Title: "Buchungsperiode ist gesperrt", Body: "FIBU-4711: Periode 2024/13 ist gesperrt. Die Lösung: Periode öffnen, buchen, wieder sperren.", Tags: []string{"fibu", "abschluss"}, Product: "ERP+", Status: StatusPublished, Lang: "de"},
		{ID: "lizenz", Title: "Lizenz abgelaufen", Body: "Nach dem Update meldet der Server: Lizenzschlüssel ungültig. Der Drucker ist nicht betroffen.", Tags: []string{"lizenz"}, Product: "ERP+ AppServer", Status: StatusDraft, Lang: "de"},
		{ID: "token", Title: "REST gateway returns 401", Body: "The access token expires after one hour and is not refreshed. The printer queue is unaffected.", Tags: []string{"api"}, Product: "ERP+ Connect", Status: StatusReview, Lang: "en"},
		{ID: "warte", Title: "Wartezeit beim Buchen", Body: "Die Schlange der Buchungen wächst, der Drucker wartet auf die Datenbank.", Tags: []string{"performance"}, Product: "ERP+", Status: StatusPublished, Lang: "de"},
	})
}

func ids(res Results) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchFeatures(t *testing.T) {
	ix, load := searchFixture(t)
	ctx := context.Background()
	for _, c := range []struct {
		name, text, first string
	}{
		{"umlaut typed as ae", "Druckauftrag haengt", "druck"},
		{"compound written apart", "Drucker-Warteschlange ", "druck"},
		{"compound written as one word", "Spoolerwarteschlange ", "druck"},
		{"umlaut folded in the query", "Lösung Periode", "periode"},
		{"inflected form", "Buchungsperioden", "periode"},
		{"typo", "Buchungsperoide", "periode"},
		{"prefix while typing", "Druckerwartes", "druck"},
		{"english stemming", "tokens expired", "token"},
		{"error code", "FIBU-4711", "periode"},
		{"title outweighs body", "Drucker", "druck"},
		{"pasted log line", "[2026/01/09@09:14:22.018+0100] P-011820 T-014212 1 AS-7 AS -- (Procedure: 'fibu/buchung_post.p' Line:418) FIBU-4711: Periode 2025/13 ist gesperrt", "periode"},
	} {
		res, err := ix.search(ctx, Query{Text: c.text}, load)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != c.first {
			t.Errorf("%s: %q → %v, want %s first", c.name, c.text, ids(res), c.first)
		}
	}
}

func TestSearchPhrase(t *testing.T) {
	ix, load := searchFixture(t)
	ctx := context.Background()
	res, err := ix.search(ctx, Query{Text: `"Periode öffnen"`}, load)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) != 1 || got[0] != "periode" || res.Total != 1 {
		t.Errorf("phrase in order: %v (total %d), want [periode]", got, res.Total)
	}
	res, err = ix.search(ctx, Query{Text: `"öffnen Periode"`}, load)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 0 {
		t.Errorf("phrase in the wrong order matched %v", ids(res))
	}
	res, err = ix.search(ctx, Query{Text: `Fehler beim Drucken: "C:\Temp\beleg.pdf" Druckauftrag bleibt in der Warteschlange, Druckserver antwortet nicht`}, load)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "druck" {
		t.Errorf("pasted text with quotes: %v, want druck first", ids(res))
	}
	res, err = ix.search(ctx, Query{Text: `"Warteschlange des Druckservers" spooler`}, load)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); len(got) != 1 || got[0] != "druck" {
		t.Errorf("phrase with a word: %v, want [druck]", got)
	}
}

func TestSearchFiltersFacetsPaging(t *testing.T) {
	ix, load := searchFixture(t)
	ctx := context.Background()
	res, err := ix.search(ctx, Query{Text: "Drucker", Facets: true}, load)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 {
		t.Fatalf("Drucker: total %d (%v), want 3", res.Total, ids(res))
	}
	wantStatus := map[string]int{"published": 2, "draft": 1}
	for _, fc := range res.Facets.Statuses {
		if wantStatus[fc.Value] != fc.Count {
			t.Errorf("status facet %s=%d, want %d", fc.Value, fc.Count, wantStatus[fc.Value])
		}
	}
	if len(res.Facets.Statuses) != 2 || len(res.Facets.Products) != 2 || len(res.Facets.Tags) != 3 {
		t.Errorf("facets %+v", res.Facets)
	}

	res, err = ix.search(ctx, Query{Text: "Drucker", Statuses: []Status{StatusPublished}, Products: []string{"ERP+"}}, load)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Status != StatusPublished || h.Product != "ERP+" {
			t.Errorf("filtered hit %s has status %s, product %s", h.ID, h.Status, h.Product)
		}
	}
	if len(res.Hits) != 2 {
		t.Errorf("filtered hits %v, want 2", ids(res))
	}

	res, err = ix.search(ctx, Query{Text: "der die das "}, load)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("stop words only: %v, want nothing", ids(res))
	}

	res, err = ix.search(ctx, Query{Tags: []string{"lizenz", "api"}}, load)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Errorf("empty text with tag filter: %v, want lizenz and token", ids(res))
	}

	all, err := ix.search(ctx, Query{Text: "Drucker", Limit: 10}, load)
	if err != nil {
		t.Fatal(err)
	}
	page, err := ix.search(ctx, Query{Text: "Drucker", Limit: 2, Offset: 1}, load)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Hits) != 2 || page.Hits[0].ID != all.Hits[1].ID || page.Hits[1].ID != all.Hits[2].ID {
		t.Errorf("offset 1 %v, want the 2nd and 3rd of %v", ids(page), ids(all))
	}
}

func TestSearchSnippetAndStaleHits(t *testing.T) {
	ix, load := searchFixture(t)
	ctx := context.Background()
	res, err := ix.search(ctx, Query{Text: "Warteschlange Druckserver"}, load)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	s := res.Hits[0].Snippet
	if !strings.Contains(s, "<mark>Warteschlange</mark>") || !strings.Contains(s, "<mark>Druckservers</mark>") {
		t.Errorf("snippet %q lacks the marked matches", s)
	}
	if strings.Contains(s, "**") || strings.Contains(s, "##") {
		t.Errorf("snippet %q keeps Markdown markup", s)
	}

	res, err = ix.search(ctx, Query{Text: "Warteschlnage "}, load)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Snippet, "<mark>Warteschlange</mark>") {
		t.Errorf("typo: hits %v, first snippet does not mark the word: %+v", ids(res), res.Hits)
	}

	// An article deleted from the store but still in the index is skipped.
	partial := func(ids []string) (map[string]Article, error) {
		m, err := load(ids)
		delete(m, "druck")
		return m, err
	}
	res, err = ix.search(ctx, Query{Text: "Druckauftrag"}, partial)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == "druck" {
			t.Error("stale hit returned")
		}
	}
}

func TestSnippetHelpers(t *testing.T) {
	for _, c := range []struct {
		a, b string
		max  int
		want bool
	}{
		{"abc", "abd", 1, true}, {"abc", "ab", 1, true}, {"abc", "xabc", 1, true},
		{"abcd", "abdc", 1, false}, {"abcd", "abdc", 2, true}, {"periode", "peroide", 2, true},
		{"abc", "xyz", 2, false}, {"", "ab", 2, true}, {"lösung", "losung", 1, true},
	} {
		if got := withinEdits(c.a, c.b, c.max); got != c.want {
			t.Errorf("withinEdits(%q, %q, %d) = %v", c.a, c.b, c.max, got)
		}
	}
	long := strings.Repeat("Wort ", 200) + "Ziel " + strings.Repeat("Wort ", 200)
	ix, err := openIndex(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.close()
	s := ix.newHighlighter(parseQuery("ziel ")).snippet(long)
	if !strings.Contains(s, "<mark>Ziel</mark>") || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || len(s) > snippetLen+40 {
		t.Errorf("snippet of a long body: %q", s)
	}
}

func TestParseQuery(t *testing.T) {
	pq := parseQuery(`Drucker "Warteschlange hängt" lang`)
	if len(pq.phrases) != 1 || pq.phrases[0] != "Warteschlange hängt" || pq.partial != "lang" {
		t.Errorf("parse: %+v", pq)
	}
	if pq := parseQuery("Drucker "); pq.partial != "" {
		t.Errorf("trailing space: partial %q", pq.partial)
	}
	if pq := parseQuery(`"offen`); len(pq.phrases) != 0 || !strings.Contains(pq.free, "offen") {
		t.Errorf("unclosed quote: %+v", pq)
	}
}

func TestCompoundAlternatives(t *testing.T) {
	ix, _ := searchFixture(t)
	ctx := context.Background()
	// The index knows "Druckerwarteschlange" (title of "druck").
	alts := ix.compoundAlternatives(ctx, "Drucker-Warteschlange", nil)
	if len(alts["druck"]) != 1 || len(alts["warteschlang"]) != 1 {
		t.Errorf("join: %v, want one alternative for both words", alts)
	}
	// "Spoolerwarteschlange" is unknown; "Spooler" and "Warteschlange"
	// are known.
	terms := ix.analyze("Spoolerwarteschlange")
	dfs, _ := ix.docFreqs(ctx, terms)
	alts = ix.compoundAlternatives(ctx, "Spoolerwarteschlange", dfs)
	if len(terms) != 1 || len(alts[terms[0]]) != 1 {
		t.Errorf("split of %v: %v, want one alternative", terms, alts)
	}
	// Known words are not split, stop words are not joined.
	if alts := ix.compoundAlternatives(ctx, "Warteschlange der Drucker", map[string]uint64{"warteschlang": 1}); len(alts) != 0 {
		t.Errorf("known words: %v, want no alternatives", alts)
	}
}

// TestStoreSearch searches through the store: hits come from bbolt, the
// index survives a reopen.
func TestStoreSearch(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "kb.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := Config{DB: db, IndexDir: filepath.Join(dir, "index")}
	st, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	lead := User{Name: "lead", Role: RoleTeamLead}
	a, err := st.Save(ctx, Article{Title: "Lösung für gesperrte Buchungsperioden", Body: "Die **Periode** unter FIBU → Buchungsperioden öffnen.", Tags: []string{"fibu"}, Product: "ERP+", Status: StatusPublished, Lang: "de"}, lead, "neu")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save(ctx, Article{Title: "Drucker offline", Body: "Spooler starten.", Status: StatusDraft, Lang: "de"}, lead, "neu"); err != nil {
		t.Fatal(err)
	}
	check := func(st *Store) {
		t.Helper()
		res, err := st.Search(ctx, Query{Text: "loesung buchungsperiode", Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.Hits[0].ID != a.ID || res.Hits[0].Title != a.Title || res.Hits[0].Product != "ERP+" {
			t.Fatalf("hits %+v, want %s", res.Hits, a.ID)
		}
		if !strings.Contains(res.Hits[0].Snippet, "<mark>Buchungsperioden</mark>") {
			t.Errorf("snippet %q", res.Hits[0].Snippet)
		}
		if len(res.Facets.Tags) != 1 || res.Facets.Tags[0] != (FacetCount{"fibu", 1}) {
			t.Errorf("tag facets %+v", res.Facets.Tags)
		}
	}
	check(st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	check(st)
}
