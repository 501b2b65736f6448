package sync

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestMergeLines(t *testing.T) {
	base := "a\nb\nc\nd\ne\n"
	cases := []struct {
		name, a, b, want string
		conflict         bool
	}{
		{"only a", "a\nB\nc\nd\ne\n", base, "a\nB\nc\nd\ne\n", false},
		{"only b", base, "a\nb\nc\nD\ne\n", "a\nb\nc\nD\ne\n", false},
		{"both apart", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n", "A\nb\nc\nd\nE\n", false},
		{"both same", "a\nX\nc\nd\ne\n", "a\nX\nc\nd\ne\n", "a\nX\nc\nd\ne\n", false},
		{"insert both ends", "top\na\nb\nc\nd\ne\n", "a\nb\nc\nd\ne\nbottom\n", "top\na\nb\nc\nd\ne\nbottom\n", false},
		{"delete and edit apart", "a\nc\nd\ne\n", "a\nb\nc\nd\nE\n", "a\nc\nd\nE\n", false},
		{"overlap", "a\nb\nX\nd\ne\n", "a\nb\nY\nd\ne\n", "a\nb\n<<<<<<< r1\nX\n=======\nY\n>>>>>>> r2\nd\ne\n", true},
		{"no final newline", "a\nb\nc\nd\nx", "a\nb\nc\nd\ny", "a\nb\nc\nd\n<<<<<<< r1\nx\n=======\ny\n>>>>>>> r2\n", true},
	}
	for _, tc := range cases {
		got, conflict := MergeLines(base, tc.a, tc.b, "r1", "r2")
		if got != tc.want || conflict != tc.conflict {
			t.Errorf("%s: got %q (conflict %v), want %q (%v)", tc.name, got, conflict, tc.want, tc.conflict)
		}
	}
}

func TestObjectMerger(t *testing.T) {
	m := ObjectMerger{Fields: map[string]Strategy{"body": Text, "notes": Union, "updated": Latest}}
	base := json.RawMessage(`{"title":"t","body":"1\n2\n3\n","notes":[{"id":"a"}],"updated":"2026-01-01T00:00:00Z","gone":1}`)
	x := Variant{"r1", json.RawMessage(`{"title":"x","body":"1 x\n2\n3\n","notes":[{"id":"a"},{"id":"b"}],"updated":"2026-01-02T00:00:00Z"}`)}
	y := Variant{"r2", json.RawMessage(`{"title":"y","body":"1\n2\n3 y\n","notes":[{"id":"a"},{"id":"c"}],"updated":"2026-01-03T00:00:00Z","gone":1,"new":true}`)}
	got1, c1, err := m.Merge(base, x, y)
	if err != nil {
		t.Fatal(err)
	}
	got2, c2, err := m.Merge(base, y, x)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got1, got2) || len(c1) != len(c2) {
		t.Fatalf("order matters:\n%s\n%s", got1, got2)
	}
	var out struct {
		Title   string
		Body    string
		Notes   []map[string]string
		Updated string
		Gone    *int
		New     bool
	}
	if err := json.Unmarshal(got1, &out); err != nil {
		t.Fatal(err)
	}
	if out.Title != "y" || out.Body != "1 x\n2\n3 y\n" || len(out.Notes) != 3 || out.Updated != "2026-01-03T00:00:00Z" || out.Gone != nil || !out.New {
		t.Fatalf("merged %s", got1)
	}
	if len(c1) != 1 || c1[0].Field != "title" || c1[0].Variants[0].Replica != "r1" {
		t.Fatalf("conflicts %+v", c1)
	}
	if _, _, err := m.Merge(base, Variant{"r1", json.RawMessage(`[1]`)}, y); err == nil {
		t.Fatal("a non-object merged")
	}
}

func TestMergeConflictsKeepsVariants(t *testing.T) {
	got := mergeConflicts(
		[]Conflict{{Field: "title", Variants: []Variant{{"r2", json.RawMessage(`"b"`)}, {"r1", json.RawMessage(`"a"`)}}}},
		[]Conflict{{Field: "title", Variants: []Variant{{"r3", json.RawMessage(`"c"`)}}}, {Field: "status", Variants: []Variant{{"r1", json.RawMessage(`"x"`)}}}},
	)
	if len(got) != 2 || got[0].Field != "status" || len(got[1].Variants) != 3 || got[1].Variants[0].Replica != "r1" {
		t.Fatalf("%+v", got)
	}
}

func FuzzMergeLines(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n")
	f.Add("", "x\n", "y\n")
	f.Add("1\n2\n", "1\n2\n3", "0\n1\n2\n")
	f.Fuzz(func(t *testing.T, base, a, b string) {
		if len(base)+len(a)+len(b) > 4000 {
			return
		}
		got, conflict := MergeLines(base, a, b, "A", "B")
		// Merging with an unchanged side gives the other side.
		if same, c := MergeLines(base, base, b, "A", "B"); same != b || c {
			t.Fatalf("merge(base, base, b) = %q, want %q", same, b)
		}
		if same, c := MergeLines(base, a, a, "A", "B"); same != a || c {
			t.Fatalf("merge(base, a, a) = %q, want %q", same, a)
		}
		if !conflict && strings.Contains(got, "<<<<<<< A\n") && !strings.Contains(a+b+base, "<<<<<<< A") {
			t.Fatalf("markers without conflict: %q", got)
		}
	})
}

func FuzzDecodePushRequest(f *testing.F) {
	ev := []json.RawMessage{json.RawMessage(`{"n":1}`)}
	good, _ := json.Marshal(PushRequest{Batch: "b1", Replica: "r1", Docs: []Doc{
		{Kind: KindArticle, ID: "A", Version: Version{"r1": 1}, Replica: "r1", Body: json.RawMessage(`{"title":"x"}`)},
		{Kind: KindAudit, ID: "S", Version: Version{"r1": 2}, Replica: "r1", Body: json.RawMessage(`{}`), Events: ev, Chain: ChainOf(ev)},
	}})
	f.Add(good)
	f.Add([]byte(`{"batch":"b","replica":"r","docs":[]}`))
	f.Add([]byte(`{"batch":"b","replica":"r","docs":[{"kind":"case","id":"a/b","version":{"r":1},"replica":"r","body":{}}]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodePushRequest(bytes.NewReader(data))
		if err != nil {
			return
		}
		// What decodes is valid and survives a round trip.
		for i := range p.Docs {
			if err := p.Docs[i].Validate(); err != nil {
				t.Fatalf("decoded an invalid doc: %v", err)
			}
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodePushRequest(bytes.NewReader(again)); err != nil {
			t.Fatalf("round trip: %v\n%s", err, again)
		}
	})
}

func FuzzDecodeChangesResponse(f *testing.F) {
	good, _ := json.Marshal(ChangesResponse{Next: 5, Docs: []Doc{{Kind: KindCase, ID: "C", Version: Version{"r": 1}, Replica: "r", Body: json.RawMessage(`{}`), Seq: 5}}})
	f.Add(good)
	f.Add([]byte(`{"docs":[],"next":0,"more":false}`))
	f.Add([]byte(`{"docs":[{"kind":"case","id":"C","version":{"r":1},"replica":"r","body":{},"seq":9}],"next":5,"more":false}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeChangesResponse(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, d := range c.Docs {
			if d.Seq == 0 || d.Seq > c.Next {
				t.Fatalf("sequence %d outside page %d", d.Seq, c.Next)
			}
		}
	})
}

func FuzzDecodeNewCase(f *testing.F) {
	f.Add([]byte(`{"title":"x","priority":"high"}`))
	f.Add([]byte(`{"id":"C-1","title":"x"}`))
	f.Add([]byte(`{"id":"a/b","title":"x"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeNewCase(bytes.NewReader(data))
		if err != nil {
			return
		}
		var title string
		if json.Unmarshal(c["title"], &title) != nil || title == "" {
			t.Fatalf("accepted a case without a title: %s", data)
		}
	})
}

func FuzzDecodePushResponse(f *testing.F) {
	f.Add([]byte(`{"batch":"b","replayed":false,"results":[{"kind":"case","id":"C","status":"accepted","seq":1}]}`), 1)
	f.Add([]byte(`{"batch":"b","replayed":true,"results":[]}`), 0)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		p, err := DecodePushResponse(bytes.NewReader(data), n)
		if err != nil {
			return
		}
		if len(p.Results) != n {
			t.Fatalf("%d results for %d", len(p.Results), n)
		}
	})
}
