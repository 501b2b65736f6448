package cases

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// LogTemplate is an error template of an attached log file: a message with
// its variable parts masked, as the logs package mines it.
type LogTemplate struct {
	// ID identifies the template text; equal texts have equal ids.
	ID    string `json:"id"`
	Text  string `json:"text"`
	Count int    `json:"count"`
}

// TemplateSource reads the error templates of a log file. The logs package
// provides them; the CLI and the app wire an adapter in.
type TemplateSource interface {
	ErrorTemplates(ctx context.Context, path string) ([]LogTemplate, error)
}

// logTemplates is what cases.templates keeps per attachment.
type logTemplates struct {
	Templates []LogTemplate `json:"templates"`
	// Error says why the file has no templates (not a text log, …).
	Error string    `json:"error,omitempty"`
	At    time.Time `json:"at"`
}

// AnalyzeAttachments reads the error templates of every attached file
// whose templates are not known yet, keeps them and re-indexes the cases
// holding the file, so that search and similar cases see them. A file
// that is not a readable log is remembered with the reason and not read
// again; a file not present yet (still syncing) stays pending. It returns
// how many files it read.
func (s *Store) AnalyzeAttachments(ctx context.Context, src TemplateSource) (int, error) {
	if src == nil {
		return 0, errors.New("analyze attachments: no template source")
	}
	s.analyzing.Lock()
	defer s.analyzing.Unlock()
	var shas []string
	err := s.db.View(func(tx *bolt.Tx) error {
		last := ""
		return tx.Bucket(bucketPending).ForEach(func(k, _ []byte) error {
			if i := bytes.IndexByte(k, 0); i > 0 && string(k[:i]) != last {
				last = string(k[:i])
				shas = append(shas, last)
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("analyze attachments: %w", err)
	}
	n := 0
	for _, sha := range shas {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		path := s.AttachmentPath(sha)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		lt := logTemplates{At: s.now()}
		tpl, err := src.ErrorTemplates(ctx, path)
		switch {
		case ctx.Err() != nil:
			return n, ctx.Err()
		case err != nil:
			lt.Error = err.Error()
		default:
			lt.Templates = tpl
		}
		if err := s.storeTemplates(ctx, sha, lt); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// storeTemplates keeps the templates of one attachment and re-indexes the
// cases that wait for them.
func (s *Store) storeTemplates(ctx context.Context, sha string, lt logTemplates) error {
	raw, err := json.Marshal(lt)
	if err != nil {
		return fmt.Errorf("templates of attachment %s: %w", sha, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketTemplates).Put([]byte(sha), raw); err != nil {
			return err
		}
		pending := tx.Bucket(bucketPending)
		prefix := postingKey(sha, "")
		var ids []string
		c := pending.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		for _, id := range ids {
			if err := pending.Delete(postingKey(sha, id)); err != nil {
				return err
			}
			cs, err := getCase(tx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if err := indexTerms(tx, &cs); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("store templates of attachment %s: %w", sha, err)
	}
	return nil
}

// Templates returns the known error templates of the case's attachments,
// most frequent first.
func (s *Store) Templates(ctx context.Context, id string) ([]LogTemplate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []LogTemplate
	err := s.db.View(func(tx *bolt.Tx) error {
		c, err := getCase(tx, id)
		if err != nil {
			return err
		}
		tb := tx.Bucket(bucketTemplates)
		seen := map[string]int{}
		for _, a := range c.Attachments {
			raw := tb.Get([]byte(strings.ToLower(a.SHA256)))
			if raw == nil {
				continue
			}
			var lt logTemplates
			if err := json.Unmarshal(raw, &lt); err != nil {
				return fmt.Errorf("read templates of attachment %s: %w", a.SHA256, err)
			}
			for _, t := range lt.Templates {
				if i, ok := seen[t.ID]; ok {
					out[i].Count += t.Count
					continue
				}
				seen[t.ID] = len(out)
				out = append(out, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("templates of case %s: %w", id, err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out, nil
}

// SimilarCase is a solved or closed case like another one, with how it
// was solved.
type SimilarCase struct {
	Hit
	// Shared are the error templates both cases' logs show.
	Shared []LogTemplate `json:"shared_templates,omitempty"`
	Cause  string        `json:"cause,omitempty"`
	// Solution is the recorded solution, else the text with which the case
	// was solved or closed.
	Solution string `json:"solution,omitempty"`
	// Last are the case's last notes, calls and mails, newest first.
	Last []Activity `json:"last_activities,omitempty"`
}

// minShare is the share of the best case's score below which Similar
// leaves a case out.
const minShare = 0.05

// commonShare is the share of all cases above which a word is too common
// to tell cases apart; Similar skips such words, and with fewer cases the
// words every case has.
const commonShare = 0.3

// Similar returns the solved and closed cases most like case id, best
// first, at most limit (≤ 0: 5). Shared error templates weigh most, then
// the words of title, description, analysis and activities.
func (s *Store) Similar(ctx context.Context, id string, limit int) ([]SimilarCase, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 5
	}
	var out []SimilarCase
	err := s.db.View(func(tx *bolt.Tx) error {
		src, err := getCase(tx, id)
		if err != nil {
			return err
		}
		raw := tx.Bucket(bucketDocTerms).Get([]byte(src.ID))
		if raw == nil {
			return fmt.Errorf("case %s is not in the search index", src.ID)
		}
		d, err := decodeDocTerms(raw)
		if err != nil {
			return err
		}
		n := tx.Bucket(bucketDocTerms).Stats().KeyN
		done := tx.Bucket(bucketDueKey)
		score := map[string]float64{}
		shared := map[string][]string{}
		for i, t := range d.terms {
			isTpl := strings.HasPrefix(t, templateTermPrefix)
			if df := docFreq(tx, t); !isTpl && (n >= 10 && float64(df) > commonShare*float64(n) || n > 2 && df >= int64(n)) {
				continue
			}
			f := idf(tx, t, n)
			wq := float64(d.w[i]) / 10
			err := scanPostings(tx, t, false, func(_ string, p posting) error {
				if p.id == src.ID {
					return nil
				}
				if k := done.Get([]byte(p.id)); len(k) == 0 || k[0] != classDone {
					return nil
				}
				score[p.id] += wq * p.w * f * f / math.Sqrt(p.norm)
				if isTpl {
					shared[p.id] = append(shared[p.id], strings.TrimPrefix(t, templateTermPrefix))
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		hits := make([]Hit, 0, len(score))
		for cid, sc := range score {
			sum, err := summaryOf(tx, cid, s.now())
			if err != nil {
				return err
			}
			hits = append(hits, Hit{Summary: sum, Score: math.Round(sc/math.Max(1, float64(d.norm)/10)*1000) / 1000})
		}
		sortHits(hits)
		// A case far below the best one shares a stray word, not the problem.
		for i, h := range hits {
			if h.Score < minShare*hits[0].Score {
				hits = hits[:i]
				break
			}
		}
		if len(hits) > limit {
			hits = hits[:limit]
		}
		srcTpl, err := templatesOf(tx, &src, false)
		if err != nil {
			return err
		}
		text := map[string]LogTemplate{}
		for _, t := range srcTpl {
			text[t.ID] = t
		}
		for _, h := range hits {
			c, err := getCase(tx, h.ID)
			if err != nil {
				return err
			}
			sc := SimilarCase{Hit: h, Cause: c.Cause, Solution: howSolved(&c), Last: lastWork(&c, 3)}
			for _, tid := range shared[h.ID] {
				sc.Shared = append(sc.Shared, text[tid])
			}
			out = append(out, sc)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cases similar to %s: %w", id, err)
	}
	return out, nil
}

// howSolved is the recorded solution, else the reason given when the case
// was solved or closed.
func howSolved(c *Case) string {
	if c.Solution != "" {
		return c.Solution
	}
	for i := len(c.Activities) - 1; i >= 0; i-- {
		a := c.Activities[i]
		if a.Kind == KindStatus && (a.To == string(StatusSolved) || a.To == string(StatusClosed)) && strings.TrimSpace(a.Text) != "" {
			return a.Text
		}
	}
	return ""
}

// lastWork returns the last n notes, calls and mails of c, newest first,
// leaving out those that only repeat the solution.
func lastWork(c *Case, n int) []Activity {
	var out []Activity
	for i := len(c.Activities) - 1; i >= 0 && len(out) < n; i-- {
		switch a := c.Activities[i]; a.Kind {
		case KindNote, KindCall, KindMail:
			if strings.TrimSpace(a.Text) != "" && (c.Solution == "" || !strings.Contains(a.Text, c.Solution)) {
				out = append(out, a)
			}
		}
	}
	return out
}
