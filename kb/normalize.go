package kb

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// maxIDLen is the longest article id.
const maxIDLen = 128

// ValidID reports whether id can be an article id: 1 to 128 ASCII letters,
// digits, '.', '_' or '-', starting with a letter or digit. Ids become file
// names on export, so they stay portable.
func ValidID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// slugFold spells German letters without diacritics the German way.
var slugFold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "ae", "Ö", "oe", "Ü", "ue", "ß", "ss")

// Slug turns a title or path into an id: lower case, umlauts spelt out
// (ä → ae), every run of other characters a single '-', at most 80
// characters. It returns "" when nothing usable is left.
func Slug(s string) string {
	return slug(s, 80)
}

// slug is Slug with a length limit.
func slug(s string, limit int) string {
	s = slugFold.Replace(s)
	var b strings.Builder
	dash := false
	for _, r := range s {
		r = unicode.ToLower(r)
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			if f := foldLatin(r); f != "" {
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				dash = false
				b.WriteString(f)
				continue
			}
			dash = true
		}
		if b.Len() >= limit {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// foldLatin spells common accented Latin letters without the accent.
func foldLatin(r rune) string {
	const from, to = "àáâãåçèéêëìíîïñòóôõøùúûýÿ", "aaaaaceeeeiiiinooooouuuyy"
	if i := strings.IndexRune(from, r); i >= 0 {
		n := utf8.RuneCountInString(from[:i])
		return to[n : n+1]
	}
	return ""
}

// sourceID derives an article id from its source path: the slug of the
// path without the .md extension.
// A slug longer than 100 characters is cut to 90 and completed with a hash
// of the whole path, so that long paths sharing a start stay apart.
func sourceID(source string) string {
	full := slug(strings.TrimSuffix(source, path.Ext(source)), 4*maxIDLen)
	if len(full) <= 100 {
		return full
	}
	return strings.TrimRight(full[:90], "-") + "-" + hashID(source)
}

// hashID is a short, stable hash of s for ids.
func hashID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// newID returns an unused id for a new article titled title.
func newID(tx *bolt.Tx, title string) (string, error) {
	base := Slug(title)
	if base == "" {
		base = "article"
	}
	if !hasArticle(tx, base) {
		return base, nil
	}
	for range 10 {
		var r [5]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", fmt.Errorf("generate id: %w", err)
		}
		id := base + "-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(r[:]))
		if !hasArticle(tx, id) {
			return id, nil
		}
	}
	return "", fmt.Errorf("generate id for %q: no free id found", title)
}

// normalizeBody makes line ends LF and trims leading blank lines and
// trailing white space, so that a body reads back the same after export
// and import.
func normalizeBody(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	body = strings.TrimRight(body, " \t\n")
	for {
		nl := strings.IndexByte(body, '\n')
		if nl < 0 || strings.TrimSpace(body[:nl]) != "" {
			break
		}
		body = body[nl+1:]
	}
	if strings.TrimSpace(body) == "" {
		return ""
	}
	return body
}

// cleanList trims the entries of a list, drops empty ones and duplicates,
// keeping the order.
func cleanList(l []string) []string {
	var out []string
	for _, v := range l {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// normalize cleans the user-editable fields of a.
func normalize(a *Article) {
	a.ID = strings.TrimSpace(a.ID)
	a.Title = strings.Join(strings.Fields(a.Title), " ")
	a.Body = normalizeBody(a.Body)
	a.Tags = cleanList(a.Tags)
	a.Versions = cleanList(a.Versions)
	a.Signatures = cleanList(a.Signatures)
	a.Cases = cleanList(a.Cases)
	a.Product = strings.TrimSpace(a.Product)
	a.Module = strings.TrimSpace(a.Module)
	a.Lang = strings.TrimSpace(a.Lang)
	a.Author = strings.TrimSpace(a.Author)
	a.Reviewer = strings.TrimSpace(a.Reviewer)
	a.Source = strings.TrimSpace(a.Source)
}

// sameContent reports whether a and b hold the same content, ignoring the
// bookkeeping (revision and timestamps).
func sameContent(a, b Article) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Body == b.Body &&
		slices.Equal(a.Tags, b.Tags) && a.Product == b.Product && a.Module == b.Module &&
		slices.Equal(a.Versions, b.Versions) && a.Status == b.Status && a.Lang == b.Lang &&
		a.Author == b.Author && a.Reviewer == b.Reviewer &&
		slices.Equal(a.Signatures, b.Signatures) && slices.Equal(a.Cases, b.Cases) &&
		a.Source == b.Source
}
