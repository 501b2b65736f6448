package cases

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Assign gives the case to assignee.
func (s *Store) Assign(ctx context.Context, id, assignee, by string) (Case, error) {
	c, err := s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		a := NewSystemText(MsgAssigned, "to", assignee).Activity(KindNote, by)
		a.ID, a.At, a.From, a.To = newActivityID(), now, c.Assignee, assignee
		c.Activities = append(c.Activities, a)
		c.Assignee = assignee
		return nil
	})
	if err != nil {
		return Case{}, fmt.Errorf("assign case %s: %w", id, err)
	}
	return c, nil
}

// SetAnalysis records the cause and the solution found so far (empty keeps
// the current value) and logs it as a note.
func (s *Store) SetAnalysis(ctx context.Context, id, cause, solution, by string) (Case, error) {
	c, err := s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		cause, solution = strings.TrimSpace(cause), strings.TrimSpace(solution)
		if cause == "" && solution == "" {
			return fmt.Errorf("%w: give a cause or a solution", ErrInvalid)
		}
		if cause != "" {
			c.Cause = cause
		}
		if solution != "" {
			c.Solution = solution
		}
		a := NewSystemText(MsgAnalysis, "cause", cause, "solution", solution).Activity(KindNote, by)
		a.ID, a.At = newActivityID(), now
		c.Activities = append(c.Activities, a)
		return nil
	})
	if err != nil {
		return Case{}, fmt.Errorf("record analysis of case %s: %w", id, err)
	}
	return c, nil
}

// LinkArticle links a knowledge-base article to the case.
func (s *Store) LinkArticle(ctx context.Context, id, articleID, by string) (Case, error) {
	c, err := s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		if contains(c.Articles, articleID) {
			return nil
		}
		c.Articles = append(c.Articles, articleID)
		a := NewSystemText(MsgArticleLinked, "article", articleID).Activity(KindArticle, by)
		a.ID, a.At, a.Ref = newActivityID(), now, articleID
		c.Activities = append(c.Activities, a)
		return nil
	})
	if err != nil {
		return Case{}, fmt.Errorf("link article to case %s: %w", id, err)
	}
	return c, nil
}

// ContractNames returns the names of the stored contracts, sorted.
func (s *Store) ContractNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.contracts))
	for n := range s.contracts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Contract returns the named contract.
func (s *Store) Contract(name string) (Contract, error) { return s.contract(name) }

// PutContract stores a new or changed contract and recomputes the due
// index of the cases under it.
func (s *Store) PutContract(ctx context.Context, c Contract) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketContracts), c.Name, c); err != nil {
			return err
		}
		if err := s.loadContracts(tx); err != nil {
			return err
		}
		now := s.now()
		var affected []Case
		err := forEachCase(tx, func(cs *Case) error {
			if cs.Contract == c.Name {
				affected = append(affected, *cs)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for i := range affected {
			sla, err := s.sla(&affected[i], now)
			if err != nil {
				return err
			}
			if err := putIndex(tx, &affected[i], sla); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// Drop the cached contract that the rolled-back transaction loaded.
		if rerr := s.db.View(s.loadContracts); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return fmt.Errorf("store contract %s: %w", c.Name, err)
	}
	return nil
}
