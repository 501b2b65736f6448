package cases

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"text/template"
)

// SystemText is a text that Werkbank itself writes into an activity (an
// assignment, an escalation, a collected log), kept as a code with its
// values so that every client shows it in its user's language. The
// activity's Text holds the English rendering for exports, the bundle
// report and clients that do not know the code.
type SystemText struct {
	// Code is one of the Msg* constants.
	Code string `json:"code"`
	// Args fill the blanks of the code's text.
	Args map[string]string `json:"args,omitempty"`
}

// Codes of the messages the system writes, with the values each one has.
const (
	MsgAssigned      = "assigned"       // to
	MsgAnalysis      = "analysis"       // cause, solution (one may be empty)
	MsgArticleLinked = "article_linked" // article
	MsgEscalated     = "escalated"      // reproduced_on, description
	MsgToVendor      = "to_vendor"      // (the status change of an escalation)
	MsgInfoRequested = "info_requested" // (the status change of a need-info mail)
	MsgCreatedAPI    = "created_api"    // (a case the ticket system created)
	MsgFixAvailable  = "fix_available"  // fix, version, customer
	MsgLogAttached   = "log_attached"   // name, size, sha256, source (may be empty)
	MsgRemoteExec    = "remote_exec"    // target, command, status, duration, session, reason
	MsgRemoteFailed  = "remote_failed"  // target, command, error, session, reason
	MsgRemoteCollect = "remote_collect" // target, files, failed, session, reason
	MsgRemoteShell   = "remote_shell"   // target, recording (may be empty), session, reason
)

// messageTemplates are the English texts of the codes (text/template).
var messageTemplates = map[string]string{
	MsgAssigned:      "assigned to {{.to}}",
	MsgAnalysis:      "{{if .cause}}Cause: {{.cause}}{{end}}{{if and .cause .solution}}\n{{end}}{{if .solution}}Solution: {{.solution}}{{end}}",
	MsgArticleLinked: "linked article {{.article}}",
	MsgEscalated:     "Escalated to the vendor's 3rd level. Reproduced on {{.reproduced_on}}.\n\n{{.description}}",
	MsgToVendor:      "escalated",
	MsgInfoRequested: "information requested",
	MsgCreatedAPI:    "created through the API",
	MsgFixAvailable:  "Vendor fix {{.fix}} available in {{.version}}; delivery to {{.customer}} pending",
	MsgLogAttached:   "{{.name}} ({{.size}} bytes, SHA-256 {{.sha256}}){{if .source}} from {{.source}}{{end}}",
	MsgRemoteExec:    "{{.target}}: ran {{.command}}: exit status {{.status}} after {{.duration}} (session {{.session}}; reason: {{.reason}})",
	MsgRemoteFailed:  "{{.target}}: ran {{.command}}: {{.error}} (session {{.session}}; reason: {{.reason}})",
	MsgRemoteCollect: "{{.target}}: collected {{.files}} file(s){{if ne .failed \"0\"}}, {{.failed}} failed{{end}} (session {{.session}}; reason: {{.reason}})",
	MsgRemoteShell:   "{{.target}}: interactive shell{{if .recording}} (recording {{.recording}}){{end}} (session {{.session}}; reason: {{.reason}})",
}

// englishTemplates are messageTemplates parsed, once, when first needed.
var englishTemplates = sync.OnceValue(func() map[string]*template.Template {
	out := make(map[string]*template.Template, len(messageTemplates))
	for code, src := range messageTemplates {
		out[code] = template.Must(template.New(code).Option("missingkey=error").Parse(src))
	}
	return out
})

// SystemTextCodes lists the codes of all messages, sorted.
func SystemTextCodes() []string {
	return slices.Sorted(maps.Keys(messageTemplates))
}

// SystemTextTemplate returns the English text/template of a code ("" for an
// unknown one), the base of its translations. Its fields are the names of
// the code's Args.
func SystemTextTemplate(code string) string { return messageTemplates[code] }

// NewSystemText returns the message of code with args given as name, value
// pairs.
func NewSystemText(code string, args ...string) SystemText {
	m := SystemText{Code: code, Args: make(map[string]string, len(args)/2)}
	for i := 0; i+1 < len(args); i += 2 {
		m.Args[args[i]] = args[i+1]
	}
	return m
}

// English renders the message with its English text; an unknown code or a
// value missing from Args shows the code and its values instead.
func (m SystemText) English() string {
	if t := englishTemplates()[m.Code]; t != nil {
		var b strings.Builder
		if t.Execute(&b, m.Args) == nil {
			return b.String()
		}
	}
	var b strings.Builder
	b.WriteString(m.Code)
	for _, k := range slices.Sorted(maps.Keys(m.Args)) {
		b.WriteString(" " + k + "=" + m.Args[k])
	}
	return b.String()
}

// Activity returns an activity of kind that records m: its Text is the
// English rendering.
func (m SystemText) Activity(kind Kind, by string) Activity {
	return Activity{Kind: kind, By: by, Text: m.English(), System: &m}
}
