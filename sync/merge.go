package sync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Strategy says how ObjectMerger reconciles one field that both sides
// changed.
type Strategy int

// The merge strategies for a field changed on both sides.
const (
	// KeepBoth keeps both values side by side as a Conflict; the document
	// holds the value of the replica with the greater id.
	KeepBoth Strategy = iota
	// Text merges a string field line by line (diff3); overlapping changes
	// stay in the text between conflict markers and become a Conflict.
	Text
	// Union merges an array: every element of either side, once. Objects
	// with an "id" field are identified by it, other elements by their JSON.
	Union
	// Latest takes the greater value: the later RFC 3339 time, else the
	// greater number or string.
	Latest
)

// ObjectMerger merges JSON objects field by field: a field changed on one
// side only takes that change; a field changed on both sides is merged by
// its Strategy (KeepBoth when not listed). It is deterministic: the result
// depends only on base and on the two sides ordered by replica id.
type ObjectMerger struct {
	Fields map[string]Strategy
}

// Merge merges a and b, both edited from base (nil when the two were created
// independently). The sides may come in any order.
func (m ObjectMerger) Merge(base json.RawMessage, a, b Variant) (json.RawMessage, []Conflict, error) {
	if a.Replica > b.Replica {
		a, b = b, a
	}
	bo, err := objectOf(base)
	if err != nil {
		return nil, nil, fmt.Errorf("merge base: %w", err)
	}
	ao, err := objectOf(a.Value)
	if err != nil {
		return nil, nil, fmt.Errorf("merge %s: %w", a.Replica, err)
	}
	bb, err := objectOf(b.Value)
	if err != nil {
		return nil, nil, fmt.Errorf("merge %s: %w", b.Replica, err)
	}
	keys := map[string]bool{}
	for _, o := range []map[string]json.RawMessage{bo, ao, bb} {
		for k := range o {
			keys[k] = true
		}
	}
	out := map[string]json.RawMessage{}
	var conflicts []Conflict
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		o, x, y := bo[k], ao[k], bb[k]
		var v json.RawMessage
		switch {
		case jsonEqual(x, y), jsonEqual(o, y):
			v = x
		case jsonEqual(o, x):
			v = y
		default:
			var c *Conflict
			v, c = m.mergeField(k, o, Variant{a.Replica, x}, Variant{b.Replica, y})
			if c != nil {
				conflicts = append(conflicts, *c)
			}
		}
		if v != nil {
			out[k] = v
		}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, nil, fmt.Errorf("encode merged document: %w", err)
	}
	return body, conflicts, nil
}

// mergeField merges one field that both sides changed; x belongs to the
// replica with the smaller id.
func (m ObjectMerger) mergeField(field string, o json.RawMessage, x, y Variant) (json.RawMessage, *Conflict) {
	both := &Conflict{Field: field, Variants: []Variant{x, y}}
	switch m.Fields[field] {
	case Text:
		var os, xs, ys string
		if json.Unmarshal(orNull(o), &os) != nil || json.Unmarshal(x.Value, &xs) != nil || json.Unmarshal(y.Value, &ys) != nil {
			return y.Value, both
		}
		merged, conflict := MergeLines(os, xs, ys, x.Replica, y.Replica)
		v, _ := json.Marshal(merged) // a string always encodes
		if conflict {
			return v, both
		}
		return v, nil
	case Union:
		if v, ok := unionArrays(o, x.Value, y.Value); ok {
			return v, nil
		}
	case Latest:
		if later(x.Value, y.Value) {
			return x.Value, nil
		}
		return y.Value, nil
	}
	return y.Value, both
}

// unionArrays returns the elements of x, then those of y that x lacks;
// elements that base had and one side removed stay removed.
func unionArrays(base, x, y json.RawMessage) (json.RawMessage, bool) {
	var o, xs, ys []json.RawMessage
	if json.Unmarshal(orNull(base), &o) != nil || json.Unmarshal(orNull(x), &xs) != nil || json.Unmarshal(orNull(y), &ys) != nil {
		return nil, false
	}
	in := func(list []json.RawMessage) map[string]bool {
		s := map[string]bool{}
		for _, e := range list {
			s[elementKey(e)] = true
		}
		return s
	}
	inBase, inX, inY := in(o), in(xs), in(ys)
	out := []json.RawMessage{}
	seen := map[string]bool{}
	for _, list := range [][]json.RawMessage{xs, ys} {
		for _, e := range list {
			k := elementKey(e)
			if seen[k] || (inBase[k] && !(inX[k] && inY[k])) {
				continue
			}
			seen[k] = true
			out = append(out, e)
		}
	}
	v, err := json.Marshal(out)
	return v, err == nil
}

// elementKey identifies an array element: its "id" field, else its JSON.
func elementKey(e json.RawMessage) string {
	var withID struct {
		ID *json.RawMessage `json:"id"`
	}
	if bytes.HasPrefix(bytes.TrimSpace(e), []byte("{")) && json.Unmarshal(e, &withID) == nil && withID.ID != nil {
		return "id:" + string(*withID.ID)
	}
	var c bytes.Buffer
	if json.Compact(&c, e) != nil {
		return "raw:" + string(e)
	}
	return "raw:" + c.String()
}

// later reports whether x is greater than y: as times, numbers or strings.
func later(x, y json.RawMessage) bool {
	var xs, ys string
	if json.Unmarshal(x, &xs) == nil && json.Unmarshal(y, &ys) == nil {
		xt, errX := time.Parse(time.RFC3339Nano, xs)
		yt, errY := time.Parse(time.RFC3339Nano, ys)
		if errX == nil && errY == nil {
			return xt.After(yt)
		}
		return xs > ys
	}
	var xn, yn float64
	if json.Unmarshal(x, &xn) == nil && json.Unmarshal(y, &yn) == nil {
		return xn > yn
	}
	return false
}

// objectOf decodes a JSON object; nil or null is the empty object.
func objectOf(raw json.RawMessage) (map[string]json.RawMessage, error) {
	o := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return o, nil
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if o == nil {
		o = map[string]json.RawMessage{}
	}
	return o, nil
}

func orNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}

// jsonEqual compares two JSON values, ignoring insignificant white space;
// a missing value equals null.
func jsonEqual(x, y json.RawMessage) bool {
	x, y = orNull(x), orNull(y)
	if bytes.Equal(x, y) {
		return true
	}
	var cx, cy bytes.Buffer
	if json.Compact(&cx, x) != nil || json.Compact(&cy, y) != nil {
		return false
	}
	return bytes.Equal(cx.Bytes(), cy.Bytes())
}

// mergeConflicts combines the unresolved conflicts of two sides with the
// new ones, one entry per field, variants ordered by replica id.
func mergeConflicts(lists ...[]Conflict) []Conflict {
	byField := map[string]map[string]json.RawMessage{}
	for _, list := range lists {
		for _, c := range list {
			if byField[c.Field] == nil {
				byField[c.Field] = map[string]json.RawMessage{}
			}
			for _, v := range c.Variants {
				byField[c.Field][v.Replica] = v.Value
			}
		}
	}
	var out []Conflict
	for _, f := range slices.Sorted(maps.Keys(byField)) {
		c := Conflict{Field: f}
		for _, r := range slices.Sorted(maps.Keys(byField[f])) {
			c.Variants = append(c.Variants, Variant{Replica: r, Value: byField[f][r]})
		}
		out = append(out, c)
	}
	return out
}
