package remote

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/pkg/sftp"
)

// globRemote expands pattern (path.Match syntax, in any element) on the
// SFTP server. Unlike sftp.Client.Glob it passes errors on: a cut
// connection must not read as "no file matches". Folders that do not exist
// or cannot be read are skipped; when nothing matches, a skipped folder's
// permission error is the error.
func globRemote(sc *sftp.Client, pattern string) ([]string, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, err // path.ErrBadPattern
	}
	var denied error
	matches, err := globIn(sc, pattern, &denied)
	if err != nil {
		return nil, err
	}
	if len(matches) == 0 && denied != nil {
		return nil, denied
	}
	slices.Sort(matches)
	return matches, nil
}

func globIn(sc *sftp.Client, pattern string, denied *error) ([]string, error) {
	if !hasGlobMeta(pattern) {
		if _, err := sc.Lstat(pattern); err != nil {
			return nil, skipMissing(err, denied)
		}
		return []string{pattern}, nil
	}
	dir, file := path.Split(pattern)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" && strings.HasPrefix(pattern, "/") {
		dir = "/"
	} else if dir == "" {
		dir = "."
	}
	dirs := []string{dir}
	if hasGlobMeta(dir) {
		var err error
		if dirs, err = globIn(sc, dir, denied); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, d := range dirs {
		entries, err := sc.ReadDir(d)
		if err != nil {
			if err := skipMissing(err, denied); err != nil {
				return nil, err
			}
			continue
		}
		for _, e := range entries {
			if ok, _ := path.Match(file, e.Name()); ok { // the pattern was checked
				out = append(out, path.Join(d, e.Name()))
			}
		}
	}
	return out, nil
}

// skipMissing drops a missing path, notes a permission error in denied,
// and returns any other error (a cut connection, a broken server).
func skipMissing(err error, denied *error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case errors.Is(err, fs.ErrPermission):
		if *denied == nil {
			*denied = describeRemoteError(err)
		}
		return nil
	default:
		var se *sftp.StatusError
		if errors.As(err, &se) && se.FxCode() == sftp.ErrSSHFxFailure {
			return nil // e.g. "not a directory" on servers that say so
		}
		return err
	}
}

func hasGlobMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }
