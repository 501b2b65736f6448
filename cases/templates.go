package cases

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/template"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Template names a customer message.
type Template string

// The customer messages.
const (
	TemplateReceived     Template = "received"
	TemplateNeedInfo     Template = "need_info"
	TemplateWorkaround   Template = "workaround"
	TemplateFixDelivered Template = "fix_delivered"
)

// Templates lists the message templates.
var Templates = []Template{TemplateReceived, TemplateNeedInfo, TemplateWorkaround, TemplateFixDelivered}

// Languages lists the languages of the templates.
var Languages = []string{"de", "en"}

// messageTexts[lang][template] is subject, a line break, then the body.
var messageTexts = map[string]map[Template]string{
	"de": {
		TemplateReceived: `Ihre Anfrage {{.ID}}: {{.Title}}
Guten Tag,

wir haben Ihre Anfrage „{{.Title}}“ erhalten und unter der Nummer {{.ID}} erfasst (Priorität {{.Priority}}).
{{- if .Due}} Wir melden uns spätestens bis {{.Due}}.{{end}}
{{- if .Text}}

{{.Text}}{{end}}

Mit freundlichen Grüßen
{{.Sender}}`,
		TemplateNeedInfo: `Rückfrage zu {{.ID}}: {{.Title}}
Guten Tag,

für die weitere Analyse von {{.ID}} benötigen wir noch folgende Informationen:

{{.Text}}

Bis zu Ihrer Antwort ruht die Bearbeitungszeit.

Mit freundlichen Grüßen
{{.Sender}}`,
		TemplateWorkaround: `Workaround zu {{.ID}}: {{.Title}}
Guten Tag,

bis zur endgültigen Lösung von {{.ID}} können Sie wie folgt weiterarbeiten:

{{.Text}}

Wir informieren Sie, sobald die Korrektur verfügbar ist.

Mit freundlichen Grüßen
{{.Sender}}`,
		TemplateFixDelivered: `Korrektur ausgeliefert: {{.ID}} {{.Title}}
Guten Tag,

die Korrektur{{if .Fix}} {{.Fix}}{{end}} zu {{.ID}} wurde bei Ihnen eingespielt.
{{- if .Text}}

{{.Text}}{{end}}

Bitte prüfen Sie den Ablauf und geben Sie uns Bescheid, ob alles wie erwartet funktioniert.

Mit freundlichen Grüßen
{{.Sender}}`,
	},
	"en": {
		TemplateReceived: `Your request {{.ID}}: {{.Title}}
Hello,

we have received your request "{{.Title}}" and logged it as {{.ID}} (priority {{.Priority}}).
{{- if .Due}} We will get back to you by {{.Due}} at the latest.{{end}}
{{- if .Text}}

{{.Text}}{{end}}

Kind regards
{{.Sender}}`,
		TemplateNeedInfo: `Question about {{.ID}}: {{.Title}}
Hello,

to continue the analysis of {{.ID}} we need the following information:

{{.Text}}

The processing time is paused until we hear from you.

Kind regards
{{.Sender}}`,
		TemplateWorkaround: `Workaround for {{.ID}}: {{.Title}}
Hello,

until {{.ID}} is finally solved, you can continue to work as follows:

{{.Text}}

We will let you know as soon as the correction is available.

Kind regards
{{.Sender}}`,
		TemplateFixDelivered: `Fix delivered: {{.ID}} {{.Title}}
Hello,

the correction{{if .Fix}} {{.Fix}}{{end}} for {{.ID}} has been installed on your system.
{{- if .Text}}

{{.Text}}{{end}}

Please check the process and let us know whether everything works as expected.

Kind regards
{{.Sender}}`,
	},
}

// Message is a rendered customer message.
type Message struct {
	Template Template `json:"template"`
	Lang     string   `json:"lang"`
	Subject  string   `json:"subject"`
	Body     string   `json:"body"`
}

// MessageInput is what a template needs beyond the case.
type MessageInput struct {
	Template Template
	Lang     string
	// Text is the free part: the questions, the workaround, a remark.
	Text string
	// Sender signs the message.
	Sender string
}

// RenderMessage fills a template with the case's data.
func RenderMessage(c *Case, sla SLA, in MessageInput) (Message, error) {
	texts, ok := messageTexts[in.Lang]
	if !ok {
		return Message{}, fmt.Errorf("message language %q: %w: use %s", in.Lang, ErrInvalid, strings.Join(Languages, " or "))
	}
	src, ok := texts[in.Template]
	if !ok {
		names := make([]string, len(Templates))
		for i, t := range Templates {
			names[i] = string(t)
		}
		return Message{}, fmt.Errorf("message template %q: %w: use one of %s", in.Template, ErrInvalid, strings.Join(names, ", "))
	}
	if (in.Template == TemplateNeedInfo || in.Template == TemplateWorkaround) && strings.TrimSpace(in.Text) == "" {
		return Message{}, fmt.Errorf("message %s: %w: the text (questions or workaround) is needed", in.Template, ErrInvalid)
	}
	data := map[string]string{
		"ID": c.ID, "Title": c.Title, "Customer": c.Customer, "Priority": fmt.Sprint(int(c.Priority)),
		"Text": strings.TrimSpace(in.Text), "Sender": in.Sender,
	}
	if sla.Reaction.Due != nil && sla.Reaction.Running {
		data["Due"] = sla.Reaction.Due.In(customerZone()).Format("02.01.2006 15:04")
	}
	if in.Template == TemplateFixDelivered {
		for i := len(c.Activities) - 1; i >= 0; i-- {
			if a := c.Activities[i]; a.Kind == KindFixDelivery && a.Ref != "" {
				data["Fix"] = a.Ref
				break
			}
		}
	}
	tmpl, err := template.New(string(in.Template)).Option("missingkey=zero").Parse(src)
	if err != nil {
		return Message{}, fmt.Errorf("message template %s: %w", in.Template, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		return Message{}, fmt.Errorf("message template %s: %w", in.Template, err)
	}
	subject, body, _ := strings.Cut(b.String(), "\n")
	return Message{Template: in.Template, Lang: in.Lang, Subject: subject, Body: body}, nil
}

// customerZone is the zone in which messages state times.
func customerZone() *time.Location {
	if loc, err := time.LoadLocation(DefaultTimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// SendMessage renders a template for the case and logs it as a mail
// activity (the text is then copied into the mail program). Asking the
// customer for information also moves the case to waiting for the
// customer, which pauses the clock.
func (s *Store) SendMessage(ctx context.Context, id string, in MessageInput, by string) (Message, error) {
	var msg Message
	_, err := s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		sla, err := s.sla(c, now)
		if err != nil {
			return err
		}
		if msg, err = RenderMessage(c, sla, in); err != nil {
			return err
		}
		c.Activities = append(c.Activities, Activity{ID: newActivityID(), Kind: KindMail, At: now, By: by, Ref: string(in.Template), Text: msg.Subject + "\n\n" + msg.Body})
		if in.Template == TemplateNeedInfo && c.Status.Open() && c.Status != StatusWaitingCustomer {
			a := NewSystemText(MsgInfoRequested).Activity(KindStatus, by)
			a.ID, a.At, a.From, a.To = newActivityID(), now, string(c.Status), string(StatusWaitingCustomer)
			c.Activities = append(c.Activities, a)
			c.Status = StatusWaitingCustomer
		}
		return nil
	})
	if err != nil {
		return Message{}, fmt.Errorf("message for case %s: %w", id, err)
	}
	return msg, nil
}

// TemplateNames returns the template names, sorted.
func TemplateNames() []string {
	out := make([]string, len(Templates))
	for i, t := range Templates {
		out[i] = string(t)
	}
	sort.Strings(out)
	return out
}
