// Package cases is Werkbank's support-case store: cases with an append-only
// activity log, contracts with service hours and German public holidays, an
// SLA clock counted in service hours (paused while waiting for the customer,
// with a separate clock while the vendor's 3rd level works), the checklist
// that gates an escalation to the vendor, the escalation bundle, customer
// communication templates, the tracking of vendor fixes to delivery, and a
// search index over the cases (their words and the error templates of
// their attached logs) that finds the solved cases like a new one.
//
// Everything lives in the shared bbolt file; the buckets are declared in
// schema.go. The package never imports Fyne nor other domain packages:
// audit verification, redaction, article drafting and the error templates
// of log files come in through the consumer interfaces AuditVerifier,
// Redactor, ArticleDrafter and TemplateSource.
package cases

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound reports an unknown case, contract or fix.
var ErrNotFound = errors.New("not found")

// ErrInvalid reports input that breaks a rule of the model.
var ErrInvalid = errors.New("invalid input")

// Priority is the impact on the customer's business: 1 = emergency
// (Notfall, production stands still) … 4 = low.
type Priority int

// The four priorities.
const (
	PriorityEmergency Priority = 1
	PriorityHigh      Priority = 2
	PriorityMedium    Priority = 3
	PriorityLow       Priority = 4
)

// Valid reports whether p is 1…4.
func (p Priority) Valid() bool { return p >= 1 && p <= 4 }

// String names the priority in English.
func (p Priority) String() string {
	switch p {
	case PriorityEmergency:
		return "1 emergency"
	case PriorityHigh:
		return "2 high"
	case PriorityMedium:
		return "3 medium"
	case PriorityLow:
		return "4 low"
	}
	return strconv.Itoa(int(p))
}

// ParsePriority parses "1" … "4".
func ParsePriority(s string) (Priority, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || !Priority(n).Valid() {
		return 0, fmt.Errorf("priority %q: %w: use 1 (emergency), 2 (high), 3 (medium) or 4 (low)", s, ErrInvalid)
	}
	return Priority(n), nil
}

// Status is where a case stands.
type Status string

// The statuses of a case.
const (
	StatusNew             Status = "new"
	StatusInProgress      Status = "in_progress"
	StatusWaitingCustomer Status = "waiting_customer"
	StatusWaitingVendor   Status = "waiting_vendor"
	StatusSolved          Status = "solved"
	StatusClosed          Status = "closed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusNew, StatusInProgress, StatusWaitingCustomer, StatusWaitingVendor, StatusSolved, StatusClosed}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Open reports whether work on the case is still outstanding.
func (s Status) Open() bool { return s != StatusSolved && s != StatusClosed }

// ParseStatus accepts the status names with "_", "-" or spaces.
func ParseStatus(s string) (Status, error) {
	norm := Status(strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s))))
	if !norm.Valid() {
		names := make([]string, len(Statuses))
		for i, v := range Statuses {
			names[i] = string(v)
		}
		return "", fmt.Errorf("status %q: %w: use one of %s", s, ErrInvalid, strings.Join(names, ", "))
	}
	return norm, nil
}

// Kind says what an activity records.
type Kind string

// The kinds of activities.
const (
	KindCreated     Kind = "created"
	KindNote        Kind = "note"
	KindCall        Kind = "call"
	KindMail        Kind = "mail"
	KindRemote      Kind = "remote_session"
	KindLog         Kind = "collected_log"
	KindPriority    Kind = "priority_change"
	KindStatus      Kind = "status_change"
	KindEscalation  Kind = "escalation"
	KindFixDelivery Kind = "fix_delivery"
	KindArticle     Kind = "article_link"
)

// Kinds lists the kinds a user may add directly with AddActivity.
var Kinds = []Kind{KindNote, KindCall, KindMail, KindRemote, KindLog}

// reaction reports whether an activity of this kind counts as the first
// reaction towards the customer (contact or start of work).
func (k Kind) reaction() bool {
	switch k {
	case KindCall, KindMail, KindRemote, KindLog, KindEscalation:
		return true
	}
	return false
}

// Activity is one entry of a case's append-only log.
type Activity struct {
	// ID is unique within the case; the store assigns it.
	ID   string    `json:"id"`
	Kind Kind      `json:"kind"`
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Text string    `json:"text,omitempty"`
	// From and To hold the old and new value of a priority or status change.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Ref points at what the activity concerns: an attachment's SHA-256, a
	// fix id, an article id, a remote target.
	Ref string `json:"ref,omitempty"`
	// System is set when Werkbank wrote the text: the app shows it in its
	// user's language.
	System *SystemText `json:"system,omitempty"`
}

// Attachment is a file of a case, stored content-addressed under
// AttachDir/<SHA256>.
type Attachment struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Source says where the file came from, e.g. "sftp://user@host/var/log/x.log".
	Source string    `json:"source,omitempty"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
}

// Escalation is the completed checklist with which a case went to the
// vendor's 3rd level.
type Escalation struct {
	// ReproducedOn is the version of the current standard demo system on
	// which the error was reproduced.
	ReproducedOn string `json:"reproduced_on"`
	// Description is the exact description of the error and its context.
	Description string `json:"description"`
	// Done lists the activities already carried out.
	Done string `json:"done"`
	// Findings are the results of the analysis; logs are attached to the case.
	Findings []string `json:"findings"`
	// SourceLocation is the place in the standard source code, if known.
	SourceLocation string    `json:"source_location,omitempty"`
	Product        string    `json:"product,omitempty"`
	At             time.Time `json:"at"`
	By             string    `json:"by"`
}

// Case is a support case.
type Case struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Customer string `json:"customer"`
	// Contract names the contract whose targets and service hours apply.
	Contract string   `json:"contract"`
	Systems  []string `json:"systems,omitempty"`
	// Product is the affected product or module, e.g. "ERP 9.2 Finanzbuchhaltung".
	Product     string   `json:"product,omitempty"`
	Description string   `json:"description,omitempty"`
	Priority    Priority `json:"priority"`
	Status      Status   `json:"status"`
	// Level is the support level working on the case: 1, 2 or 3 (vendor).
	Level    int    `json:"level"`
	Assignee string `json:"assignee,omitempty"`
	// Cause and Solution are filled in as the analysis progresses; they feed
	// the knowledge-base draft.
	Cause       string       `json:"cause,omitempty"`
	Solution    string       `json:"solution,omitempty"`
	Articles    []string     `json:"articles,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	Escalation  *Escalation  `json:"escalation,omitempty"`
	Created     time.Time    `json:"created"`
	Updated     time.Time    `json:"updated"`
	// Activities is the append-only log, oldest first.
	Activities []Activity `json:"activities"`
	// Revision counts the writes to the case (for sync).
	Revision int64 `json:"revision"`
}

// PriorityChange is one entry of a case's priority history.
type PriorityChange struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	From   Priority  `json:"from"`
	To     Priority  `json:"to"`
	Reason string    `json:"reason"`
}

// PriorityHistory returns the priority changes with their reasons, oldest
// first; the first entry is the priority given when the case was opened.
func (c *Case) PriorityHistory() []PriorityChange {
	var out []PriorityChange
	for _, a := range c.Activities {
		switch a.Kind {
		case KindCreated:
			p, _ := strconv.Atoi(a.To)
			out = append(out, PriorityChange{At: a.At, By: a.By, To: Priority(p), Reason: a.Text})
		case KindPriority:
			from, _ := strconv.Atoi(a.From)
			to, _ := strconv.Atoi(a.To)
			out = append(out, PriorityChange{At: a.At, By: a.By, From: Priority(from), To: Priority(to), Reason: a.Text})
		}
	}
	return out
}
