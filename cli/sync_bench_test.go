package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"werkbank/cases"
	"werkbank/kb"
	wsync "werkbank/sync"
	"werkbank/workspace"
)

// BenchmarkInitialSyncRealStores measures a new workstation's first sync
// of 10,000 cases and 10,000 articles into the real stores (knowledge base
// with its search index, case store), through "werkbank serve".
func BenchmarkInitialSyncRealStores(b *testing.B) {
	srvData := b.TempDir()
	token, err := wsync.AddUser(context.Background(), srvData, "lea", wsync.RoleTeamLead)
	if err != nil {
		b.Fatal(err)
	}
	url, fp := startServeCLI(b, srvData)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: wsync.PinnedTLS(fp, nil)}}
	push := func(docs []wsync.Doc) {
		body, _ := json.Marshal(wsync.PushRequest{Batch: fmt.Sprintf("seed%d", time.Now().UnixNano()), Replica: "seed", Docs: docs})
		req, _ := http.NewRequest("POST", url+wsync.APIPrefix+"/push", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("seed push: %s", resp.Status)
		}
	}
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	n := uint64(0)
	for start := 0; start < 10_000; start += 500 {
		var docs []wsync.Doc
		for i := start; i < start+500; i++ {
			n++
			a := kb.Article{ID: fmt.Sprintf("art-%05d", i), Title: fmt.Sprintf("Druckauftrag %d hängt", i), Status: kb.StatusPublished,
				Body: strings.Repeat(fmt.Sprintf("Prüfen Sie den Spooler-Dienst auf Server %d und die Rechte des Benutzers.\n\n", i%17), 25),
				Tags: []string{"druck", "spooler"}, Lang: "de", Author: "lea", Created: now}
			ab, _ := json.Marshal(a)
			docs = append(docs, wsync.Doc{Kind: wsync.KindArticle, ID: a.ID, Version: wsync.Version{"seed": n}, Replica: "seed", Body: ab})
			c := cases.Case{ID: fmt.Sprintf("C-2026-%05d-seed", i), Title: fmt.Sprintf("Rechnungslauf %d bricht ab", i), Customer: "ACME", Contract: "Standard",
				Priority: cases.PriorityMedium, Status: cases.StatusInProgress, Level: 2, Created: now, Updated: now,
				Description: strings.Repeat("Beschreibung des Problems beim Kunden. ", 20)}
			for k := range 6 {
				c.Activities = append(c.Activities, cases.Activity{ID: fmt.Sprintf("a%d", k), Kind: cases.KindNote, At: now.Add(time.Duration(k) * time.Minute), By: "lea", Text: "Kunde angerufen, Log gesammelt, Fehler reproduziert."})
			}
			cb, _ := json.Marshal(c)
			docs = append(docs, wsync.Doc{Kind: wsync.KindCase, ID: c.ID, Version: wsync.Version{"seed": n}, Replica: "seed", Body: cb})
			if len(docs) == 500 {
				push(docs)
				docs = nil
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		ctx := context.Background()
		ws, err := workspace.Open(ctx, workspace.Config{Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		client, closeStores, err := OpenSyncClient(ctx, ws, wsync.ClientConfig{Server: url, Token: token, Fingerprint: fp})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := client.Sync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/initial-sync")
		if rep.Pulled != 20_000 || rep.Pushed != 0 {
			b.Fatalf("pulled %d, pushed %d", rep.Pulled, rep.Pushed)
		}
		if err := closeStores(); err != nil {
			b.Fatal(err)
		}
		if err := ws.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
