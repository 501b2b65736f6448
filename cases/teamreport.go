package cases

import (
	"context"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Compliance counts the finished cases of one month and priority and how
// many of them kept both SLA targets (reaction and resolution).
type Compliance struct {
	// Month is "YYYY-MM" of the solution.
	Month    string   `json:"month"`
	Priority Priority `json:"priority"`
	Total    int      `json:"total"`
	Met      int      `json:"met"`
}

// AgeBucket counts open cases of an age range by priority.
type AgeBucket struct {
	Label string `json:"label"`
	// Max is the upper end of the range (exclusive); zero for the last.
	Max time.Duration `json:"max_ns"`
	// Count holds the cases per priority; index 0 is unused.
	Count [5]int `json:"count"`
}

// Total is the number of cases in the bucket.
func (b AgeBucket) Total() int { return b.Count[1] + b.Count[2] + b.Count[3] + b.Count[4] }

// ProductCount counts escalations of one product.
type ProductCount struct {
	Product string `json:"product"`
	Count   int    `json:"count"`
}

// TeamReport is what a team lead looks at: SLA compliance per month and
// priority, open cases by age, escalations per product.
type TeamReport struct {
	At          time.Time      `json:"at"`
	Compliance  []Compliance   `json:"compliance"`
	OpenByAge   []AgeBucket    `json:"open_by_age"`
	Escalations []ProductCount `json:"escalations"`
	// Open and Breached count the open cases and those with a breached clock.
	Open     int `json:"open"`
	Breached int `json:"breached"`
}

// AgeBuckets are the age ranges of open cases (wall-clock age).
var AgeBuckets = []AgeBucket{
	{Label: "< 1 day", Max: 24 * time.Hour},
	{Label: "1-3 days", Max: 72 * time.Hour},
	{Label: "3-7 days", Max: 7 * 24 * time.Hour},
	{Label: "1-4 weeks", Max: 28 * 24 * time.Hour},
	{Label: "> 4 weeks"},
}

// TeamReport computes the team-lead report over every case at now.
func (s *Store) TeamReport(ctx context.Context) (TeamReport, error) {
	now := s.now()
	rep := TeamReport{At: now, OpenByAge: append([]AgeBucket(nil), AgeBuckets...)}
	comp := map[string]*Compliance{}
	esc := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		i := 0
		return forEachCase(tx, func(c *Case) error {
			if i++; i%1000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if c.Escalation != nil {
				p := c.Escalation.Product
				if p == "" {
					p = c.Product
				}
				if p == "" {
					p = "(no product)"
				}
				esc[p]++
			}
			sla, err := s.sla(c, now)
			if err != nil {
				return err
			}
			if c.Status.Open() {
				rep.Open++
				if sla.Reaction.State == StateBreached || sla.Resolution.State == StateBreached {
					rep.Breached++
				}
				age := now.Sub(c.Created)
				for b := range rep.OpenByAge {
					if rep.OpenByAge[b].Max == 0 || age < rep.OpenByAge[b].Max {
						if c.Priority.Valid() {
							rep.OpenByAge[b].Count[c.Priority]++
						}
						break
					}
				}
				return nil
			}
			if sla.Resolution.DoneAt == nil {
				return nil
			}
			key := sla.Resolution.DoneAt.Format("2006-01") + "/" + fmt.Sprint(int(c.Priority))
			cell := comp[key]
			if cell == nil {
				cell = &Compliance{Month: sla.Resolution.DoneAt.Format("2006-01"), Priority: c.Priority}
				comp[key] = cell
			}
			cell.Total++
			if sla.Reaction.State != StateBreached && sla.Resolution.State != StateBreached {
				cell.Met++
			}
			return nil
		})
	})
	if err != nil {
		return rep, fmt.Errorf("team report: %w", err)
	}
	for _, c := range comp {
		rep.Compliance = append(rep.Compliance, *c)
	}
	sort.Slice(rep.Compliance, func(i, j int) bool {
		a, b := rep.Compliance[i], rep.Compliance[j]
		if a.Month != b.Month {
			return a.Month < b.Month
		}
		return a.Priority < b.Priority
	})
	for p, n := range esc {
		rep.Escalations = append(rep.Escalations, ProductCount{Product: p, Count: n})
	}
	sort.Slice(rep.Escalations, func(i, j int) bool {
		if rep.Escalations[i].Count != rep.Escalations[j].Count {
			return rep.Escalations[i].Count > rep.Escalations[j].Count
		}
		return rep.Escalations[i].Product < rep.Escalations[j].Product
	})
	return rep, nil
}
