package cases

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// The search index is a scored term index in the store's own buckets,
// written in the same transaction as the case: it is never stale and needs
// no files of its own. Each case contributes its analysed words (title,
// customer, systems, product, description, cause, solution, escalation,
// activities and the error templates of its attached logs) with a weight
// per field, and one term per error template ("#" + template id) that
// weighs most when cases are compared.

// Field weights of the search index.
const (
	weightTitle      = 3.0
	weightFacts      = 2.0 // customer, systems, product
	weightText       = 1.5 // description, cause, solution, escalation
	weightActivity   = 1.0
	weightTemplate   = 1.0 // the words of an error template
	weightTemplateID = 8.0 // the template itself
)

// maxTerms bounds the distinct terms of one case, keeping the heaviest.
const maxTerms = 400

// templateTermPrefix starts the term of an error template.
const templateTermPrefix = "#"

// stopWords are German and English words too common to search for.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`der die das den dem des ein eine einen einem einer eines und oder aber
		nicht ist sind war wird werden wurde wurden bei beim mit von vom zu zum zur im in an am auf aus fuer
		ueber unter nach vor als auch noch nur so wie wenn dass da hat haben hatte kann koennen sich es er sie
		wir ich ihr man kein keine the a an and or but not is are was were be been to of in on at for with by
		from as it this that these those has have had can could will would should do does did no yes`) {
		stopWords[w] = true
	}
}

// fold spells German letters the German way without diacritics, so that
// "Prüfung" and "Pruefung" are one word.
var fold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// words splits text into lower-case, folded words of letters and digits.
func words(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		w = fold.Replace(w)
		if len(w) < 2 || stopWords[w] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// stemSuffixes are stripped from longer words, longest first: German and
// English inflections, so that "Buchungen" finds "Buchung" and "locked"
// finds "lock".
var stemSuffixes = []string{"ungen", "ing", "en", "er", "es", "ed", "e", "s", "n"}

// stem reduces a folded word to its search form.
func stem(w string) string {
	if len(w) < 5 || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		return w
	}
	for _, suf := range stemSuffixes {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			if suf == "ungen" {
				return w[:len(w)-len(suf)] + "ung"
			}
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// terms analyses text into search terms.
func terms(text string) []string {
	ws := words(text)
	for i, w := range ws {
		ws[i] = stem(w)
	}
	return ws
}

// caseTerms returns the weighted terms of c; templates holds the error
// templates of its attachments.
func caseTerms(c *Case, templates []LogTemplate) map[string]float64 {
	m := map[string]float64{}
	add := func(w float64, texts ...string) {
		for _, t := range texts {
			for _, term := range terms(t) {
				m[term] += w
			}
		}
	}
	add(weightTitle, c.Title)
	add(weightFacts, c.Customer, c.Product)
	add(weightFacts, c.Systems...)
	add(weightText, c.Description, c.Cause, c.Solution)
	if e := c.Escalation; e != nil {
		add(weightText, e.Description, e.Done, e.SourceLocation, e.Product)
		add(weightText, e.Findings...)
	}
	for _, a := range c.Activities {
		add(weightActivity, a.Text)
	}
	for _, t := range templates {
		add(weightTemplate, t.Text)
		if t.ID != "" {
			m[templateTermPrefix+t.ID] = weightTemplateID
		}
	}
	if len(m) > maxTerms {
		type tw struct {
			t string
			w float64
		}
		all := make([]tw, 0, len(m))
		for t, w := range m {
			all = append(all, tw{t, w})
		}
		sort.Slice(all, func(i, j int) bool {
			if all[i].w != all[j].w {
				return all[i].w > all[j].w
			}
			return all[i].t < all[j].t
		})
		for _, x := range all[maxTerms:] {
			delete(m, x.t)
		}
	}
	return m
}

// fixed turns a weight into the integer stored in the index (tenths).
func fixed(w float64) uint64 { return uint64(math.Round(w * 10)) }

func postingKey(term, id string) []byte {
	k := make([]byte, 0, len(term)+1+len(id))
	k = append(k, term...)
	k = append(k, 0)
	return append(k, id...)
}

// docTerms is the stored term list of one case.
type docTerms struct {
	norm  uint64
	terms []string
	w     []uint64
}

func (d *docTerms) encode() []byte {
	b := binary.AppendUvarint(nil, d.norm)
	for i, t := range d.terms {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
		b = binary.AppendUvarint(b, d.w[i])
	}
	return b
}

var errCorruptTerms = errors.New("corrupt search index entry")

func decodeDocTerms(b []byte) (docTerms, error) {
	var d docTerms
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return d, errCorruptTerms
	}
	d.norm, b = v, b[n:]
	for len(b) > 0 {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return d, errCorruptTerms
		}
		t := string(b[n : n+int(l)])
		b = b[n+int(l):]
		w, n := binary.Uvarint(b)
		if n <= 0 {
			return d, errCorruptTerms
		}
		b = b[n:]
		d.terms, d.w = append(d.terms, t), append(d.w, w)
	}
	return d, nil
}

// addDF changes a term's document frequency by delta.
func addDF(df *bolt.Bucket, term string, delta int64) error {
	var n int64
	if raw := df.Get([]byte(term)); raw != nil {
		v, k := binary.Varint(raw)
		if k <= 0 {
			return fmt.Errorf("term %q: %w", term, errCorruptTerms)
		}
		n = v
	}
	n += delta
	if n <= 0 {
		return df.Delete([]byte(term))
	}
	return df.Put([]byte(term), binary.AppendVarint(nil, n))
}

// templatesOf returns the known error templates of c's attachments; with
// note, it notes the attachments whose templates are not known yet
// (AnalyzeAttachments reads them).
func templatesOf(tx *bolt.Tx, c *Case, note bool) ([]LogTemplate, error) {
	tb, pending := tx.Bucket(bucketTemplates), tx.Bucket(bucketPending)
	var out []LogTemplate
	for _, a := range c.Attachments {
		sha := strings.ToLower(a.SHA256)
		raw := tb.Get([]byte(sha))
		if raw == nil {
			if !note {
				continue
			}
			if err := pending.Put(postingKey(sha, c.ID), nil); err != nil {
				return nil, fmt.Errorf("note attachment %s of case %s: %w", sha, c.ID, err)
			}
			continue
		}
		var lt logTemplates
		if err := json.Unmarshal(raw, &lt); err != nil {
			return nil, fmt.Errorf("read templates of attachment %s: %w", sha, err)
		}
		out = append(out, lt.Templates...)
	}
	return out, nil
}

// indexTerms replaces the search index entries of c.
func indexTerms(tx *bolt.Tx, c *Case) error {
	tpl, err := templatesOf(tx, c, true)
	if err != nil {
		return err
	}
	m := caseTerms(c, tpl)
	d := docTerms{}
	var sq float64
	for t, w := range m {
		d.terms, d.w = append(d.terms, t), append(d.w, fixed(w))
		sq += w * w
	}
	d.norm = fixed(math.Sqrt(sq))
	terms, df, docs := tx.Bucket(bucketTerms), tx.Bucket(bucketTermDF), tx.Bucket(bucketDocTerms)
	// Only terms that come or go change their document frequency; a
	// posting whose weight and norm stay is not rewritten.
	old := map[string]uint64{}
	var oldNorm uint64
	if raw := docs.Get([]byte(c.ID)); raw != nil {
		od, err := decodeDocTerms(raw)
		if err != nil {
			return fmt.Errorf("index case %s: %w", c.ID, err)
		}
		oldNorm = od.norm
		for i, t := range od.terms {
			old[t] = od.w[i]
			if _, keep := m[t]; keep {
				continue
			}
			if err := terms.Delete(postingKey(t, c.ID)); err != nil {
				return fmt.Errorf("index case %s: %w", c.ID, err)
			}
			if err := addDF(df, t, -1); err != nil {
				return fmt.Errorf("index case %s: %w", c.ID, err)
			}
		}
	}
	for i, t := range d.terms {
		ow, had := old[t]
		if had && ow == d.w[i] && oldNorm == d.norm {
			continue
		}
		v := binary.AppendUvarint(nil, d.w[i])
		v = binary.AppendUvarint(v, d.norm)
		if err := terms.Put(postingKey(t, c.ID), v); err != nil {
			return fmt.Errorf("index case %s: %w", c.ID, err)
		}
		if !had {
			if err := addDF(df, t, 1); err != nil {
				return fmt.Errorf("index case %s: %w", c.ID, err)
			}
		}
	}
	if err := docs.Put([]byte(c.ID), d.encode()); err != nil {
		return fmt.Errorf("index case %s: %w", c.ID, err)
	}
	return nil
}

// rebuildSearch recomputes the search index from every case.
func rebuildSearch(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketTerms, bucketTermDF, bucketDocTerms} {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return fmt.Errorf("rebuild case search index: %w", err)
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return fmt.Errorf("rebuild case search index: %w", err)
		}
	}
	err := forEachCase(tx, func(c *Case) error {
		return indexTerms(tx, c)
	})
	if err != nil {
		return fmt.Errorf("rebuild case search index: %w", err)
	}
	if err := tx.Bucket(bucketMeta).Put(keySearch, []byte(fmt.Sprint(searchVersion))); err != nil {
		return fmt.Errorf("rebuild case search index: %w", err)
	}
	return nil
}
