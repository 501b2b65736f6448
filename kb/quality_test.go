package kb

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The quality set: generated ERP support articles and two kinds of
// known-item queries for them, "short" (typed keywords with inflections,
// umlauts as ae/oe/ue, typos, an unfinished last word) and "paste" (log
// lines and problem descriptions with noise). Regenerate with
// WERKBANK_GEN_QUALITY=1 go test -run TestGenerateQualitySet ./kb/
const (
	qualityDir      = "testdata/quality"
	qualityArticles = "articles.jsonl"
	qualityQueries  = "queries.tsv"
	qualityN        = 180
)

// qualityQuery is one known-item query.
type qualityQuery struct {
	kind, want, text string
}

// TestSearchQuality indexes the quality corpus and asserts recall@5 ≥ 0.98
// for both kinds of queries.
func TestSearchQuality(t *testing.T) {
	arts := loadQualityArticles(t)
	queries := loadQualityQueries(t)
	ix, load := indexArticles(t, arts)
	type stat struct {
		n, hits int
		rr      float64
	}
	stats := map[string]*stat{}
	for _, q := range queries {
		res, err := ix.search(context.Background(), Query{Text: q.text, Limit: 5}, load)
		if err != nil {
			t.Fatalf("search %q: %v", q.text, err)
		}
		s := stats[q.kind]
		if s == nil {
			s = &stat{}
			stats[q.kind] = s
		}
		s.n++
		found := false
		for rank, h := range res.Hits {
			if h.ID == q.want {
				s.hits++
				s.rr += 1 / float64(rank+1)
				found = true
				break
			}
		}
		if !found && testing.Verbose() {
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID+" "+h.Title)
			}
			t.Logf("miss %s %s %q → %q", q.kind, q.want, q.text, got)
		}
	}
	for _, kind := range []string{"short", "paste"} {
		s := stats[kind]
		if s == nil || s.n < 150 {
			t.Fatalf("kind %s: too few queries", kind)
		}
		recall := float64(s.hits) / float64(s.n)
		t.Logf("%s queries: n=%d recall@5=%.3f MRR=%.3f", kind, s.n, recall, s.rr/float64(s.n))
		if recall < 0.98 {
			t.Errorf("%s queries: recall@5 %.3f < 0.98", kind, recall)
		}
	}
}

// indexArticles indexes arts in a fresh index and returns it with a loader
// over arts.
func indexArticles(t testing.TB, arts []Article) (*index, func([]string) (map[string]Article, error)) {
	t.Helper()
	ix, err := openIndex(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.close() })
	byID := map[string]Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	if err := ix.apply(context.Background(), uint64(len(arts)), arts, nil); err != nil {
		t.Fatal(err)
	}
	return ix, func(ids []string) (map[string]Article, error) {
		out := map[string]Article{}
		for _, id := range ids {
			if a, ok := byID[id]; ok {
				out[id] = a
			}
		}
		return out, nil
	}
}

func loadQualityArticles(t testing.TB) []Article {
	t.Helper()
	f, err := os.Open(filepath.Join(qualityDir, qualityArticles))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("%s: %v", qualityArticles, err)
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func loadQualityQueries(t testing.TB) []qualityQuery {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(qualityDir, qualityQueries))
	if err != nil {
		t.Fatal(err)
	}
	var out []qualityQuery
	for n, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			t.Fatalf("%s:%d: want kind<TAB>id<TAB>query", qualityQueries, n+1)
		}
		out = append(out, qualityQuery{f[0], f[1], f[2]})
	}
	return out
}

// TestQualitySetIsGenerated checks that the quality corpus and its queries
// in testdata are what the generator makes, so that the figures of
// TestSearchQuality belong to a reproducible set; WERKBANK_GEN_QUALITY=1
// writes them anew after a change of the generator.
func TestQualitySetIsGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	var arts, queries strings.Builder
	for i := range qualityN {
		a := genArticle(rng, i, 0)
		a.ID = fmt.Sprintf("q-%03d", i)
		j, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		arts.Write(j)
		arts.WriteByte('\n')
		fmt.Fprintf(&queries, "short\t%s\t%s\n", a.ID, shortQuery(rng, a))
		fmt.Fprintf(&queries, "paste\t%s\t%s\n", a.ID, pasteQuery(rng, a))
	}
	files := map[string]string{qualityArticles: arts.String(), qualityQueries: queries.String()}
	for name, want := range files {
		path := filepath.Join(qualityDir, name)
		if os.Getenv("WERKBANK_GEN_QUALITY") == "1" {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s differs from the generator's output; run WERKBANK_GEN_QUALITY=1 go test -run TestQualitySetIsGenerated ./kb/", path)
		}
	}
}

// queryStop are words people leave out when they type keywords.
var queryStop = map[string]bool{"der": true, "die": true, "das": true, "den": true, "dem": true, "des": true, "ist": true, "nicht": true, "beim": true, "bei": true, "für": true, "von": true, "the": true, "for": true, "when": true, "not": true, "after": true, "nach": true, "mit": true, "ohne": true, "zum": true, "zur": true, "eines": true, "einer": true, "im": true, "in": true, "is": true, "a": true, "to": true, "during": true, "while": true, "all": true, "und": true}

// words splits s into letter words of at least 4 runes that are not stop words.
func words(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		w = strings.Trim(w, "-")
		if utf8.RuneCountInString(w) >= 4 && !queryStop[strings.ToLower(w)] && strings.ToUpper(w) != w {
			out = append(out, w)
		}
	}
	return out
}

// shortQuery makes a typed keyword query for a: two or three words of the
// title (sometimes one from the cause), inflected, with umlauts typed as
// ae/oe/ue, a typo, lower case, and now and then an unfinished last word.
func shortQuery(rng *rand.Rand, a Article) string {
	tw := words(a.Title)
	k := min(len(tw), 2+rng.IntN(2))
	ws := pickN(rng, tw, k)
	if rng.IntN(10) < 3 {
		if cw := words(causeOf(a.Body)); len(cw) > 0 {
			ws = append(ws, pick(rng, cw))
		}
	}
	typo := rng.IntN(10) < 5
	for i, w := range ws {
		if rng.IntN(10) < 3 {
			w = inflect(rng, w, a.Lang)
		}
		if rng.IntN(10) < 6 {
			w = asciiUmlauts(w)
		}
		if typo && utf8.RuneCountInString(w) >= 6 {
			w = misspell(rng, w)
			typo = false
		}
		ws[i] = w
	}
	q := strings.Join(ws, " ")
	if rng.IntN(10) < 7 {
		q = strings.ToLower(q)
	}
	if rng.IntN(10) < 2 {
		r := []rune(q)
		last := utf8.RuneCountInString(ws[len(ws)-1])
		if last >= 6 {
			q = string(r[:len(r)-last/3])
		}
	}
	return q
}

// causeOf returns the cause section of a generated body.
func causeOf(body string) string {
	for _, sec := range []string{"## Ursache\n\n", "## Cause\n\n"} {
		if i := strings.Index(body, sec); i >= 0 {
			rest := body[i+len(sec):]
			if j := strings.Index(rest, "\n"); j >= 0 {
				return rest[:j]
			}
		}
	}
	return ""
}

// inflect changes the grammatical form of a word.
func inflect(rng *rand.Rand, w, lang string) string {
	switch {
	case lang == "en" && strings.HasSuffix(w, "s"):
		return strings.TrimSuffix(w, "s")
	case lang == "en":
		return w + "s"
	case strings.HasSuffix(w, "ung"), strings.HasSuffix(w, "ion"):
		return w + "en"
	case strings.HasSuffix(w, "e"):
		return w + []string{"n", "s"}[rng.IntN(2)]
	case strings.HasSuffix(w, "en"):
		return strings.TrimSuffix(w, "n")
	default:
		return w + []string{"e", "es", "s"}[rng.IntN(3)]
	}
}

// asciiUmlauts types umlauts the way a US keyboard does.
var asciiUmlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss").Replace

// misspell applies one typo: a swapped, dropped, doubled or wrong letter
// (never the first one).
func misspell(rng *rand.Rand, w string) string {
	r := []rune(w)
	i := 1 + rng.IntN(len(r)-2)
	switch rng.IntN(4) {
	case 0:
		r[i], r[i+1] = r[i+1], r[i]
	case 1:
		r = append(r[:i], r[i+1:]...)
	case 2:
		r = append(r[:i+1], r[i:]...)
	default:
		r[i] = rune('a' + rng.IntN(26))
	}
	return string(r)
}

var (
	logRe  = regexp.MustCompile(`(?m)^\[2026/.*$`)
	quoteR = regexp.MustCompile(`(?m)^> (.*)$`)
	stampR = regexp.MustCompile(`^\[[^\]]*\] P-\d+ T-\d+`)
)

// pasteQuery makes a pasted query for a: a log line with another time
// stamp and process ids, an error message with chatter around it, or
// sentences of the problem description.
func pasteQuery(rng *rand.Rand, a Article) string {
	greet := map[string][]string{
		"de": {"Hallo zusammen, bei uns kommt seit heute morgen folgender Fehler:", "Kunde meldet:", "Guten Tag, wir haben ein Problem im ERP.", "Ticket vom Kunden Mayer GmbH:", ""},
		"en": {"Hi team, customer reports the following error:", "Ticket from ACME Ltd:", "Hello, we have a problem since this morning.", ""},
	}
	bye := map[string][]string{
		"de": {"Bitte um Rückruf.", "Können Sie bitte helfen? Danke und Gruß", "Das ist dringend, die Buchhaltung steht.", ""},
		"en": {"Please call back.", "Can you help? Thanks", "This is urgent.", ""},
	}
	lang := a.Lang
	switch rng.IntN(3) {
	case 0:
		line := logRe.FindString(a.Body)
		line = stampR.ReplaceAllString(line, fmt.Sprintf("[2026/%02d/%02d@%02d:%02d:%02d.%03d+0100] P-%06d T-%06d",
			1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(1000), rng.IntN(999999), rng.IntN(999999)))
		if rng.IntN(2) == 0 {
			if i := strings.LastIndex(line, " (user "); i > 0 {
				line = line[:i]
			}
		}
		return line
	case 1:
		m := quoteR.FindStringSubmatch(a.Body)
		return strings.TrimSpace(pick(rng, greet[lang]) + " " + m[1] + " " + pick(rng, bye[lang]))
	default:
		prob := strings.SplitN(strings.SplitN(a.Body, "## ", 3)[1], "\n\n", 2)[1]
		prob = strings.ReplaceAll(strings.ReplaceAll(prob, "> ", ""), "\n", " ")
		if i := strings.Index(prob, " ## "); i > 0 {
			prob = prob[:i]
		}
		return strings.Join(strings.Fields(pick(rng, greet[lang])+" "+prob+" "+pick(rng, bye[lang])), " ")
	}
}
