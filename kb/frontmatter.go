package kb

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxFileSize is the largest Markdown file ParseMarkdown and Import accept.
const MaxFileSize = 10 << 20

// ParseMarkdown reads an article from a Markdown file: YAML front matter
// between "---" lines (keys as in Article's yaml tags), then the body. The
// title comes from the front matter, else from the first heading (level 1
// preferred), else from the file name. name is used in errors and for that
// fallback; the id is left empty unless the front matter has one.
//
// Errors are ImportError values naming the file and, where it applies,
// the line. Unknown front-matter keys are ignored here; Import reports them
// as warnings.
func ParseMarkdown(name string, data []byte) (Article, error) {
	a, _, err := parseMarkdown(name, data)
	return a, err
}

// parseMarkdown is ParseMarkdown that also returns warnings about unknown
// front-matter keys.
func parseMarkdown(name string, data []byte) (Article, []ImportError, error) {
	fail := func(line int, format string, args ...any) (Article, []ImportError, error) {
		return Article{}, nil, ImportError{Path: name, Line: line, Err: fmt.Errorf(format, args...)}
	}
	if len(data) > MaxFileSize {
		return fail(0, "file is %d bytes, more than the limit of %d MiB", len(data), MaxFileSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return fail(lineAt(data, invalidUTF8At(data)), "not UTF-8 text; convert the file to UTF-8 and import it again")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fail(lineAt(data, i), "contains NUL bytes; not a text file")
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if strings.TrimSpace(text) == "" {
		return fail(0, "empty file")
	}
	var a Article
	var warns []ImportError
	body := text
	if first, rest, _ := strings.Cut(text, "\n"); strings.TrimRight(first, " \t") == "---" {
		fm, after, ok := cutFrontMatter(rest)
		if !ok {
			return fail(1, "front matter starts here but no closing --- line follows")
		}
		var err error
		if warns, err = decodeFrontMatter(name, fm, &a); err != nil {
			return Article{}, nil, err
		}
		body = after
	}
	a.Body = body
	if a.Title == "" {
		a.Title = firstHeading(body)
	}
	if strings.TrimSpace(a.Title) == "" {
		a.Title = strings.TrimSuffix(path.Base(strings.ReplaceAll(name, "\\", "/")), path.Ext(name))
	}
	normalize(&a)
	return a, warns, nil
}

// cutFrontMatter splits the text after the opening "---" line into the
// YAML and the body after the closing "---" (or "...") line.
func cutFrontMatter(rest string) (fm, body string, ok bool) {
	off := 0
	for off <= len(rest) {
		line, _, _ := strings.Cut(rest[off:], "\n")
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			end := min(off+len(line)+1, len(rest))
			return rest[:off], rest[end:], true
		}
		off += len(line) + 1
	}
	return "", "", false
}

// yamlLine finds the line number in a yaml.v3 error message.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlParserError matches the yaml.v3 parser errors, whose line numbers
// count from 0 (its scanner errors count from 1).
var yamlParserError = regexp.MustCompile(`did not find expected (key|node content|'-' indicator|',' or|<document start>)`)

// decodeFrontMatter decodes the YAML front matter fm of file name into a.
// Line numbers in errors count from the file's first line (the opening
// "---"), so the YAML's first line is line 2.
func decodeFrontMatter(name, fm string, a *Article) ([]ImportError, error) {
	fail := func(line int, err error) error {
		return ImportError{Path: name, Line: line, Err: err}
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(fm), &root); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			line = n + 1
			if yamlParserError.MatchString(err.Error()) {
				// yaml.v3 counts lines from 0 in parser (not scanner)
				// errors.
				line++
			}
		}
		msg := strings.TrimPrefix(yamlLine.ReplaceAllString(err.Error(), ""), "yaml: ")
		msg = strings.TrimLeft(msg, ": ")
		return nil, fail(line, fmt.Errorf("front matter is not valid YAML: %s", msg))
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fail(doc.Line+1, errors.New("front matter must be \"key: value\" lines"))
	}
	var warns []ImportError
	seen := make(map[string]int)
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		line := k.Line + 1
		key := strings.ToLower(k.Value)
		if prev, dup := seen[key]; dup {
			return nil, fail(line, fmt.Errorf("key %q already defined on line %d", k.Value, prev))
		}
		seen[key] = line
		var err error
		switch key {
		case "id":
			a.ID, err = scalar(v)
			if err == nil && a.ID != "" && !ValidID(a.ID) {
				err = fmt.Errorf("id %q: use 1 to %d letters, digits, '.', '_' or '-', starting with a letter or digit", a.ID, maxIDLen)
			}
		case "title":
			a.Title, err = scalar(v)
		case "product":
			a.Product, err = scalar(v)
		case "module":
			a.Module, err = scalar(v)
		case "lang":
			a.Lang, err = scalar(v)
		case "author":
			a.Author, err = scalar(v)
		case "reviewer":
			a.Reviewer, err = scalar(v)
		case "source":
			a.Source, err = scalar(v)
		case "status":
			var s string
			s, err = scalar(v)
			a.Status = Status(strings.ToLower(s))
			if err == nil && s != "" && !a.Status.Valid() {
				err = fmt.Errorf("status %q is not one of draft, review, published, archived", s)
			}
		case "tags":
			a.Tags, err = list(v, true)
		case "versions":
			a.Versions, err = list(v, true)
		case "cases":
			a.Cases, err = list(v, true)
		case "signatures":
			a.Signatures, err = list(v, false)
		case "created":
			a.Created, err = timestamp(v)
		case "updated":
			a.Updated, err = timestamp(v)
		case "rev":
			// The revision number belongs to the store that exported the
			// file; the importing store counts its own.
		default:
			warns = append(warns, ImportError{Path: name, Line: line, Err: fmt.Errorf("unknown front-matter key %q ignored", k.Value)})
			continue
		}
		if err != nil {
			return nil, fail(v.Line+1, fmt.Errorf("%s: %w", k.Value, err))
		}
	}
	return warns, nil
}

// scalar reads a single YAML value as text ("" for null).
func scalar(n *yaml.Node) (string, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return "", errors.New("want a single value")
	}
	if n.Tag == "!!null" {
		return "", nil
	}
	return n.Value, nil
}

// list reads a YAML list of values; a single value is a list of one, or,
// with commas set, a comma-separated list.
func list(n *yaml.Node, commas bool) ([]string, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.ScalarNode:
		s, err := scalar(n)
		if err != nil || s == "" {
			return nil, err
		}
		if commas {
			return strings.Split(s, ","), nil
		}
		return []string{s}, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, item := range n.Content {
			s, err := scalar(item)
			if err != nil {
				return nil, fmt.Errorf("list item on line %d: %w", item.Line+1, err)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New("want a list of values")
}

// timestamp reads a YAML date or date and time.
func timestamp(n *yaml.Node) (time.Time, error) {
	s, err := scalar(n)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (use 2006-01-02 or 2006-01-02T15:04:05Z)", s)
}

// atxHeading matches an ATX heading: level in group 1, text in group 2.
var atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)

// firstHeading returns the text of the first level-1 heading of a Markdown
// body, else of its first heading of any level, else "". Fenced code is
// skipped.
func firstHeading(body string) string {
	var first string
	fence := ""
	prev := ""
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			prev = ""
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			prev = ""
			continue
		}
		level, text := 0, ""
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			level, text = len(m[1]), m[2]
		} else if prev != "" && t != "" && strings.Trim(t, "=") == "" {
			level, text = 1, prev
		} else if prev != "" && len(t) > 1 && strings.Trim(t, "-") == "" {
			level, text = 2, prev
		}
		text = strings.TrimSpace(strings.ReplaceAll(text, "`", ""))
		if text != "" {
			if level == 1 {
				return text
			}
			if first == "" {
				first = text
			}
		}
		prev = t
		if level > 0 {
			prev = ""
		}
	}
	return first
}

// invalidUTF8At returns the offset of the first byte of data that is not
// valid UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// MarshalMarkdown writes a as a Markdown file with YAML front matter that
// ParseMarkdown (and Import) read back to the same article.
func MarshalMarkdown(a Article) ([]byte, error) {
	body := normalizeBody(a.Body)
	a.Body = ""
	fm, err := yaml.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("marshal front matter of %s: %w", a.ID, err)
	}
	var b bytes.Buffer
	b.Grow(len(fm) + len(body) + 16)
	b.WriteString("---\n")
	b.Write(fm)
	b.WriteString("---\n")
	if body != "" {
		b.WriteString("\n")
		b.WriteString(body)
		b.WriteString("\n")
	}
	return b.Bytes(), nil
}
