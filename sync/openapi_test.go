package sync

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// openAPIDoc is the part of an OpenAPI document the test checks.
type openAPIDoc struct {
	Paths      map[string]map[string]yaml.Node `yaml:"paths"`
	Components struct {
		Schemas   map[string]schema `yaml:"schemas"`
		Responses map[string]struct {
			Content map[string]struct {
				Schema schema `yaml:"schema"`
			} `yaml:"content"`
		} `yaml:"responses"`
	} `yaml:"components"`
}

type schema struct {
	Ref      string   `yaml:"$ref"`
	Required []string `yaml:"required"`
}

type operation struct {
	Responses map[string]struct {
		Ref     string `yaml:"$ref"`
		Content map[string]struct {
			Schema schema `yaml:"schema"`
		} `yaml:"content"`
	} `yaml:"responses"`
}

func loadSpec(t *testing.T) (openAPIDoc, map[string]operation) {
	t.Helper()
	var doc openAPIDoc
	if err := yaml.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	ops := map[string]operation{}
	for path, methods := range doc.Paths {
		for method, node := range methods {
			if method == "parameters" {
				continue
			}
			var op operation
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			ops[strings.ToUpper(method)+" "+path] = op
		}
	}
	return doc, ops
}

// required returns the required properties of a response's JSON schema.
func (d openAPIDoc) required(op operation, status int) (documented bool, req []string) {
	r, ok := op.Responses[strconv.Itoa(status)]
	if !ok {
		return false, nil
	}
	content := r.Content
	if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
		content = d.Components.Responses[name].Content
	}
	s := content["application/json"].Schema
	if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
		s = d.Components.Schemas[name]
	}
	return true, s.Required
}

func TestOpenAPIMatchesServer(t *testing.T) {
	doc, ops := loadSpec(t)
	var served []string
	for _, rt := range routes {
		served = append(served, rt.method+" "+rt.path)
	}
	slices.Sort(served)
	documented := slices.Sorted(maps.Keys(ops))
	if !slices.Equal(served, documented) {
		t.Fatalf("the server's routes and openapi.yaml differ:\nserved     %q\ndocumented %q", served, documented)
	}

	ts := startTestServer(t)
	r := newRaw(t, ts)
	admin := ts.tokens[RoleAdmin]
	blob := []byte("hello blob")
	sum := sha256.Sum256(blob)
	sha := hex.EncodeToString(sum[:])
	requests := []struct {
		method, path, concrete string
		body                   []byte
		hdr                    []string
		want                   int
	}{
		{"GET", "/info", "/info", nil, nil, 200},
		{"GET", "/openapi.yaml", "/openapi.yaml", nil, nil, 200},
		{"POST", "/push", "/push", pushBody(t, "o1", testArticle("A", "draft", 1)), nil, 200},
		{"GET", "/changes", "/changes?since=0&limit=10", nil, nil, 200},
		{"GET", "/docs/{kind}/{id}", "/docs/article/A", nil, nil, 200},
		{"HEAD", "/blobs/{sha256}", "/blobs/" + sha, nil, nil, 404},
		{"PUT", "/blobs/{sha256}", "/blobs/" + sha, blob, []string{BlobSizeHeader, strconv.Itoa(len(blob))}, 201},
		{"GET", "/blobs/{sha256}", "/blobs/" + sha, nil, nil, 200},
		{"POST", "/cases", "/cases", []byte(`{"id":"C-1","title":"from the ticket system"}`), nil, 201},
		{"GET", "/cases", "/cases", nil, nil, 200},
		{"GET", "/cases/{id}", "/cases/C-1", nil, nil, 200},
		{"GET", "/users", "/users", nil, nil, 200},
	}
	checked := map[string]bool{}
	for _, rq := range requests {
		key := rq.method + " " + rq.path
		op, ok := ops[key]
		if !ok {
			t.Fatalf("%s not documented", key)
		}
		checked[key] = true
		for _, token := range []string{admin, ""} {
			status, data, hdr := r.do(rq.method, rq.concrete, token, rq.body, rq.hdr...)
			if token != "" && status != rq.want {
				t.Fatalf("%s: status %d, want %d: %s", key, status, rq.want, data)
			}
			doc, req := doc.required(op, status)
			if !doc {
				t.Errorf("%s answered %d, which openapi.yaml does not document", key, status)
				continue
			}
			if !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || rq.method == "HEAD" {
				continue
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(data, &obj); err != nil {
				t.Fatalf("%s %d: not a JSON object: %s", key, status, data)
			}
			for _, f := range req {
				if _, ok := obj[f]; !ok {
					t.Errorf("%s %d: required property %q missing in %s", key, status, f, data)
				}
			}
		}
	}
	if len(checked) != len(routes) {
		t.Fatalf("checked %d of %d routes", len(checked), len(routes))
	}
	if status, _, _ := r.do("GET", "/users", ts.tokens[RoleSpecialist], nil); status != http.StatusForbidden {
		t.Fatalf("specialist listed users: %d", status)
	}
}
