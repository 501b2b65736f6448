package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LogDir is a Replica of append-only line files in a folder: the audit
// logs (<data>/audit/<case>/<session>.jsonl). Each file is one document whose events are
// its complete lines, kept byte for byte; the server refuses any change to
// lines it has. A file is never shortened or rewritten locally: a received
// version must extend the local lines.
type LogDir struct {
	// KindName is the document kind, e.g. KindAudit.
	KindName string
	// Dir is the folder; Match selects the files by their path relative
	// to it (slash-separated), e.g. "*/*.jsonl".
	Dir   string
	Match string
}

// KindRecording is the kind of session recordings (asciicast files).
const KindRecording = "recording"

// AuditLogs is the replica of the audit logs in dir (<data>/audit):
// <case>/<session>.jsonl.
func AuditLogs(dir string) *LogDir {
	return &LogDir{KindName: KindAudit, Dir: dir, Match: "*/*.jsonl"}
}

// logBody is the body of a line file's document: where it lives.
type logBody struct {
	Path string `json:"path"`
}

// Kind returns the document kind.
func (l *LogDir) Kind() string { return l.KindName }

// idOf turns a relative path into a document id ("/" becomes ":").
func idOf(rel string) string { return strings.ReplaceAll(rel, "/", ":") }

// pathOf checks an id and returns the file it names inside l.Dir.
func (l *LogDir) pathOf(id string) (string, error) {
	rel := strings.ReplaceAll(id, ":", "/")
	if !fs.ValidPath(rel) || strings.Contains(rel, "\\") {
		return "", fmt.Errorf("%s %q: not a path inside the folder", l.KindName, id)
	}
	if ok, err := filepath.Match(l.Match, rel); err != nil || !ok {
		return "", fmt.Errorf("%s %q: does not match %s", l.KindName, id, l.Match)
	}
	return filepath.Join(l.Dir, filepath.FromSlash(rel)), nil
}

// readLines returns the complete lines of a file as events (JSON strings,
// so that every byte survives); a last line without its newline is still
// being written and left for later.
func readLines(path string) ([]json.RawMessage, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []json.RawMessage
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return out, nil
		}
		ev, err := json.Marshal(string(data[:i]))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, ev)
		data = data[i+1:]
	}
}

// State summarises the matching files by path, size and modification
// time (StateReporter), so that unchanged folders are not read again.
func (l *LogDir) State(ctx context.Context) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(l.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == l.Dir {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return ctx.Err()
		}
		rel, err := filepath.Rel(l.Dir, path)
		if err != nil {
			return err
		}
		if ok, _ := filepath.Match(l.Match, filepath.ToSlash(rel)); !ok {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", filepath.ToSlash(rel), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("state of %s: %w", l.Dir, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Scan lists every matching file with its complete lines.
func (l *LogDir) Scan(ctx context.Context, fn func(Item) error) error {
	err := filepath.WalkDir(l.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == l.Dir {
				return filepath.SkipDir
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(l.Dir, path)
		if err != nil || d.IsDir() {
			return err
		}
		rel = filepath.ToSlash(rel)
		if ok, _ := filepath.Match(l.Match, rel); !ok || !ValidID(idOf(rel)) {
			return nil
		}
		events, err := readLines(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		body, err := json.Marshal(logBody{Path: rel})
		if err != nil {
			return fmt.Errorf("encode %s: %w", rel, err)
		}
		return fn(Item{ID: idOf(rel), Body: body, Events: events})
	})
	if err != nil {
		return fmt.Errorf("scan %s: %w", l.Dir, err)
	}
	return nil
}

// Put writes received files durably. A file that exists locally must be a
// prefix of the received one (then it is extended) or extend it (then the
// local file is kept as it is); anything else is refused.
func (l *LogDir) Put(ctx context.Context, items []Item) ([]Item, error) {
	out := make([]Item, len(items))
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		path, err := l.pathOf(it.ID)
		if err != nil {
			return nil, err
		}
		local, err := readLines(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		events := it.Events
		switch {
		case isPrefix(local, events):
			if err := writeLineFile(path, events); err != nil {
				return nil, err
			}
		case isPrefix(events, local):
			events = local
		default:
			return nil, fmt.Errorf("%s %s: the local file differs from the received one in lines it already has; it is left unchanged", l.KindName, it.ID)
		}
		body, err := json.Marshal(logBody{Path: strings.ReplaceAll(it.ID, ":", "/")})
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", it.ID, err)
		}
		out[i] = Item{ID: it.ID, Body: body, Events: events}
	}
	return out, nil
}

func isPrefix(short, long []json.RawMessage) bool {
	if len(short) > len(long) {
		return false
	}
	for i := range short {
		if !bytes.Equal(short[i], long[i]) {
			return false
		}
	}
	return true
}

// LogBytes returns the file content of a line file's events: each line
// with its line end, byte for byte as LogDir read it.
func LogBytes(events []json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	for _, ev := range events {
		var line string
		if err := json.Unmarshal(ev, &line); err != nil {
			return nil, fmt.Errorf("an event is not a line: %w", err)
		}
		if strings.Contains(line, "\n") {
			return nil, errors.New("an event holds a line break")
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// writeLineFile writes the events as lines into path, atomically and durably.
func writeLineFile(path string, events []json.RawMessage) error {
	data, err := LogBytes(events)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	return writeDurable(path, data)
}

// Delete refuses: audit logs and recordings are never deleted.
func (l *LogDir) Delete(_ context.Context, ids []string) error {
	return fmt.Errorf("%s files are never deleted (%d asked)", l.KindName, len(ids))
}

// Merge keeps the body (the path, the same on both sides); the engine
// merges the lines themselves.
func (l *LogDir) Merge(_ context.Context, _ json.RawMessage, a, b Variant) (json.RawMessage, []Conflict, error) {
	if a.Replica > b.Replica {
		a = b
	}
	return a.Value, nil, nil
}
