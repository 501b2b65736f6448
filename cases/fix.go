package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DeliveryStatus is how far a fix has got at one customer.
type DeliveryStatus string

// The delivery steps of a fix at a customer.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryScheduled DeliveryStatus = "scheduled"
	DeliveryInstalled DeliveryStatus = "installed"
)

// ParseDeliveryStatus accepts pending, scheduled or installed (also "done").
func ParseDeliveryStatus(s string) (DeliveryStatus, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pending":
		return DeliveryPending, nil
	case "scheduled":
		return DeliveryScheduled, nil
	case "installed", "done", "delivered":
		return DeliveryInstalled, nil
	}
	return "", fmt.Errorf("delivery status %q: %w: use pending, scheduled or installed", s, ErrInvalid)
}

// Delivery tracks a fix at one customer.
type Delivery struct {
	Customer string         `json:"customer"`
	Cases    []string       `json:"cases,omitempty"`
	Status   DeliveryStatus `json:"status"`
	Note     string         `json:"note,omitempty"`
	At       time.Time      `json:"at,omitempty"`
	By       string         `json:"by,omitempty"`
}

// Fix is a bug fix from the vendor's 3rd level and its delivery to every
// affected customer.
type Fix struct {
	ID      string `json:"id"`
	Title   string `json:"title,omitempty"`
	Product string `json:"product,omitempty"`
	// Version is the product version that contains the fix.
	Version    string     `json:"version"`
	Cases      []string   `json:"cases,omitempty"`
	Deliveries []Delivery `json:"deliveries"`
	Created    time.Time  `json:"created"`
	By         string     `json:"by"`
}

// Done reports whether the fix is installed at every affected customer.
func (f *Fix) Done() bool {
	for _, d := range f.Deliveries {
		if d.Status != DeliveryInstalled {
			return false
		}
	}
	return len(f.Deliveries) > 0
}

// RecordFix records a vendor fix. Its affected customers are those of its
// cases plus extra customers without a case; each gets a pending delivery
// and each case a note that the fix is available.
func (s *Store) RecordFix(ctx context.Context, f Fix, extraCustomers []string) (Fix, error) {
	if err := ctx.Err(); err != nil {
		return Fix{}, err
	}
	f.ID = strings.TrimSpace(f.ID)
	if f.ID == "" || strings.TrimSpace(f.Version) == "" {
		return Fix{}, fmt.Errorf("record fix: %w: an id and the product version are needed", ErrInvalid)
	}
	if len(f.Cases) == 0 && len(extraCustomers) == 0 {
		return Fix{}, fmt.Errorf("record fix %s: %w: name the affected cases or customers", f.ID, ErrInvalid)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bucketFixes)
		if fb.Get([]byte(f.ID)) != nil {
			return fmt.Errorf("%w: fix %s is already recorded", ErrInvalid, f.ID)
		}
		now := s.now()
		f.Created, f.Deliveries = now, nil
		byCustomer := map[string]*Delivery{}
		deliver := func(customer string) *Delivery {
			if d, ok := byCustomer[customer]; ok {
				return d
			}
			d := &Delivery{Customer: customer, Status: DeliveryPending}
			byCustomer[customer] = d
			return d
		}
		for _, id := range f.Cases {
			c, err := getCase(tx, id)
			if err != nil {
				return err
			}
			d := deliver(c.Customer)
			d.Cases = append(d.Cases, c.ID)
			if f.Product == "" && c.Escalation != nil {
				f.Product = c.Escalation.Product
			}
			a := NewSystemText(MsgFixAvailable, "fix", f.ID, "version", f.Version, "customer", c.Customer).Activity(KindFixDelivery, f.By)
			a.ID, a.At, a.Ref, a.To = newActivityID(), now, f.ID, string(DeliveryPending)
			c.Activities = append(c.Activities, a)
			c.Updated = now
			c.Revision++
			if err := s.save(tx, &c, now); err != nil {
				return err
			}
		}
		for _, cu := range extraCustomers {
			if cu = strings.TrimSpace(cu); cu != "" {
				deliver(cu)
			}
		}
		for _, d := range byCustomer {
			f.Deliveries = append(f.Deliveries, *d)
		}
		sort.Slice(f.Deliveries, func(i, j int) bool { return f.Deliveries[i].Customer < f.Deliveries[j].Customer })
		return putJSON(fb, f.ID, f)
	})
	if err != nil {
		return Fix{}, fmt.Errorf("record fix %s: %w", f.ID, err)
	}
	return f, nil
}

// Deliver sets the delivery status of a fix at a customer. Installing it
// logs a fix-delivery activity on that customer's cases.
func (s *Store) Deliver(ctx context.Context, fixID, customer string, st DeliveryStatus, note, by string) (Fix, error) {
	if err := ctx.Err(); err != nil {
		return Fix{}, err
	}
	var f Fix
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if f, err = getFix(tx, fixID); err != nil {
			return err
		}
		idx := -1
		var names []string
		for i, d := range f.Deliveries {
			names = append(names, d.Customer)
			if strings.EqualFold(d.Customer, strings.TrimSpace(customer)) {
				idx = i
			}
		}
		if idx < 0 {
			return fmt.Errorf("customer %q: %w for fix %s (affected: %s)", customer, ErrNotFound, fixID, strings.Join(names, ", "))
		}
		now := s.now()
		d := &f.Deliveries[idx]
		d.Status, d.Note, d.At, d.By = st, note, now, by
		for _, id := range d.Cases {
			c, err := getCase(tx, id)
			if err != nil {
				return err
			}
			text := fmt.Sprintf("Vendor fix %s (%s) at %s: %s", f.ID, f.Version, d.Customer, st)
			if note != "" {
				text += ". " + note
			}
			c.Activities = append(c.Activities, Activity{ID: newActivityID(), Kind: KindFixDelivery, At: now, By: by, Ref: f.ID, To: string(st), Text: text})
			c.Updated = now
			c.Revision++
			if err := s.save(tx, &c, now); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bucketFixes), f.ID, f)
	})
	if err != nil {
		return Fix{}, fmt.Errorf("deliver fix %s: %w", fixID, err)
	}
	return f, nil
}

func getFix(tx *bolt.Tx, id string) (Fix, error) {
	raw := tx.Bucket(bucketFixes).Get([]byte(strings.TrimSpace(id)))
	if raw == nil {
		return Fix{}, fmt.Errorf("fix %q: %w", id, ErrNotFound)
	}
	var f Fix
	if err := json.Unmarshal(raw, &f); err != nil {
		return Fix{}, fmt.Errorf("read fix %s: %w", id, err)
	}
	return f, nil
}

// GetFix returns a recorded fix.
func (s *Store) GetFix(ctx context.Context, id string) (Fix, error) {
	if err := ctx.Err(); err != nil {
		return Fix{}, err
	}
	var f Fix
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		f, err = getFix(tx, id)
		return err
	})
	return f, err
}

// Fixes returns every recorded fix, those not yet done first.
func (s *Store) Fixes(ctx context.Context) ([]Fix, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []Fix
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFixes).ForEach(func(k, v []byte) error {
			var f Fix
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("read fix %s: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list fixes: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].Done() && out[j].Done() })
	return out, nil
}
