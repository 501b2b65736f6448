package cases

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// systemTextArgs are the values each code documents.
var systemTextArgs = map[string][]string{
	MsgAssigned:      {"to"},
	MsgAnalysis:      {"cause", "solution"},
	MsgArticleLinked: {"article"},
	MsgEscalated:     {"reproduced_on", "description"},
	MsgToVendor:      nil,
	MsgInfoRequested: nil,
	MsgCreatedAPI:    nil,
	MsgFixAvailable:  {"fix", "version", "customer"},
	MsgLogAttached:   {"name", "size", "sha256", "source"},
	MsgRemoteExec:    {"target", "command", "status", "duration", "session", "reason"},
	MsgRemoteFailed:  {"target", "command", "error", "session", "reason"},
	MsgRemoteCollect: {"target", "files", "failed", "session", "reason"},
	MsgRemoteShell:   {"target", "recording", "session", "reason"},
}

func TestSystemTextsRender(t *testing.T) {
	if len(SystemTextCodes()) != len(systemTextArgs) {
		t.Fatalf("codes %v, documented %d", SystemTextCodes(), len(systemTextArgs))
	}
	for _, code := range SystemTextCodes() {
		names, ok := systemTextArgs[code]
		if !ok {
			t.Errorf("%s: values not documented in the test", code)
		}
		var args []string
		for _, n := range names {
			args = append(args, n, "<"+n+">")
		}
		got := NewSystemText(code, args...).English()
		if strings.Contains(got, "no value") || strings.Contains(got, "=<") {
			t.Errorf("%s: %q", code, got)
		}
		for _, n := range names {
			if !strings.Contains(got, "<"+n+">") && n != "source" && n != "recording" && n != "failed" {
				t.Errorf("%s: %q lacks %s", code, got, n)
			}
		}
	}
	// Values left empty drop their part.
	for _, c := range []struct {
		m    SystemText
		want string
	}{
		{NewSystemText(MsgAnalysis, "cause", "Sperre", "solution", ""), "Cause: Sperre"},
		{NewSystemText(MsgAnalysis, "cause", "", "solution", "Neustart"), "Solution: Neustart"},
		{NewSystemText(MsgAnalysis, "cause", "A", "solution", "B"), "Cause: A\nSolution: B"},
		{NewSystemText(MsgLogAttached, "name", "a.log", "size", "3", "sha256", "ab", "source", ""), "a.log (3 bytes, SHA-256 ab)"},
		{NewSystemText(MsgRemoteCollect, "target", "u@h:22", "files", "2", "failed", "0", "session", "S", "reason", "R"), "u@h:22: collected 2 file(s) (session S; reason: R)"},
		{NewSystemText(MsgRemoteCollect, "target", "u@h:22", "files", "2", "failed", "1", "session", "S", "reason", "R"), "u@h:22: collected 2 file(s), 1 failed (session S; reason: R)"},
		// An unknown code or a missing value still says what happened.
		{NewSystemText("from_a_newer_version", "x", "1"), "from_a_newer_version x=1"},
		{NewSystemText(MsgAssigned), "assigned"},
	} {
		if got := c.m.English(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.m, got, c.want)
		}
	}
}

func TestSystemTextsStored(t *testing.T) {
	// The activities Werkbank writes keep their code and values through
	// the store and JSON, with the English text beside them.
	clk := &fakeClock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	s, _, _ := openTest(t, clk)
	ctx := context.Background()
	c, err := s.Create(ctx, NewCase{Title: "Druck", Customer: "ACME", Priority: 3, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Assign(ctx, c.ID, "Müller", "anna"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAnalysis(ctx, c.ID, "Sperre auf Tabelle", "", "anna"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	acts := got.Activities[len(got.Activities)-2:]
	if a := acts[0]; a.System == nil || a.System.Code != MsgAssigned || a.System.Args["to"] != "Müller" || a.Text != "assigned to Müller" || a.To != "Müller" {
		t.Errorf("assignment: %+v %+v", a, a.System)
	}
	if a := acts[1]; a.System == nil || a.System.Code != MsgAnalysis || a.Text != "Cause: Sperre auf Tabelle" {
		t.Errorf("analysis: %+v %+v", a, a.System)
	}
	data, err := json.Marshal(acts[0])
	if err != nil {
		t.Fatal(err)
	}
	var back Activity
	if err := json.Unmarshal(data, &back); err != nil || back.System == nil || back.System.Args["to"] != "Müller" {
		t.Errorf("JSON round trip: %s → %+v (%v)", data, back, err)
	}
	// A user's own note has no system text.
	a, err := s.AddActivity(ctx, c.ID, Activity{Kind: KindNote, By: "anna", Text: "Kunde angerufen"})
	if err != nil || a.System != nil {
		t.Errorf("note: %+v %v", a, err)
	}
}
