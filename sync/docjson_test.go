package sync

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// TestEncodeChanges checks that a page encoded with copied bodies decodes
// to the same page as one encoded by encoding/json, as writeJSON does.
func TestEncodeChanges(t *testing.T) {
	ev := []json.RawMessage{json.RawMessage(`{"n":1}`), json.RawMessage(`{"t":"<b> & ä"}`)}
	page := ChangesResponse{Next: 9, More: true, Docs: []Doc{
		{Kind: KindAudit, ID: "S", Version: Version{"r": 1}, Replica: "r", Body: json.RawMessage(`{"host":"h1","x":[1,2]}`), Events: ev, Chain: ChainOf(ev), Seq: 3, Author: "anna"},
		{Kind: KindCase, ID: "T \"quoted\"", Version: Version{"r": 3, "q": 1}, Replica: "r", Deleted: true, Seq: 4, Author: "bert"},
		{Kind: KindCase, ID: "C", Version: Version{"r": 2}, Replica: "r", Body: json.RawMessage(`{"title":"<ä>"}`), Blobs: []string{"ab"}, Conflicts: []Conflict{{Field: "title", Variants: []Variant{{Replica: "r"}}}}, Seq: 9},
	}}
	for _, p := range []ChangesResponse{page, {Docs: []Doc{}, Next: 2}} {
		raw, err := encodeChanges(p)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf) // as writeJSON encodes
		enc.SetEscapeHTML(false)
		if err := enc.Encode(p); err != nil {
			t.Fatal(err)
		}
		want := buf.Bytes()
		var got, exp ChangesResponse
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		if err := json.Unmarshal(want, &exp); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("encoded\n%s\nwant\n%s", raw, want)
		}
	}
}
