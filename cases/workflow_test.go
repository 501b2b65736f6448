package cases

import (
	"context"
	"errors"
	"strings"
	"testing"

	"werkbank/assets"
)

func TestSeedDemo(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-11-25 11:00")} // a Wednesday
	s, _, _ := openTest(t, clk)
	n, err := s.SeedDemo(ctx, assets.Demo)
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("seeded %d demo cases", n)
	}
	list, err := s.List(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	states := map[State]int{}
	var escalated, solved int
	for _, sum := range list {
		if sum.Status.Open() {
			states[sum.State]++
		} else {
			solved++
		}
		c, err := s.Get(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Escalation != nil && c.Status.Open() {
			escalated++
			if len(c.Attachments) == 0 || c.Status != StatusWaitingVendor || c.Level != 3 {
				t.Fatalf("escalated demo case %+v", c)
			}
			if _, err := s.Bundle(ctx, c.ID, t.TempDir()+"/b.zip", BundleOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if states[StateBreached] == 0 || states[StateDueSoon] == 0 || states[StateOK] == 0 || escalated != 1 || solved < 2 {
		t.Fatalf("demo mix: %v, %d escalated, %d solved", states, escalated, solved)
	}
	if list[0].State != StateBreached || list[len(list)-1].Status.Open() {
		t.Fatalf("list not sorted by urgency: first %+v last %+v", list[0], list[len(list)-1])
	}
	rep, err := s.TeamReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	months := map[string]bool{}
	met, total := 0, 0
	for _, c := range rep.Compliance {
		months[c.Month] = true
		met += c.Met
		total += c.Total
	}
	if len(months) < 2 || met == total || met == 0 || len(rep.Escalations) != 2 || rep.Open != len(list)-solved || rep.Breached == 0 {
		t.Fatalf("team report %+v", rep)
	}
	aged := 0
	for _, b := range rep.OpenByAge {
		aged += b.Total()
	}
	if aged != rep.Open {
		t.Fatalf("age buckets hold %d of %d open cases", aged, rep.Open)
	}
	if again, err := s.SeedDemo(ctx, assets.Demo); err != nil || again != 0 {
		t.Fatalf("second seed imported %d: %v", again, err)
	}
}

func TestFixDelivery(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, _ := openTest(t, clk)
	a, _ := s.Create(ctx, NewCase{Title: "Deadlock", Customer: "Berger AG", Priority: 2, By: "ben"})
	b, _ := s.Create(ctx, NewCase{Title: "Deadlock auch hier", Customer: "Kraus KG", Priority: 3, By: "ben"})
	if _, err := s.RecordFix(ctx, Fix{ID: "BF-1", Version: "8.0.2.1150", Cases: []string{a.ID, "C-0000-0000"}, By: "ben"}, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown case in fix: %v", err)
	}
	if fixes, err := s.Fixes(ctx); err != nil || len(fixes) != 0 {
		t.Fatalf("a failed fix was recorded: %v, %v", fixes, err)
	}
	f, err := s.RecordFix(ctx, Fix{ID: "BF-1", Version: "8.0.2.1150", Cases: []string{a.ID, b.ID}, By: "ben"}, []string{"Huber KG"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Deliveries) != 3 || f.Done() {
		t.Fatalf("fix %+v", f)
	}
	if _, err := s.RecordFix(ctx, Fix{ID: "BF-1", Version: "x", Cases: []string{a.ID}}, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("duplicate fix: %v", err)
	}
	if _, err := s.Deliver(ctx, "BF-1", "Unbekannt", DeliveryInstalled, "", "ben"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown customer: %v", err)
	}
	for _, cu := range []string{"Berger AG", "kraus kg", "Huber KG"} {
		if f, err = s.Deliver(ctx, "BF-1", cu, DeliveryInstalled, "eingespielt", "ben"); err != nil {
			t.Fatal(err)
		}
	}
	if !f.Done() {
		t.Fatalf("fix not done: %+v", f)
	}
	got, _ := s.Get(ctx, b.ID)
	last := got.Activities[len(got.Activities)-1]
	if last.Kind != KindFixDelivery || last.Ref != "BF-1" || last.To != string(DeliveryInstalled) {
		t.Fatalf("delivery activity %+v", last)
	}
	// The fix-delivered message names the fix.
	msg, err := s.SendMessage(ctx, b.ID, MessageInput{Template: TemplateFixDelivered, Lang: "de", Sender: "Ben Krüger"}, "ben")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.Body, "BF-1") || !strings.HasPrefix(msg.Subject, "Korrektur ausgeliefert: "+b.ID) {
		t.Fatalf("message %+v", msg)
	}
}

func TestMessages(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, _ := openTest(t, clk)
	c, _ := s.Create(ctx, NewCase{Title: "Druck hängt", Customer: "Huber", Priority: 2, By: "lea"})
	msg, err := s.SendMessage(ctx, c.ID, MessageInput{Template: TemplateReceived, Lang: "en", Sender: "Lea"}, "lea")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.Body, "logged it as "+c.ID) || !strings.Contains(msg.Body, "04.05.2026 13:00") {
		t.Fatalf("received message: %q", msg.Body)
	}
	if _, err := s.SendMessage(ctx, c.ID, MessageInput{Template: TemplateNeedInfo, Lang: "de"}, "lea"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("need_info without questions: %v", err)
	}
	if _, err := s.SendMessage(ctx, c.ID, MessageInput{Template: "bye", Lang: "de"}, "lea"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown template: %v", err)
	}
	if _, err := s.SendMessage(ctx, c.ID, MessageInput{Template: TemplateReceived, Lang: "fr"}, "lea"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown language: %v", err)
	}
	if _, err := s.SendMessage(ctx, c.ID, MessageInput{Template: TemplateNeedInfo, Lang: "de", Text: "Bitte das Drucker-Log senden."}, "lea"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, c.ID)
	if got.Status != StatusWaitingCustomer {
		t.Fatalf("asking for information did not pause: %s", got.Status)
	}
	mails := 0
	for _, a := range got.Activities {
		if a.Kind == KindMail {
			mails++
		}
	}
	if mails != 2 {
		t.Fatalf("%d mail activities, want 2", mails)
	}
}

type fakeDrafter struct{ got ArticleDraft }

func (f *fakeDrafter) DraftArticle(_ context.Context, d ArticleDraft) (string, error) {
	f.got = d
	return "kb-42", nil
}

func TestDraftArticle(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, _ := openTest(t, clk)
	c, _ := s.Create(ctx, NewCase{Title: "Archiv PRN-4410", Customer: "Huber", Priority: 2, Description: "Archivlauf: Access denied", By: "lea"})
	d := &fakeDrafter{}
	if _, err := s.DraftArticle(ctx, c.ID, d, "lea"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("draft from an open case: %v", err)
	}
	if _, err := s.SetAnalysis(ctx, c.ID, "Dienstkonto ohne Schreibrecht", "", "lea"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(ctx, c.ID, StatusSolved, "Schreibrecht vergeben", "lea"); err != nil {
		t.Fatal(err)
	}
	id, err := s.DraftArticle(ctx, c.ID, d, "lea")
	if err != nil {
		t.Fatal(err)
	}
	if id != "kb-42" || d.got.Problem != "Archivlauf: Access denied" || d.got.Cause != "Dienstkonto ohne Schreibrecht" || d.got.Solution != "Schreibrecht vergeben" || d.got.CaseID != c.ID {
		t.Fatalf("draft %+v", d.got)
	}
	if !strings.Contains(d.got.Markdown(), "## Cause\n\nDienstkonto ohne Schreibrecht") {
		t.Fatalf("markdown %q", d.got.Markdown())
	}
	got, _ := s.Get(ctx, c.ID)
	if len(got.Articles) != 1 || got.Articles[0] != "kb-42" {
		t.Fatalf("article not linked: %v", got.Articles)
	}
}
