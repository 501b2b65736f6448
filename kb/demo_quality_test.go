package kb

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoShortQueries are typed queries for the demo articles under
// assets/demo/articles, written the way support staff type them: lower
// case, umlauts as ae/oe/ue, inflected, with typos and unfinished words.
var demoShortQueries = map[string]string{
	"kb-appserver-003": "keine freie agent session",
	"kb-perf-001":      "artikelsuche langsam nach updat",
	"kb-mrp-003":       "bde rueckmeldung fertigungsauftrag",
	"kb-db-001":        "before image datei erweitern",
	"kb-einkauf-001":   "bestellfreigabe freigabestufe",
	"kb-fibu-001":      "buchungsperiode gespert",
	"kb-sepa-002":      "camt053 duplicate",
	"kb-appserver-004": "broker port already in use",
	"kb-perf-002":      "client friert grosse auftraege",
	"kb-client-002":    "msi error 1603",
	"kb-client-001":    "client startet nicht komponente fehlt",
	"kb-lizenz-002":    "concurrent licences in use",
	"kb-fibu-004":      "currency revaluation exchange rate",
	"kb-datev-001":     "datev export belegfeld",
	"kb-mrp-001":       "dispositionslauf deadlok",
	"kb-druck-001":     "druckauftrag warteschlange haengt",
	"kb-edi-001":       "desadv sscc fehlt",
	"kb-edi-003":       "invoic rundungsdifferenz steuerbetrag",
	"kb-edi-002":       "orders gln unknown",
	"kb-druck-002":     "schrift nicht eingebettet pdf",
	"kb-lager-002":     "zaehlliste verbuchen lagerplatz gesperrt",
	"kb-appserver-002": "java heap space outofmemory",
	"kb-berecht-001":   "keine berechtigung rollenwechsel",
	"kb-verkauf-001":   "kreditlimitpruefung blockiert auftrag",
	"kb-lizenz-001":    "lizenz abgelaufen anmeldung",
	"kb-mrp-002":       "mrp run duplicate purchase proposals",
	"kb-lager-001":     "negativer lagerbestand bestandsperre",
	"kb-db-002":        "ora-01555 snapshot too old",
	"kb-appserver-001": "pasoe agent startet nicht",
	"kb-druck-003":     "pdf archive access denied",
	"kb-einkauf-002":   "purchase order price framework contrakt",
	"kb-verkauf-002":   "preisfindung staffelpreise 0,00",
	"kb-rest-001":      "rest api 401 token expiry",
	"kb-rest-002":      "gateway timeout artikelabfrage",
	"kb-fibu-002":      "saldovortrag kontensaldo ungleich",
	"kb-sepa-001":      "sepa ueberweisung schema validierung",
	"kb-fibu-003":      "skontodifferenz op ausgleich",
	"kb-berecht-002":   "single sign on kerberos",
	"kb-lager-003":     "lock table overflow stock transfer",
	"kb-druck-004":     "etikettendrucker leere etiketten",
}

// TestSearchQualityDemo checks both kinds of queries on the hand-written
// demo articles: the typed queries above and, per article, a pasted log
// line or problem description taken from its body.
func TestSearchQualityDemo(t *testing.T) {
	dir := filepath.Join("..", "assets", "demo", "articles")
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no demo articles in %s: %v", dir, err)
	}
	var arts []Article
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseMarkdown(filepath.Base(f), data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		arts = append(arts, a)
	}
	ix, load := indexArticles(t, arts)
	rng := rand.New(rand.NewPCG(1, 2))
	type kq struct{ kind, id, text string }
	var qs []kq
	for _, a := range arts {
		if s, ok := demoShortQueries[a.ID]; ok {
			qs = append(qs, kq{"short", a.ID, s})
		}
		if p := demoPaste(rng, a); p != "" {
			qs = append(qs, kq{"paste", a.ID, p})
		}
	}
	n, hits := map[string]int{}, map[string]int{}
	for _, q := range qs {
		res, err := ix.search(context.Background(), Query{Text: q.text, Limit: 5}, load)
		if err != nil {
			t.Fatal(err)
		}
		n[q.kind]++
		found := false
		for _, h := range res.Hits {
			found = found || h.ID == q.id
		}
		if found {
			hits[q.kind]++
		} else {
			t.Errorf("%s query %q: %s not in the top 5 %v", q.kind, q.text, q.id, ids(res))
		}
	}
	for _, k := range []string{"short", "paste"} {
		t.Logf("demo %s queries: n=%d recall@5=%.3f", k, n[k], float64(hits[k])/float64(max(n[k], 1)))
	}
}

// demoPaste picks what a user would paste for a: the first log line of a
// code block or, without one, the first sentences of the body.
func demoPaste(rng *rand.Rand, a Article) string {
	lines := strings.Split(a.Body, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "```") && i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "```") {
			if l := strings.TrimSpace(lines[i+1]); len(l) > 30 {
				return l
			}
		}
	}
	text := plainText(a.Body)
	words := strings.Fields(text)
	from := rng.IntN(max(1, len(words)/3))
	return strings.Join(words[from:min(len(words), from+25)], " ")
}
