package cases

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func fullEscalation() Escalation {
	return Escalation{
		ReproducedOn:   "ERP 9.2 SP3 Demo",
		Description:    "OP-Ausgleich mit Skonto bucht die Differenz auf das falsche Konto, wenn die Zahlung nach Ablauf der Skontofrist erfasst wird.",
		Done:           "Stammdaten geprüft, Buchungsprotokoll ausgewertet, auf Demosystem nachgestellt.",
		Findings:       []string{"Im Buchungsprotokoll fehlt die Skontobasis"},
		SourceLocation: "fibu/opausgleich.p, Zeile 412",
		By:             "ben",
	}
}

func attachTestLog(t *testing.T, s *Store, dir, id, content string) Attachment {
	t.Helper()
	p := filepath.Join(dir, "buchung.log")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := s.AttachFile(context.Background(), id, p, "ben")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCreateGetReopen(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, db, _ := openTest(t, clk)
	c, err := s.Create(ctx, NewCase{Title: "DATEV-Export", Customer: "Huber", Priority: PriorityLow, Systems: []string{"erp-prod"}, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.ID, "C-2026-0001-") || len(c.ID) != len("C-2026-0001-ABCD") || c.Status != StatusNew || c.Level != 2 || c.Contract != "Standard" {
		t.Fatalf("new case %+v", c)
	}
	c2, err := s.Create(ctx, NewCase{Title: "Zweiter", Customer: "Huber", Priority: PriorityHigh, By: "anna"})
	if err != nil || c2.ID != "C-2026-0002"+c.ID[len("C-2026-0001"):] {
		t.Fatalf("second case %q: %v", c2.ID, err)
	}
	if _, err := s.AddActivity(ctx, c.ID, Activity{Kind: KindNote, By: "anna", Text: "Export-Log angefordert"}); err != nil {
		t.Fatal(err)
	}
	// Reopen on the same file: everything is there.
	s2, err := Open(ctx, Config{DB: db, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Activities) != 2 || got.Activities[1].Text != "Export-Log angefordert" || got.Revision != 2 {
		t.Fatalf("reopened case %+v", got)
	}
	list, err := s2.List(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	// Priority 2 reacts within 4 h, priority 4 within 18 h: the second case is due first.
	if len(list) != 2 || list[0].ID != c2.ID || list[1].ID != c.ID {
		t.Fatalf("list order %+v", list)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, _ := openTest(t, clk)
	c, err := s.Create(ctx, NewCase{Title: "T", Customer: "K", Priority: PriorityMedium, By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.Get(ctx, c.ID)
	bad := []struct {
		name string
		run  func() error
		want error
	}{
		{"unknown case", func() error { _, err := s.Get(ctx, "C-1999-0001"); return err }, ErrNotFound},
		{"note on unknown case", func() error {
			_, err := s.AddActivity(ctx, "nope", Activity{Kind: KindNote, By: "x", Text: "t"})
			return err
		}, ErrNotFound},
		{"empty note", func() error { _, err := s.AddActivity(ctx, c.ID, Activity{Kind: KindNote, By: "x"}); return err }, ErrInvalid},
		{"system kind", func() error {
			_, err := s.AddActivity(ctx, c.ID, Activity{Kind: KindStatus, By: "x", Text: "t"})
			return err
		}, ErrInvalid},
		{"priority 5", func() error { _, err := s.SetPriority(ctx, c.ID, 5, "why", "x"); return err }, ErrInvalid},
		{"priority without reason", func() error { _, err := s.SetPriority(ctx, c.ID, 1, " ", "x"); return err }, ErrInvalid},
		{"bad status", func() error { _, err := s.SetStatus(ctx, c.ID, "done", "", "x"); return err }, ErrInvalid},
		{"same status", func() error { _, err := s.SetStatus(ctx, c.ID, StatusNew, "", "x"); return err }, ErrInvalid},
		{"vendor without escalation", func() error { _, err := s.SetStatus(ctx, c.ID, StatusWaitingVendor, "", "x"); return err }, ErrInvalid},
		{"escalation without checklist", func() error { _, err := s.Escalate(ctx, c.ID, Escalation{By: "x"}); return err }, ErrInvalid},
		{"unknown contract", func() error {
			_, err := s.Create(ctx, NewCase{Title: "T", Customer: "K", Priority: 1, Contract: "Gold"})
			return err
		}, ErrNotFound},
		{"no title", func() error { _, err := s.Create(ctx, NewCase{Customer: "K", Priority: 1}); return err }, ErrInvalid},
		{"attachment not in store", func() error {
			return s.Attach(ctx, c.ID, Attachment{Name: "x.log", SHA256: strings.Repeat("ab", 32), Size: 3})
		}, os.ErrNotExist},
	}
	for _, b := range bad {
		if err := b.run(); !errors.Is(err, b.want) {
			t.Errorf("%s: error %v, want %v", b.name, err, b.want)
		}
	}
	after, _ := s.Get(ctx, c.ID)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("bad input changed the case:\n%+v\n%+v", before, after)
	}
	list, _ := s.List(ctx, false)
	if len(list) != 1 {
		t.Fatalf("bad input created cases: %d", len(list))
	}
}

func TestEscalationChecklist(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, dir := openTest(t, clk)
	c, err := s.Create(ctx, NewCase{Title: "Skonto", Customer: "Berger AG", Priority: PriorityMedium, Product: "ERP 9.2 Fibu", By: "ben"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Escalate(ctx, c.ID, Escalation{ReproducedOn: "ERP 9.2 SP3", Findings: []string{" "}, By: "ben"})
	var ce *ChecklistError
	if !errors.As(err, &ce) {
		t.Fatalf("want a checklist error, got %v", err)
	}
	want := []string{MissingDescription, MissingDone, MissingFindings, MissingLogs}
	if !reflect.DeepEqual(ce.Missing, want) {
		t.Fatalf("missing %q, want %q", ce.Missing, want)
	}
	if !strings.Contains(err.Error(), "exact description of the error") {
		t.Fatalf("refusal does not name what is missing: %v", err)
	}
	// Complete except for the logs.
	_, err = s.Escalate(ctx, c.ID, fullEscalation())
	if !errors.As(err, &ce) || len(ce.Missing) != 1 || ce.Missing[0] != MissingLogs {
		t.Fatalf("without logs: %v", err)
	}
	a := attachTestLog(t, s, dir, c.ID, "ERROR Skontobasis 0\n")
	if data, err := os.ReadFile(s.AttachmentPath(a.SHA256)); err != nil || string(data) != "ERROR Skontobasis 0\n" {
		t.Fatalf("attachment content %q: %v", data, err)
	}
	esc := fullEscalation()
	esc.SourceLocation = ""
	got, err := s.Escalate(ctx, c.ID, esc)
	if err != nil {
		t.Fatalf("complete checklist without the optional source location refused: %v", err)
	}
	if got.Level != 3 || got.Status != StatusWaitingVendor || got.Escalation == nil || got.Escalation.Product != "ERP 9.2 Fibu" {
		t.Fatalf("escalated case %+v", got)
	}
	if _, err := s.Escalate(ctx, c.ID, fullEscalation()); !errors.Is(err, ErrInvalid) {
		t.Fatalf("second escalation: %v", err)
	}
}

func TestIndexRebuild(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, db, _ := openTest(t, clk)
	for i, p := range []Priority{4, 1, 3, 2} {
		clk.Set(berlin(t, "2026-05-04 09:00").Add(time.Duration(i) * time.Minute))
		if _, err := s.Create(ctx, NewCase{Title: "T", Customer: "K", Priority: p, By: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := s.List(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	// Forget the index version: Open rebuilds it to the same order.
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyIndex) }); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, Config{DB: db, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	after, err := s2.List(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range after {
		ids = append(ids, after[i].ID)
		if after[i].ID != before[i].ID || after[i].State != before[i].State || !after[i].Due.Equal(*before[i].Due) {
			t.Fatalf("rebuilt index differs at %d: %+v vs %+v", i, after[i], before[i])
		}
	}
	tag := ids[0][len("C-2026-0002"):]
	if want := []string{"C-2026-0002" + tag, "C-2026-0004" + tag, "C-2026-0003" + tag, "C-2026-0001" + tag}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("order %v, want %v", ids, want)
	}
}

func TestStationTagKept(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, db, _ := openTest(t, clk)
	a, err := s.Create(ctx, NewCase{Title: "A", Customer: "K", Priority: 3, By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	tag := a.ID[len("C-2026-0001-"):]
	for _, r := range tag {
		if !strings.ContainsRune(stationAlphabet, r) {
			t.Fatalf("tag %q has %q", tag, r)
		}
	}
	s2, err := Open(ctx, Config{DB: db, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(berlin(t, "2027-01-04 09:00"))
	b, err := s2.Create(ctx, NewCase{Title: "B", Customer: "K", Priority: 3, By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != "C-2027-0001-"+tag {
		t.Fatalf("next year's first case %s, want the same tag %s and a new count", b.ID, tag)
	}
}
