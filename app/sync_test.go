package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"werkbank/cases"
	"werkbank/kb"
	wsync "werkbank/sync"
	"werkbank/workspace"
)

// startSyncServer runs a sync server in-process on loopback with one team
// lead and returns its URL, fingerprint and the lead's token.
func startSyncServer(t *testing.T) (url, fp, token string) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	token, err := wsync.AddUser(ctx, dir, "lead", wsync.RoleTeamLead)
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- wsync.RunServer(ctx, wsync.ServeConfig{Addr: "127.0.0.1:0", DataDir: dir, Ready: func(addr, f string) {
			url, fp = "https://"+addr, f
			close(ready)
		}})
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("server: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return url, fp, token
}

func TestSyncBar(t *testing.T) {
	url, fp, token := startSyncServer(t)
	h := newHarnessSeeded(t, kb.RoleTeamLead, false)
	s := h.u.sync
	if s == nil {
		t.Fatal("no sync bar in the top bar")
	}
	h.wait("the first round without a server", func() bool { return strings.Contains(s.state.Text, "no server") })
	// "Sync now" without a server opens the server settings instead of
	// doing nothing visible.
	test.Tap(s.now)
	h.wait("the server settings", func() bool { return strings.Contains(h.dialogText(), "Sync server") })
	test.Tap(h.overlayButton("Cancel"))
	h.wait("the settings closed", func() bool { return h.dialogText() == "" })

	// An article written in the window travels to another client.
	ctx := context.Background()
	if _, err := h.u.kb.Save(ctx, kb.Article{ID: "synced-article", Title: "Synced", Body: "line\n", Status: kb.StatusPublished}, h.u.user, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.client.Configure(ctx, url, token, fp); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.now)
	h.wait("online", func() bool { return s.last.Online && s.last.Pending == 0 && !s.last.LastSync.IsZero() })
	if !strings.Contains(s.state.Text, "Online") {
		t.Fatalf("status %q", s.state.Text)
	}

	ws2, err := workspace.Open(ctx, workspace.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer ws2.Close()
	ks, err := kb.Open(ctx, kb.Config{DB: ws2.DB, IndexDir: filepath.Join(ws2.Dir, "index")})
	if err != nil {
		t.Fatal(err)
	}
	defer ks.Close()
	cs, err := cases.Open(ctx, cases.Config{DB: ws2.DB, AttachDir: ws2.Path("attachments")})
	if err != nil {
		t.Fatal(err)
	}
	other, err := wsync.NewClient(ctx, wsync.ClientConfig{DB: ws2.DB, BlobDir: ws2.Path("attachments"),
		Replicas: []wsync.Replica{kb.NewReplica(ks), cases.NewReplica(cs)}, Server: url, Token: token, Fingerprint: fp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := ks.Get(ctx, "synced-article")
	if err != nil || a.Title != "Synced" || a.Status != kb.StatusPublished {
		t.Fatalf("other client has %+v (%v)", a, err)
	}

	// Concurrent edits of the title: the window's edit is not yet sent when
	// the other client's arrives; the window shows a conflict.
	mine, _ := h.u.kb.Get(ctx, "synced-article")
	mine.Title = "My title"
	if _, err := h.u.kb.Save(ctx, mine, h.u.user, ""); err != nil {
		t.Fatal(err)
	}
	a.Title = "Other title"
	if _, err := ks.Save(ctx, a, kb.User{Name: "x", Role: kb.RoleTeamLead}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.now)
	h.wait("the conflict", func() bool { return s.last.Conflicts == 1 && s.confl.Visible() })
	if !strings.Contains(s.confl.Text, "1") {
		t.Fatalf("conflict button %q", s.confl.Text)
	}
	// Both titles are shown side by side; resolving clears the conflict.
	test.Tap(s.confl)
	list, err := s.client.Conflicts(ctx)
	if err != nil || len(list) != 1 || len(list[0].Conflicts) != 1 || len(list[0].Conflicts[0].Variants) != 2 {
		t.Fatalf("conflicts %+v (%v)", list, err)
	}
	// The user picks the other client's title.
	var chosen wsync.Variant
	for _, v := range list[0].Conflicts[0].Variants {
		if strings.Contains(string(v.Value), "Other title") {
			chosen = v
		}
	}
	if chosen.Value == nil {
		t.Fatalf("no variant with the other title: %+v", list[0].Conflicts[0].Variants)
	}
	if err := s.useArticleValue("synced-article", "title", chosen.Value); err != nil {
		t.Fatal(err)
	}
	if a, _ := h.u.kb.Get(ctx, "synced-article"); a.Title != "Other title" {
		t.Fatalf("chosen title not saved: %q", a.Title)
	}
	if err := s.client.Resolve(ctx, wsync.KindArticle, "synced-article"); err != nil {
		t.Fatal(err)
	}
	s.kick()
	h.wait("the resolution", func() bool { return s.last.Conflicts == 0 && !s.confl.Visible() })
	if _, err := other.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if list, _ := other.Conflicts(ctx); len(list) != 0 {
		t.Fatalf("the other client still has conflicts: %+v", list)
	}
	if a, _ := ks.Get(ctx, "synced-article"); a.Title != "Other title" {
		t.Fatalf("the resolution did not reach the other client: %q", a.Title)
	}
}
