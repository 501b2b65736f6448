// Package kb is Werkbank's knowledge base: Markdown articles with YAML front
// matter, a bbolt store in which every save is a revision (history, diff,
// restore), a review workflow in which only team leads publish, a bleve
// full-text index that understands German and English (derived from the
// store, versioned, rebuilt when missing or stale), and goldmark rendering.
package kb

import (
	"errors"
	"time"
)

// Status is where an article stands in the review workflow.
type Status string

// The review workflow: draft → review → published → archived.
const (
	StatusDraft     Status = "draft"
	StatusReview    Status = "review"
	StatusPublished Status = "published"
	StatusArchived  Status = "archived"
)

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusReview, StatusPublished, StatusArchived:
		return true
	}
	return false
}

// Role is what a user may do. Only team leads (and admins) publish.
type Role string

// The roles of a support team.
const (
	RoleSpecialist Role = "specialist"
	RoleTeamLead   Role = "teamlead"
	RoleConsultant Role = "consultant"
	RoleAdmin      Role = "admin"
)

// CanPublish reports whether the role may publish or archive articles.
func (r Role) CanPublish() bool { return r == RoleTeamLead || r == RoleAdmin }

// User is who acts on the knowledge base.
type User struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// Article is one knowledge-base article.
type Article struct {
	// ID is stable and unique; the store assigns one when empty.
	ID    string `json:"id" yaml:"id"`
	Title string `json:"title" yaml:"title"`
	// Body is Markdown, without front matter.
	Body     string   `json:"body" yaml:"-"`
	Tags     []string `json:"tags,omitempty" yaml:"tags,omitempty"`
	Product  string   `json:"product,omitempty" yaml:"product,omitempty"`
	Module   string   `json:"module,omitempty" yaml:"module,omitempty"`
	Versions []string `json:"versions,omitempty" yaml:"versions,omitempty"`
	Status   Status   `json:"status" yaml:"status"`
	// Lang is "de" or "en"; it selects the stemmer.
	Lang     string `json:"lang,omitempty" yaml:"lang,omitempty"`
	Author   string `json:"author,omitempty" yaml:"author,omitempty"`
	Reviewer string `json:"reviewer,omitempty" yaml:"reviewer,omitempty"`
	// Signatures identify the problem in log files: plain substrings, or
	// regular expressions written as /…/.
	Signatures []string `json:"signatures,omitempty" yaml:"signatures,omitempty"`
	// Cases lists the ids of support cases linked to the article.
	Cases []string `json:"cases,omitempty" yaml:"cases,omitempty"`
	// Source is the path the article was imported from, relative to the
	// import root.
	Source  string    `json:"source,omitempty" yaml:"source,omitempty"`
	Created time.Time `json:"created" yaml:"created,omitempty"`
	Updated time.Time `json:"updated" yaml:"updated,omitempty"`
	// Rev is the revision number of this version, counting from 1.
	Rev int `json:"rev" yaml:"rev,omitempty"`
}

// ErrNotFound reports an article id that the store does not hold.
var ErrNotFound = errors.New("article not found")

// ErrForbidden reports an action the user's role does not allow.
var ErrForbidden = errors.New("not allowed for this role")
