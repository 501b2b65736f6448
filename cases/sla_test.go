package cases

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// fakeClock is a settable clock for the store.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Set(t time.Time) {
	f.mu.Lock()
	f.t = t
	f.mu.Unlock()
}

// openTest opens a store on a fresh bbolt file in a temporary folder.
func openTest(t testing.TB, clk *fakeClock) (*Store, *bolt.DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := Open(context.Background(), Config{DB: db, AttachDir: filepath.Join(dir, "attachments"), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s, db, dir
}

func mustSLA(t *testing.T, s *Store, id string) SLA {
	t.Helper()
	c, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	sla, err := s.SLA(&c)
	if err != nil {
		t.Fatal(err)
	}
	return sla
}

func wantTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s = nil, want %s", what, want)
	}
	if !got.Equal(want) {
		t.Fatalf("%s = %s, want %s", what, got.In(want.Location()), want)
	}
}

// TestSLAClockLifecycle follows one case of the "Standard" contract
// (Mon–Fri 08:00–17:00, Baden-Württemberg) through reaction, a pause while
// waiting for the customer, a priority raise and the vendor's 3rd level.
func TestSLAClockLifecycle(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{}
	s, _, _ := openTest(t, clk)
	clk.Set(berlin(t, "2026-01-12 16:00")) // Monday
	c, err := s.Create(ctx, NewCase{Title: "Rechnungsdruck bricht ab", Customer: "Müller GmbH", Priority: PriorityHigh, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	// Priority 2: reaction 4 h, resolution 18 h.
	steps := []struct {
		at         string
		act        func() error
		reaction   State
		resolution State
		check      func(SLA)
	}{
		{"2026-01-12 16:00", nil, StateOK, StateOK, func(sla SLA) {
			wantTime(t, "reaction due", sla.Reaction.Due, berlin(t, "2026-01-13 11:00"))
			wantTime(t, "reaction soon", sla.Reaction.SoonAt, berlin(t, "2026-01-13 10:00"))
			wantTime(t, "resolution due", sla.Resolution.Due, berlin(t, "2026-01-14 16:00"))
		}},
		{"2026-01-13 10:30", nil, StateDueSoon, StateOK, nil},
		{"2026-01-13 10:45", func() error {
			_, err := s.AddActivity(ctx, c.ID, Activity{Kind: KindCall, By: "anna", Text: "Kunde angerufen, Fehlerbild aufgenommen"})
			return err
		}, StateOK, StateOK, func(sla SLA) {
			wantTime(t, "reaction done", sla.Reaction.DoneAt, berlin(t, "2026-01-13 10:45"))
			if sla.Reaction.Used != 3*time.Hour+45*time.Minute {
				t.Fatalf("reaction used %s", sla.Reaction.Used)
			}
		}},
		{"2026-01-13 12:00", func() error {
			_, err := s.SetStatus(ctx, c.ID, StatusWaitingCustomer, "Logdatei angefordert", "anna")
			return err
		}, StateOK, StateOK, nil},
		{"2026-01-15 09:00", nil, StateOK, StateOK, func(sla SLA) {
			r := sla.Resolution
			if !r.Paused || r.Running || r.Due != nil || r.Remaining != 13*time.Hour {
				t.Fatalf("paused resolution clock: %+v", r)
			}
		}},
		{"2026-01-15 10:00", func() error {
			_, err := s.SetStatus(ctx, c.ID, StatusInProgress, "Log erhalten", "anna")
			return err
		}, StateOK, StateOK, func(sla SLA) {
			// 13 h left from Thu 10:00: 7 h on Thursday, 6 h on Friday.
			wantTime(t, "resolution due after the pause", sla.Resolution.Due, berlin(t, "2026-01-16 14:00"))
		}},
		{"2026-01-15 10:00", func() error {
			_, err := s.SetPriority(ctx, c.ID, PriorityEmergency, "Fakturierung steht komplett", "anna")
			return err
		}, StateOK, StateOK, func(sla SLA) {
			// Priority 1: 8 h resolution, 5 h used → 3 h left; due soon
			// under 20 % of 8 h (96 min).
			wantTime(t, "resolution due after the raise", sla.Resolution.Due, berlin(t, "2026-01-15 13:00"))
		}},
		{"2026-01-15 11:30", nil, StateOK, StateDueSoon, nil},
		{"2026-01-15 14:00", nil, StateOK, StateBreached, nil},
	}
	for _, st := range steps {
		clk.Set(berlin(t, st.at))
		if st.act != nil {
			if err := st.act(); err != nil {
				t.Fatalf("%s: %v", st.at, err)
			}
		}
		sla := mustSLA(t, s, c.ID)
		if sla.Reaction.State != st.reaction || sla.Resolution.State != st.resolution {
			t.Fatalf("%s: reaction %s resolution %s, want %s %s", st.at, sla.Reaction.State, sla.Resolution.State, st.reaction, st.resolution)
		}
		if st.check != nil {
			st.check(sla)
		}
	}
	got, err := s.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	h := got.PriorityHistory()
	if len(h) != 2 || h[0].To != PriorityHigh || h[1].From != PriorityHigh || h[1].To != PriorityEmergency || h[1].Reason != "Fakturierung steht komplett" {
		t.Fatalf("priority history %+v", h)
	}
}

func TestSLAVendorClock(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{}
	s, _, dir := openTest(t, clk)
	clk.Set(berlin(t, "2026-02-02 08:00"))
	c, err := s.Create(ctx, NewCase{Title: "OP-Ausgleich mit Skonto falsch", Customer: "Berger AG", Priority: PriorityMedium, By: "ben"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(berlin(t, "2026-02-02 10:00"))
	attachTestLog(t, s, dir, c.ID, "Skonto 2% falsch berechnet\n")
	clk.Set(berlin(t, "2026-02-02 12:00"))
	if _, err := s.Escalate(ctx, c.ID, fullEscalation()); err != nil {
		t.Fatal(err)
	}
	clk.Set(berlin(t, "2026-02-03 12:00"))
	sla := mustSLA(t, s, c.ID)
	if sla.Vendor == nil || !sla.Vendor.Running || sla.Vendor.Used != 9*time.Hour {
		t.Fatalf("vendor clock %+v", sla.Vendor)
	}
	// Priority 3 under "Standard": vendor target 90 h.
	wantTime(t, "vendor due", sla.Vendor.Due, berlin(t, "2026-02-16 12:00"))
	if r := sla.Resolution; !r.Paused || r.Used != 4*time.Hour {
		t.Fatalf("resolution clock while waiting for the vendor: %+v", r)
	}
	clk.Set(berlin(t, "2026-02-04 08:00"))
	if _, err := s.SetStatus(ctx, c.ID, StatusInProgress, "Fix angekündigt", "ben"); err != nil {
		t.Fatal(err)
	}
	clk.Set(berlin(t, "2026-02-04 09:00"))
	sla = mustSLA(t, s, c.ID)
	if v := sla.Vendor; v.Running || v.Paused || v.Used != 14*time.Hour || v.State != StateOK {
		t.Fatalf("vendor clock after the answer: %+v", v)
	}
	if r := sla.Resolution; !r.Running || r.Used != 5*time.Hour {
		t.Fatalf("resolution clock after the answer: %+v", r)
	}
	clk.Set(berlin(t, "2026-02-04 10:00"))
	if _, err := s.SetStatus(ctx, c.ID, StatusSolved, "Fix eingespielt", "ben"); err != nil {
		t.Fatal(err)
	}
	clk.Set(berlin(t, "2026-03-01 10:00"))
	sla = mustSLA(t, s, c.ID)
	if r := sla.Resolution; r.Running || r.Paused || r.DoneAt == nil || r.Used != 6*time.Hour || r.State != StateOK {
		t.Fatalf("solved resolution clock: %+v", r)
	}
}

// TestSLAEmergencyAroundTheClock checks a 24/7 emergency across the night
// of the change to summer time.
func TestSLAEmergencyAroundTheClock(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{}
	s, _, _ := openTest(t, clk)
	clk.Set(berlin(t, "2026-03-28 22:00")) // Saturday night
	c, err := s.Create(ctx, NewCase{Title: "Produktion steht", Customer: "Kraus KG", Contract: "Premium 24/7", Priority: PriorityEmergency, By: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	sla := mustSLA(t, s, c.ID)
	wantTime(t, "reaction due", sla.Reaction.Due, berlin(t, "2026-03-28 22:30"))
	// 4 real hours: 22:00 CET + 4 h = 03:00 CEST.
	wantTime(t, "resolution due", sla.Resolution.Due, berlin(t, "2026-03-29 03:00"))
	// Lowered to priority 2, the Saturday and Sunday no longer count.
	clk.Set(berlin(t, "2026-03-28 23:00"))
	if _, err := s.SetPriority(ctx, c.ID, PriorityHigh, "Workaround: manuelle Rückmeldung", "dana"); err != nil {
		t.Fatal(err)
	}
	sla = mustSLA(t, s, c.ID)
	// 1 h used around the clock, 11 h left of 12 h from Monday 07:00.
	wantTime(t, "resolution due at priority 2", sla.Resolution.Due, berlin(t, "2026-03-30 18:00"))
}

func TestSoonThreshold(t *testing.T) {
	for target, want := range map[time.Duration]time.Duration{
		30 * time.Minute: 15 * time.Minute,
		4 * time.Hour:    time.Hour,
		18 * time.Hour:   216 * time.Minute,
	} {
		if got := soonThreshold(target); got != want {
			t.Errorf("soonThreshold(%s) = %s, want %s", target, got, want)
		}
	}
}

// TestComputeSLATable checks histories directly, without a store.
func TestComputeSLATable(t *testing.T) {
	ct := DemoContracts()[0] // Standard: Mon–Fri 08–17, BW; P3 resolution 45 h, P1 8 h
	act := func(at string, k Kind, from, to string) Activity {
		return Activity{ID: at, Kind: k, At: berlin(t, at), By: "t", From: from, To: to}
	}
	tests := []struct {
		name     string
		created  string
		prio     Priority
		acts     []Activity
		now      string
		used     time.Duration
		running  bool
		paused   bool
		doneAt   string
		reaction State
	}{
		{"reopened after solving counts on", "2026-01-12 08:00", 3, []Activity{
			act("2026-01-12 10:00", KindStatus, "new", "solved"),
			act("2026-01-13 08:00", KindStatus, "solved", "in_progress"),
		}, "2026-01-13 09:00", 3 * time.Hour, true, false, "", StateOK},
		{"solved then closed is done when solved", "2026-01-12 08:00", 3, []Activity{
			act("2026-01-12 10:00", KindStatus, "new", "in_progress"),
			act("2026-01-12 12:00", KindStatus, "in_progress", "solved"),
			act("2026-01-14 12:00", KindStatus, "solved", "closed"),
		}, "2026-02-01 09:00", 4 * time.Hour, false, false, "2026-01-12 12:00", StateOK},
		{"opened on Saturday starts on Monday", "2026-01-10 11:00", 3, nil, "2026-01-12 10:00", 2 * time.Hour, true, false, "", StateOK},
		{"priority raised while paused", "2026-01-12 08:00", 3, []Activity{
			act("2026-01-12 09:00", KindCall, "", ""),
			act("2026-01-12 12:00", KindStatus, "new", "waiting_customer"),
			act("2026-01-13 08:00", KindPriority, "3", "1"),
		}, "2026-01-13 09:00", 4 * time.Hour, false, true, "", StateOK},
		{"activities out of order (merged by sync)", "2026-01-12 08:00", 3, []Activity{
			act("2026-01-12 15:00", KindStatus, "waiting_customer", "in_progress"),
			act("2026-01-12 10:00", KindStatus, "new", "waiting_customer"),
		}, "2026-01-12 16:00", 3 * time.Hour, true, false, "", StateOK},
		{"no reaction for days", "2026-01-12 08:00", 1, nil, "2026-01-14 08:00", 18 * time.Hour, true, false, "", StateBreached},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Case{ID: "C", Contract: ct.Name, Priority: tc.prio, Created: berlin(t, tc.created)}
			c.Activities = append([]Activity{{Kind: KindCreated, At: c.Created, To: fmt.Sprint(int(tc.prio))}}, tc.acts...)
			sla, err := ComputeSLA(&c, ct, berlin(t, tc.now))
			if err != nil {
				t.Fatal(err)
			}
			r := sla.Resolution
			if r.Used != tc.used || r.Running != tc.running || r.Paused != tc.paused || sla.Reaction.State != tc.reaction {
				t.Fatalf("resolution %+v, reaction %s", r, sla.Reaction.State)
			}
			if tc.doneAt != "" {
				wantTime(t, "done", r.DoneAt, berlin(t, tc.doneAt))
			}
		})
	}
}
