package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
)

// blobChunk is how much of a blob one upload request carries.
const blobChunk = 8 << 20

// uploadBlob sends a blob the server lacks, continuing where an earlier
// upload stopped. It reports whether anything was sent.
func (c *Client) uploadBlob(ctx context.Context, sha string) (bool, error) {
	f, err := os.Open(c.blobPath(sha))
	if err != nil {
		return false, fmt.Errorf("upload blob %s: %w", sha, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("upload blob %s: %w", sha, err)
	}
	total := fi.Size()
	offset, done, err := c.remoteOffset(ctx, sha)
	if err != nil || done {
		return false, err
	}
	for {
		n := min(total-offset, blobChunk)
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			return false, fmt.Errorf("upload blob %s: %w", sha, err)
		}
		hdr := http.Header{BlobSizeHeader: {strconv.FormatInt(total, 10)}, "Content-Type": {"application/octet-stream"}}
		q := url.Values{"offset": {strconv.FormatInt(offset, 10)}}
		rctx, cancel := context.WithTimeout(ctx, c.timeout)
		resp, err := c.request(rctx, "PUT", "/blobs/"+sha, q, hdr, io.LimitReader(f, n))
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusConflict {
			cancel()
			// The server holds a different amount than assumed: ask again.
			if offset, done, err = c.remoteOffset(ctx, sha); err != nil || done {
				return true, err
			}
			continue
		}
		if err != nil {
			cancel()
			return false, fmt.Errorf("upload blob %s: %w", sha, err)
		}
		next, perr := strconv.ParseInt(resp.Header.Get(UploadOffsetHeader), 10, 64)
		status := resp.StatusCode
		resp.Body.Close()
		cancel()
		if status == http.StatusCreated || (status == http.StatusOK && perr == nil && next == total) {
			return true, nil
		}
		if perr != nil || next <= offset {
			return true, fmt.Errorf("upload blob %s: server made no progress at offset %d", sha, offset)
		}
		offset = next
	}
}

// remoteOffset asks how much of a blob the server holds (HEAD: 200 when
// complete, else 404 with the Upload-Offset header).
func (c *Client) remoteOffset(ctx context.Context, sha string) (offset int64, done bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	c.mu.Lock()
	conf, hc := c.conf, c.http
	c.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, "HEAD", conf.Server+APIPrefix+"/blobs/"+sha, nil)
	if err != nil {
		return 0, false, fmt.Errorf("blob %s: %w", sha, err)
	}
	req.Header.Set("Authorization", "Bearer "+conf.Token)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, false, fmt.Errorf("blob %s: %w", sha, err)
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return 0, true, nil
	case http.StatusNotFound:
		n, err := strconv.ParseInt(resp.Header.Get(UploadOffsetHeader), 10, 64)
		if err != nil {
			return 0, false, fmt.Errorf("blob %s: the server sent no valid %s", sha, UploadOffsetHeader)
		}
		return n, false, nil
	}
	return 0, false, fmt.Errorf("blob %s: server answered %s", sha, resp.Status)
}

// downloadBlob fetches a blob, resuming a partial file, and verifies it
// by its SHA-256 before it is renamed into place.
func (c *Client) downloadBlob(ctx context.Context, sha string) error {
	part := c.blobPath(sha) + ".part"
	for attempt := 0; ; attempt++ {
		offset := c.blobs.partSize(sha)
		hdr := http.Header{}
		if offset > 0 {
			hdr.Set("Range", fmt.Sprintf("bytes=%d-", offset))
		}
		rctx, cancel := context.WithTimeout(ctx, c.timeout)
		resp, err := c.request(rctx, "GET", "/blobs/"+sha, nil, hdr, nil)
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusRequestedRangeNotSatisfiable && attempt == 0 {
			cancel()
			// Longer than the blob: start over.
			if err := removePart(part); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			cancel()
			return fmt.Errorf("download blob %s: %w", sha, err)
		}
		if resp.StatusCode != http.StatusPartialContent {
			offset = 0 // the server sends it whole
		}
		size, err := writePart(part, offset, resp.Body)
		resp.Body.Close()
		cancel()
		if err != nil {
			return fmt.Errorf("download blob %s: %w", sha, err)
		}
		if err := c.blobs.finish(sha, part); err != nil {
			if errors.Is(err, errBlobHash) && attempt == 0 && offset > 0 {
				continue // a bad partial file: fetched again from the start
			}
			return fmt.Errorf("download blob %s (%d bytes): %w", sha, size, err)
		}
		return nil
	}
}

// writePart writes r into the part file from offset on (truncating it
// there) and syncs it; it returns the part's new size. What arrived before
// an error is kept for the next attempt.
func writePart(part string, offset int64, r io.Reader) (int64, error) {
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", part, err)
	}
	defer f.Close()
	if err := f.Truncate(offset); err != nil {
		return 0, fmt.Errorf("truncate %s: %w", part, err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, fmt.Errorf("seek %s: %w", part, err)
	}
	n, copyErr := io.Copy(f, r)
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("sync %s: %w", part, err)
	}
	if copyErr != nil {
		return offset + n, fmt.Errorf("receive: %w", copyErr)
	}
	return offset + n, nil
}
