package cases

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	wsync "werkbank/sync"
)

func TestPutContractReindexes(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, _ := openTest(t, clk)
	c, err := s.Create(ctx, NewCase{Title: "T", Customer: "K", Priority: PriorityLow, By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.List(ctx, false)
	ct, err := s.Contract("Standard")
	if err != nil {
		t.Fatal(err)
	}
	// Round trip through JSON, as "case contract list --json | set" does.
	ct.Holidays = []Date{{2026, time.December, 24}}
	raw, err := json.Marshal(ct)
	if err != nil {
		t.Fatal(err)
	}
	var back Contract
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	tg := back.Targets[PriorityLow]
	tg.Reaction = Duration(2 * time.Hour)
	back.Targets[PriorityLow] = tg
	if err := s.PutContract(ctx, back); err != nil {
		t.Fatal(err)
	}
	after, _ := s.List(ctx, false)
	wantTime(t, "due after the contract change", after[0].Due, berlin(t, "2026-05-04 11:00"))
	if after[0].Due.Equal(*before[0].Due) {
		t.Fatal("the index kept the old due time")
	}
	if r, err := s.Remaining(after[0]); err != nil || r != 2*time.Hour {
		t.Fatalf("remaining %s, %v", r, err)
	}
	got, _ := s.Contract("Standard")
	if len(got.Holidays) != 1 || got.Holidays[0].String() != "2026-12-24" {
		t.Fatalf("holidays %v", got.Holidays)
	}
	bad := back
	bad.Targets = map[Priority]Target{1: {Reaction: 1, Resolution: 1}}
	if err := s.PutContract(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("contract without all priorities: %v", err)
	}
	if got, _ := s.Contract("Standard"); got.Targets[PriorityLow].Reaction != Duration(2*time.Hour) {
		t.Fatal("a refused contract changed the stored one")
	}
	if _, err := s.Assign(ctx, c.ID, "Lea", "x"); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.List(ctx, false); l[0].Assignee != "Lea" {
		t.Fatalf("list shows assignee %q", l[0].Assignee)
	}
}

func TestReplicaRoundTrip(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, _ := openTest(t, clk)
	c, err := s.Create(ctx, NewCase{Title: "Lokal", Customer: "K", Priority: PriorityHigh, By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	r := NewReplica(s)
	var items []wsync.Item
	if err := r.Scan(ctx, func(it wsync.Item) error { items = append(items, it); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].ID != c.ID {
		t.Fatalf("scan %+v", items)
	}
	// A sparse case from a ticket system is completed and listed.
	body := json.RawMessage(`{"title":"Aus dem Ticketsystem","customer":"Huber","priority":"hoch","created":"2026-05-04T06:00:00Z"}`)
	out, err := r.Put(ctx, []wsync.Item{{ID: "T-20260504-ab12", Body: body}})
	if err != nil || len(out) != 1 {
		t.Fatalf("put: %v", err)
	}
	got, err := s.Get(ctx, "T-20260504-ab12")
	if err != nil {
		t.Fatal(err)
	}
	if got.Priority != PriorityHigh || got.Status != StatusNew || got.Contract != "Standard" || len(got.Activities) != 1 {
		t.Fatalf("completed case %+v", got)
	}
	list, _ := s.List(ctx, false)
	if len(list) != 2 {
		t.Fatalf("list after sync: %d", len(list))
	}
}
