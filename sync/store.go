package sync

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Role is what a user of the server may do.
type Role string

// The roles of a support team.
const (
	RoleSpecialist Role = "specialist"
	RoleTeamLead   Role = "teamlead"
	RoleConsultant Role = "consultant"
	RoleAdmin      Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleSpecialist, RoleTeamLead, RoleConsultant, RoleAdmin}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is an account on the server. Only a hash of its token is kept.
type User struct {
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	TokenHash string    `json:"token_hash,omitempty"`
	Created   time.Time `json:"created"`
}

// NewToken returns a random 256-bit token (hex) and the hash to store.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("make token: %w", err)
	}
	token = hex.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of a token: hex SHA-256.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return hex.EncodeToString(s[:])
}

// CheckFunc decides whether a pushed document that would replace stored
// (nil when new) may be stored. It returns nil to allow it.
type CheckFunc func(stored *Doc, in *Doc) *Reject

// Reject refuses one document of a batch; Status is the HTTP status the
// whole batch is refused with (403 for a missing right, 422 for a document
// that breaks a rule).
type Reject struct {
	Status int
	DocReject
}

// RejectError refuses a whole batch: nothing of it was stored.
type RejectError struct {
	Status int
	Docs   []DocReject
}

// Error lists the refused documents and why.
func (e *RejectError) Error() string {
	var parts []string
	for _, d := range e.Docs {
		parts = append(parts, d.Kind+"/"+d.ID+": "+d.Reason)
	}
	return "batch refused: " + strings.Join(parts, "; ")
}

// Store keeps the server's documents, their change feed and the users.
// The bbolt implementation is BoltStore; a team that outgrows one file
// implements it on a database server.
type Store interface {
	// ServerID is the store's random, permanent id.
	ServerID(ctx context.Context) (string, error)
	// Get returns the current version of a document.
	Get(ctx context.Context, kind, id string) (Doc, bool, error)
	// List returns up to limit current documents of a kind whose id sorts
	// after the given one.
	List(ctx context.Context, kind, after string, limit int) ([]Doc, error)
	// Changes returns up to limit documents changed after sequence since,
	// only of the given kinds (all when empty).
	Changes(ctx context.Context, since uint64, limit int, kinds []string) (ChangesResponse, error)
	// Seq is the sequence of the latest change.
	Seq(ctx context.Context) (uint64, error)
	// Push applies a batch atomically on behalf of user: every document
	// whose version descends from the stored one (after check allows it) is
	// stored with a new sequence number; a batch id seen before returns the
	// recorded response and changes nothing. A *RejectError refuses the
	// whole batch.
	Push(ctx context.Context, user string, req PushRequest, check CheckFunc) (PushResponse, error)
	// PutUser creates or replaces a user.
	PutUser(ctx context.Context, u User) error
	// UserByTokenHash finds the user a token belongs to.
	UserByTokenHash(ctx context.Context, hash string) (User, bool, error)
	// Users lists the users by name.
	Users(ctx context.Context) ([]User, error)
	// Close releases the store.
	Close() error
}
