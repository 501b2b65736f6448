package cases

import (
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The cases package's buckets in the shared bbolt file. They are declared
// here and nowhere else.
//
//   - cases.meta: "schema" → schema version (decimal); "index" → version of
//     the due index (decimal); "seq/<year>" → last case number of that year;
//     "station" → this workstation's tag in case ids (see stationTag).
//   - cases.cases: case id → JSON of the Case, activities included. It is
//     the only copy of a case.
//   - cases.due: index key (class, urgency, id; see index.go) → compact
//     summary. Derived from cases.cases and rebuilt when its version changes.
//   - cases.duekey: case id → its current key in cases.due.
//   - cases.contracts: contract name → JSON of the Contract.
//   - cases.fixes: fix id → JSON of the Fix with its deliveries.
//   - cases.terms: term 0x00 case id → posting (weight, document norm); the
//     search index (see search.go). Derived from cases.cases and
//     cases.templates, rebuilt when the "search" version in cases.meta
//     changes.
//   - cases.termdf: term → number of cases holding it (derived as above).
//   - cases.docterms: case id → its terms and weights, so that a write can
//     remove the old postings (derived as above).
//   - cases.templates: attachment SHA-256 → JSON of the error templates of
//     that log file (see similar.go). Derived from the attachment files and
//     filled again from them when missing.
//   - cases.tplpending: attachment SHA-256 0x00 case id → empty; attachments
//     whose templates are not known yet.
var (
	bucketMeta      = []byte("cases.meta")
	bucketCases     = []byte("cases.cases")
	bucketDue       = []byte("cases.due")
	bucketDueKey    = []byte("cases.duekey")
	bucketContracts = []byte("cases.contracts")
	bucketFixes     = []byte("cases.fixes")
	bucketTerms     = []byte("cases.terms")
	bucketTermDF    = []byte("cases.termdf")
	bucketDocTerms  = []byte("cases.docterms")
	bucketTemplates = []byte("cases.templates")
	bucketPending   = []byte("cases.tplpending")
)

// Keys in bucketMeta.
var (
	keySchema  = []byte("schema")
	keyIndex   = []byte("index")
	keyStation = []byte("station")
	keySearch  = []byte("search")
)

// seqKey is the bucketMeta key of a year's case counter.
func seqKey(year int) []byte { return []byte("seq/" + strconv.Itoa(year)) }

// schemaVersion is the version of the bucket layout written by this code.
const schemaVersion = 2

// indexVersion is the version of the due index's key and value layout.
// Changing either means bumping it; Open then rebuilds the index.
const indexVersion = 1

// searchVersion is the version of the search index (analyzer, weights and
// layout of cases.terms, cases.termdf and cases.docterms). Changing any of
// them means bumping it; Open then rebuilds the search index.
const searchVersion = 2

// migrations[v] upgrades the buckets of schema version v to v+1. Version 0
// is a file without them: the first migration creates the buckets.
var migrations = []func(tx *bolt.Tx) error{
	0: func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketCases, bucketDue, bucketDueKey, bucketContracts, bucketFixes} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	},
	1: func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketTerms, bucketTermDF, bucketDocTerms, bucketTemplates, bucketPending} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	},
}

// migrate brings the buckets to schemaVersion. A file written by a newer
// Werkbank is refused rather than damaged.
func migrate(tx *bolt.Tx) error {
	v := 0
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if raw := meta.Get(keySchema); raw != nil {
			n, err := strconv.Atoi(string(raw))
			if err != nil {
				return fmt.Errorf("cases schema version %q: %w", raw, err)
			}
			v = n
		}
	}
	if v > schemaVersion {
		return fmt.Errorf("the cases have schema version %d, newer than this Werkbank understands (%d); update Werkbank", v, schemaVersion)
	}
	for ; v < schemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("migrate cases from schema %d: %w", v, err)
		}
	}
	if err := tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(schemaVersion))); err != nil {
		return fmt.Errorf("record cases schema version: %w", err)
	}
	return nil
}

// searchCurrent reports whether the search index has searchVersion.
func searchCurrent(tx *bolt.Tx) bool {
	return string(tx.Bucket(bucketMeta).Get(keySearch)) == strconv.Itoa(searchVersion)
}

// indexCurrent reports whether the due index has indexVersion.
func indexCurrent(tx *bolt.Tx) bool {
	return string(tx.Bucket(bucketMeta).Get(keyIndex)) == strconv.Itoa(indexVersion)
}
