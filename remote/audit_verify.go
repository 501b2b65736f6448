package remote

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/crypto/ssh"
)

// ProblemKind names what is wrong with an audit log.
type ProblemKind string

// The kinds of problems Verify reports.
const (
	ProblemChanged   ProblemKind = "changed"            // an event's content differs from what was chained or signed
	ProblemDeleted   ProblemKind = "deleted"            // events are missing from the middle or the start
	ProblemReordered ProblemKind = "reordered"          // events are out of order or duplicated
	ProblemTruncated ProblemKind = "truncated"          // the log ends without its signed end event
	ProblemSignature ProblemKind = "bad signature"      // a checkpoint or end signature does not verify
	ProblemUntrusted ProblemKind = "untrusted key"      // signed by a key that is not trusted
	ProblemRecording ProblemKind = "recording mismatch" // a shell recording is missing or differs from its hash
)

// Problem is one finding, located by line (1-based) and sequence number
// (-1 when unknown).
type Problem struct {
	Kind   ProblemKind
	Line   int
	Seq    int64
	Detail string
}

// String says what is wrong where, e.g. "deleted (line 4, seq 4): …".
func (p Problem) String() string {
	loc := fmt.Sprintf("line %d", p.Line)
	if p.Seq >= 0 {
		loc += fmt.Sprintf(", seq %d", p.Seq)
	}
	return fmt.Sprintf("%s (%s): %s", p.Kind, loc, p.Detail)
}

// VerifyResult is the outcome for one audit log.
type VerifyResult struct {
	File    string
	Session string
	Case    string
	// Who, Target, Reason and Started come from the start event.
	Who, Target, Reason, Started string
	// Events is the number of events read.
	Events int
	// Signer is the SHA-256 fingerprint of the key named in the start event.
	Signer string
	// Ended is true when the log closes with a valid signed end event.
	Ended bool
	// Recordings are the recording files the log names (in RecordingsDir).
	Recordings []string
	Problems   []Problem
}

// OK reports whether the chain, every signature and every recording check.
func (r *VerifyResult) OK() bool { return len(r.Problems) == 0 }

// VerifyOptions says where recordings are and which signing keys to trust.
type VerifyOptions struct {
	// RecordingsDir holds the asciicast files named in shell_end events.
	RecordingsDir string
	// TrustedKeys are the SHA-256 fingerprints of the workstation keys
	// accepted as signers (TrustedFingerprints gives this workstation's
	// list). A log signed by any other key has a ProblemUntrusted: anyone
	// can rewrite a log and sign it with a key of their own.
	TrustedKeys []string
}

type parsedLine struct {
	line int
	raw  []byte
	ev   *Event
}

// VerifyFile checks one audit log file. The error is only for a file that
// cannot be read; findings are in the result.
func VerifyFile(path string, opt VerifyOptions) (*VerifyResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("verify audit: %w", err)
	}
	defer f.Close()
	return Verify(f, path, opt)
}

// Verify checks an audit log read from r: the hash chain (changed,
// deleted, reordered events), the signatures of checkpoints and the end,
// that the log is complete (truncation) and that every recording matches
// its hash.
func Verify(r io.Reader, name string, opt VerifyOptions) (*VerifyResult, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read audit %s: %w", name, err)
	}
	res := &VerifyResult{File: name}
	add := func(k ProblemKind, line int, seq int64, format string, args ...any) {
		res.Problems = append(res.Problems, Problem{Kind: k, Line: line, Seq: seq, Detail: fmt.Sprintf(format, args...)})
	}
	chunks := bytes.Split(data, []byte("\n"))
	last := chunks[len(chunks)-1]
	chunks = chunks[:len(chunks)-1]
	if len(last) > 0 {
		add(ProblemTruncated, len(chunks)+1, -1, "the last line is incomplete (%d bytes without a line end)", len(last))
	}
	var lines []parsedLine
	for i, raw := range chunks {
		pl := parsedLine{line: i + 1, raw: raw}
		ev, perr := decodeEvent(raw)
		switch {
		case perr != nil:
			add(ProblemChanged, pl.line, -1, "not a valid audit event: %v", perr)
		default:
			canon, cerr := encodeEvent(ev)
			if cerr != nil || !bytes.Equal(canon, raw) {
				add(ProblemChanged, pl.line, ev.Seq, "the event was edited (it is not in the form the log writes)")
			}
			pl.ev = ev
		}
		lines = append(lines, pl)
	}
	res.Events = len(lines)
	checkOrder(lines, add)
	checkChain(lines, add)
	key := checkStart(lines, res, opt, add)
	checkSignatures(lines, key, res, add)
	res.Recordings = checkRecordings(lines, opt.RecordingsDir, add)
	return res, nil
}

// VerifyCase verifies every audit log of a case in the data folder
// (<data>/audit/<case>/*.jsonl, recordings in <data>/recordings), oldest
// first, trusting the folder's TrustedSigners besides opt.TrustedKeys. No
// logs is not an error: the result is empty.
func VerifyCase(dataDir, caseID string, opt VerifyOptions) ([]*VerifyResult, error) {
	if err := checkSafeName("case id", caseID); err != nil {
		return nil, fmt.Errorf("verify case: %w", err)
	}
	trusted, err := TrustedFingerprints(dataDir)
	if err != nil {
		return nil, fmt.Errorf("verify case %s: %w", caseID, err)
	}
	opt.TrustedKeys = append(trusted, opt.TrustedKeys...)
	files, err := filepath.Glob(filepath.Join(dataDir, "audit", caseID, "*.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("verify case %s: %w", caseID, err)
	}
	slices.Sort(files)
	if opt.RecordingsDir == "" {
		opt.RecordingsDir = filepath.Join(dataDir, "recordings")
	}
	var out []*VerifyResult
	for _, f := range files {
		res, err := VerifyFile(f, opt)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

func decodeEvent(raw []byte) (*Event, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var ev Event
	if err := dec.Decode(&ev); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("extra data after the event")
	}
	return &ev, nil
}

type addFunc func(k ProblemKind, line int, seq int64, format string, args ...any)

// checkOrder finds deleted, reordered and duplicated events from the
// sequence numbers.
func checkOrder(lines []parsedLine, add addFunc) {
	where := map[int64]int{} // seq -> first line
	for _, pl := range lines {
		if pl.ev != nil {
			if _, ok := where[pl.ev.Seq]; !ok {
				where[pl.ev.Seq] = pl.line
			}
		}
	}
	var expected int64
	seen := map[int64]bool{}
	reported := map[int64]bool{}
	for _, pl := range lines {
		if pl.ev == nil {
			continue
		}
		s := pl.ev.Seq
		switch {
		case seen[s]:
			add(ProblemReordered, pl.line, s, "seq %d appears twice (first at line %d)", s, where[s])
		case s > expected:
			var later []int64
			for m := expected; m < s; m++ {
				if l, ok := where[m]; ok && l > pl.line {
					later = append(later, m)
				}
			}
			if len(later) > 0 {
				for _, m := range later {
					reported[m] = true
				}
				add(ProblemReordered, pl.line, s, "seq %d comes before seq %d (line %d): events are out of order",
					s, later[0], where[later[0]])
			}
			if len(later) == 0 {
				if expected == s-1 {
					add(ProblemDeleted, pl.line, s, "event seq %d is missing before this line", expected)
				} else {
					add(ProblemDeleted, pl.line, s, "events seq %d to %d are missing before this line", expected, s-1)
				}
			}
		case s < expected && !reported[s]:
			add(ProblemReordered, pl.line, s, "seq %d comes after seq %d: events are out of order", s, expected-1)
		}
		seen[s] = true
		if s+1 > expected {
			expected = s + 1
		}
	}
}

// checkChain checks each event's prev against the hash of the line before,
// where the sequence numbers say the two belong together.
func checkChain(lines []parsedLine, add addFunc) {
	for i, pl := range lines {
		if pl.ev == nil {
			continue
		}
		if i == 0 {
			if pl.ev.Seq == 0 && pl.ev.Prev != zeroHash {
				add(ProblemChanged, pl.line, 0, "the first event's previous hash is not the zero hash")
			}
			continue
		}
		before := lines[i-1]
		if before.ev != nil && before.ev.Seq+1 != pl.ev.Seq {
			continue // already reported as deleted or reordered
		}
		if pl.ev.Prev != hashLine(before.raw) {
			seq := int64(-1)
			if before.ev != nil {
				seq = before.ev.Seq
			}
			add(ProblemChanged, before.line, seq,
				"the event does not match the hash recorded in the next event (line %d)", pl.line)
		}
	}
}

// checkStart checks the start event and returns the signing key it names.
func checkStart(lines []parsedLine, res *VerifyResult, opt VerifyOptions, add addFunc) ed25519.PublicKey {
	if len(lines) == 0 {
		add(ProblemTruncated, 1, -1, "the log is empty")
		return nil
	}
	first := lines[0]
	if first.ev == nil || first.ev.Type != EventStart || first.ev.Seq != 0 {
		add(ProblemDeleted, first.line, -1, "the log does not begin with its start event; signatures cannot be checked")
		return nil
	}
	res.Session, res.Case = first.ev.Session, first.ev.Case
	res.Who, res.Target, res.Reason, res.Started = first.ev.Who, first.ev.Target, first.ev.Reason, first.ev.Time
	pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(first.ev.PublicKey))
	if err != nil {
		add(ProblemChanged, first.line, 0, "the start event's workstation key is unreadable: %v", err)
		return nil
	}
	res.Signer = ssh.FingerprintSHA256(pk)
	var edk ed25519.PublicKey
	if cpk, ok := pk.(ssh.CryptoPublicKey); ok {
		edk, _ = cpk.CryptoPublicKey().(ed25519.PublicKey)
	}
	if edk == nil {
		add(ProblemChanged, first.line, 0, "the workstation key is not an ed25519 key")
		return nil
	}
	if !slices.Contains(opt.TrustedKeys, res.Signer) {
		add(ProblemUntrusted, first.line, 0, "signed by workstation key %s, which is not trusted here (werkbank audit trust)", res.Signer)
	}
	return edk
}

// checkSignatures verifies checkpoints and the end event, and that the log
// ends with the end event.
func checkSignatures(lines []parsedLine, key ed25519.PublicKey, res *VerifyResult, add addFunc) {
	lastSigned := int64(-1)
	var endLine int
	for _, pl := range lines {
		ev := pl.ev
		if ev == nil {
			continue
		}
		if endLine > 0 {
			add(ProblemChanged, pl.line, ev.Seq, "event after the end event (line %d)", endLine)
			continue
		}
		if ev.Type != EventCheckpoint && ev.Type != EventEnd && ev.Sig == "" {
			continue
		}
		valid := false
		switch sig, err := base64.StdEncoding.DecodeString(ev.Sig); {
		case ev.Sig == "":
			add(ProblemSignature, pl.line, ev.Seq, "the %s event is not signed", ev.Type)
		case err != nil:
			add(ProblemSignature, pl.line, ev.Seq, "the %s signature is not base64", ev.Type)
		case key != nil:
			msg, merr := signedBytes(*ev)
			if merr != nil || !ed25519.Verify(key, msg, sig) {
				add(ProblemSignature, pl.line, ev.Seq, "the %s signature does not verify with the workstation key %s", ev.Type, res.Signer)
			} else {
				valid = true
				lastSigned = ev.Seq
			}
		}
		if ev.Type == EventEnd {
			endLine = pl.line
			res.Ended = valid
		}
	}
	if endLine == 0 {
		line, seq := 0, int64(-1)
		for i := len(lines) - 1; i >= 0; i-- {
			if lines[i].ev != nil {
				line, seq = lines[i].line, lines[i].ev.Seq
				break
			}
		}
		add(ProblemTruncated, line, seq, "the log ends without its signed end event (last signed checkpoint: seq %d)", lastSigned)
	}
}

// checkRecordings re-hashes every recording named in a shell_end event and
// returns their names.
func checkRecordings(lines []parsedLine, dir string, add addFunc) []string {
	var names []string
	for _, pl := range lines {
		ev := pl.ev
		if ev == nil || ev.Type != EventShellEnd || ev.Recording == "" {
			continue
		}
		if err := checkSafeName("recording name", ev.Recording); err != nil {
			add(ProblemRecording, pl.line, ev.Seq, "%v", err)
			continue
		}
		names = append(names, ev.Recording)
		p := filepath.Join(dir, ev.Recording)
		sum, err := hashFile(p)
		switch {
		case err != nil:
			add(ProblemRecording, pl.line, ev.Seq, "recording %s: %v", ev.Recording, err)
		case sum != ev.SHA256:
			add(ProblemRecording, pl.line, ev.Seq, "recording %s has SHA-256 %s, the audit recorded %s", ev.Recording, sum, ev.SHA256)
		}
	}
	return names
}

// hashFile returns the SHA-256 (hex) of a file's content.
func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
