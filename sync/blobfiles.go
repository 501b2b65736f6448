package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// BlobFiles is a Replica of files that never change once written, such as
// the session recordings (<data>/recordings/*.cast). Each file is a small
// document (its name, size and SHA-256) whose content travels as a blob:
// resumable and verified by its hash. A file still being written (changed
// within MinAge) waits for a later round.
type BlobFiles struct {
	// KindName is the document kind; Dir and Match select the files (Match
	// against the name relative to Dir, slash-separated).
	KindName string
	Dir      string
	Match    string
	// BlobDir is the client's blob folder (ClientConfig.BlobDir): the
	// content is copied there to be sent, and taken from there when it
	// arrives.
	BlobDir string
	// MinAge is how long a file must be unchanged to be sent.
	MinAge time.Duration
}

// Recordings is the replica of the session recordings in dir
// (<data>/recordings/<session>[-N].cast), their content sent as blobs
// through blobDir.
func Recordings(dir, blobDir string) *BlobFiles {
	return &BlobFiles{KindName: KindRecording, Dir: dir, Match: "*.cast", BlobDir: blobDir, MinAge: 30 * time.Second}
}

// fileBody is the document of one file.
type fileBody struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Kind returns the document kind.
func (f *BlobFiles) Kind() string { return f.KindName }

// State summarises the files by path, size and time (StateReporter).
func (f *BlobFiles) State(ctx context.Context) (string, error) {
	return (&LogDir{Dir: f.Dir, Match: f.Match}).State(ctx)
}

// Scan lists every settled file, hashing it and making sure its content
// is in the blob folder.
func (f *BlobFiles) Scan(ctx context.Context, fn func(Item) error) error {
	err := filepath.WalkDir(f.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == f.Dir {
				return filepath.SkipDir
			}
			return err
		}
		if err := ctx.Err(); err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(f.Dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if ok, _ := filepath.Match(f.Match, rel); !ok || !ValidID(idOf(rel)) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if time.Since(fi.ModTime()) < f.MinAge {
			return nil // still being written
		}
		sha, err := fileSHA256(path)
		if err != nil {
			return err
		}
		if err := f.intoBlobs(path, sha); err != nil {
			return err
		}
		body, err := json.Marshal(fileBody{Path: rel, Size: fi.Size(), SHA256: sha})
		if err != nil {
			return fmt.Errorf("encode %s: %w", rel, err)
		}
		return fn(Item{ID: idOf(rel), Body: body, Blobs: []string{sha}})
	})
	if err != nil {
		return fmt.Errorf("scan %s: %w", f.Dir, err)
	}
	return nil
}

// intoBlobs puts the content of path into the blob folder under sha.
func (f *BlobFiles) intoBlobs(path, sha string) error {
	dst := filepath.Join(f.BlobDir, sha)
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	if err := os.MkdirAll(f.BlobDir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", f.BlobDir, err)
	}
	return copyFile(path, dst)
}

// copyFile makes dst a durable copy of src (a copy, not a link: the blob
// folder must keep its content even when the file is later changed).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy to %s: %w", dst, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("copy to %s: %w", dst, err)
	}
	return syncDir(filepath.Dir(dst))
}

// Put makes each received file appear in the folder, from the blob the
// engine fetched before; an existing file with other content is refused.
func (f *BlobFiles) Put(ctx context.Context, items []Item) ([]Item, error) {
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var b fileBody
		if err := json.Unmarshal(it.Body, &b); err != nil || !ValidBlob(b.SHA256) || idOf(b.Path) != it.ID {
			return nil, fmt.Errorf("%s %s: not a file document", f.KindName, it.ID)
		}
		path, err := (&LogDir{KindName: f.KindName, Match: f.Match, Dir: f.Dir}).pathOf(it.ID)
		if err != nil {
			return nil, err
		}
		if sha, err := fileSHA256(path); err == nil {
			if sha != b.SHA256 {
				return nil, fmt.Errorf("%s %s: a different file of that name exists here; it is left unchanged", f.KindName, it.ID)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
		}
		if err := copyFile(filepath.Join(f.BlobDir, b.SHA256), path); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// Delete refuses: these files are never deleted.
func (f *BlobFiles) Delete(_ context.Context, ids []string) error {
	return fmt.Errorf("%s files are never deleted (%d asked)", f.KindName, len(ids))
}

// Merge keeps the variant of the replica with the greater id and both side
// by side (two different files of one name should not happen).
func (f *BlobFiles) Merge(_ context.Context, base json.RawMessage, a, b Variant) (json.RawMessage, []Conflict, error) {
	return ObjectMerger{}.Merge(base, a, b)
}
