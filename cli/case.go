package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"werkbank/bridge"
	"werkbank/cases"
	"werkbank/workspace"
)

// runCase runs "werkbank case …".
func runCase(ctx context.Context, e *Env, args []string) error {
	return sub(ctx, e, "case", args, map[string]func(context.Context, *Env, []string) error{
		"new":      caseNew,
		"list":     caseList,
		"show":     caseShow,
		"note":     caseNote,
		"status":   caseStatus,
		"priority": casePriority,
		"assign":   caseAssign,
		"analysis": caseAnalysis,
		"attach":   caseAttach,
		"escalate": caseEscalate,
		"bundle":   caseBundle,
		"mail":     caseMail,
		"draft":    caseDraft,
		"fix":      caseFix,
		"contract": caseContract,
		"holidays": caseHolidays,
		"report":   caseReport,
		"demo":     caseDemo,
		"search":   caseSearch,
		"similar":  caseSimilar,
	})
}

// caseUser is who acts: $WERKBANK_USER (UserEnvVar), else the login name.
func caseUser() string {
	if u := os.Getenv(UserEnvVar); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// parseMixed parses flags that may come before, between or after the
// positional arguments and returns the positional ones; everything after
// "--" is positional (e.g. a note that starts with "-").
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// multi is a repeatable string flag.
type multi []string

// String lists the values given so far.
func (m *multi) String() string { return strings.Join(*m, ", ") }

// Set adds one more value.
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// caseStore opens the workspace and the case store; close the workspace
// when done.
func caseStore(ctx context.Context, e *Env) (*workspace.Workspace, *cases.Store, error) {
	ws, err := e.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	s, err := cases.Open(ctx, cases.Config{DB: ws.DB, AttachDir: ws.Path("attachments")})
	if err != nil {
		return nil, nil, errors.Join(err, ws.Close())
	}
	return ws, s, nil
}

// withCases runs f on an open case store.
func withCases(ctx context.Context, e *Env, f func(*workspace.Workspace, *cases.Store) error) error {
	ws, s, err := caseStore(ctx, e)
	if err != nil {
		return err
	}
	ferr := f(ws, s)
	if cerr := ws.Close(); ferr == nil {
		ferr = cerr
	}
	return ferr
}

func caseNew(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("new", "case new --title T --customer C --priority 1-4 [--contract NAME] [--system S]...", "Opens a case and prints its id.")
	title := fs.String("title", "", "short description of the problem")
	customer := fs.String("customer", "", "customer")
	prio := fs.String("priority", "", "1 emergency, 2 high, 3 medium, 4 low")
	contract := fs.String("contract", "Standard", "contract whose SLA applies")
	product := fs.String("product", "", "affected product or module")
	desc := fs.String("description", "", "what happens, since when, who is affected")
	reason := fs.String("reason", "", "why this priority (impact on the customer's business)")
	assignee := fs.String("assignee", "", "who works on the case")
	asJSON := fs.Bool("json", false, "print the case as JSON")
	var systems multi
	fs.Var(&systems, "system", "affected system (repeatable)")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("case new takes no arguments, only flags (got %q)", pos[0])
	}
	if *title == "" || *customer == "" || *prio == "" {
		return usagef("case new needs --title, --customer and --priority")
	}
	p, err := cases.ParsePriority(*prio)
	if err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		c, err := s.Create(ctx, cases.NewCase{Title: *title, Customer: *customer, Contract: *contract, Priority: p,
			Systems: systems, Product: *product, Description: *desc, Assignee: *assignee, Reason: *reason, By: caseUser()})
		if err != nil {
			return err
		}
		if *asJSON {
			return e.printJSON(c)
		}
		fmt.Fprintln(e.Stdout, c.ID)
		return nil
	})
}

// listItem is one case of "case list --json".
type listItem struct {
	cases.Summary
	RemainingText    string `json:"remaining"`
	RemainingSeconds int64  `json:"remaining_seconds"`
}

func caseList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("list", "case list [--json] [--open]", "Lists the cases, what is due first: running SLA clocks by due time (breached first), then paused ones, then solved and closed cases.")
	asJSON := fs.Bool("json", false, "print a JSON array with the SLA clocks")
	open := fs.Bool("open", false, "leave out solved and closed cases")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("case list takes no arguments (got %q)", pos[0])
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		list, err := s.List(ctx, *open)
		if err != nil {
			return err
		}
		items := make([]listItem, len(list))
		for i, sum := range list {
			r, err := s.Remaining(sum)
			if err != nil {
				return err
			}
			items[i] = listItem{Summary: sum, RemainingText: r.String(), RemainingSeconds: int64(r / time.Second)}
		}
		if *asJSON {
			return e.printJSON(items)
		}
		tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPRIO\tSTATUS\tSLA\tDUE\tLEFT\tCUSTOMER\tTITLE")
		for _, it := range items {
			due := "-"
			if it.Due != nil {
				due = it.Due.Local().Format("2006-01-02 15:04")
			} else if it.Paused {
				due = "paused"
			}
			left := fmtLeft(it)
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", it.ID, it.Priority, it.Status, it.Clock+" "+string(it.State), due, left, it.Customer, it.Title)
		}
		return tw.Flush()
	})
}

func fmtLeft(it listItem) string {
	if !it.Status.Open() {
		return "-"
	}
	d := time.Duration(it.RemainingSeconds) * time.Second
	return fmtHours(d)
}

func fmtHours(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("%s%dh%02dm", sign, int(d.Hours()), int(d.Minutes())%60)
}

// oneID takes the single case id of a command.
func oneID(pos []string, cmd string, more ...string) error {
	want := 1 + len(more)
	if len(pos) != want {
		names := append([]string{"ID"}, more...)
		return usagef("case %s needs %s", cmd, strings.Join(names, " "))
	}
	return nil
}

// showOutput is "case show --json".
type showOutput struct {
	Case            cases.Case             `json:"case"`
	SLA             cases.SLA              `json:"sla"`
	PriorityHistory []cases.PriorityChange `json:"priority_history"`
}

func caseShow(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("show", "case show [--json] ID", "Shows a case with its SLA clocks, priority history and activities.")
	asJSON := fs.Bool("json", false, "print JSON with the case and its SLA clocks")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "show"); err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		c, err := s.Get(ctx, pos[0])
		if err != nil {
			return err
		}
		sla, err := s.SLA(&c)
		if err != nil {
			return err
		}
		if *asJSON {
			return e.printJSON(showOutput{Case: c, SLA: sla, PriorityHistory: c.PriorityHistory()})
		}
		report, err := s.Report(ctx, c.ID)
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(e.Stdout, report)
		return err
	})
}

func caseNote(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("note", "case note [--kind K] ID TEXT...", "Adds an activity to the case's log (append-only).")
	kind := fs.String("kind", "note", "note, call, mail, remote_session or collected_log")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("case note needs ID and TEXT")
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		a, err := s.AddActivity(ctx, pos[0], cases.Activity{Kind: cases.Kind(*kind), By: caseUser(), Text: strings.Join(pos[1:], " ")})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%s: %s added\n", pos[0], a.Kind)
		return nil
	})
}

func caseStatus(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("status", "case status ID STATUS [--reason R]", "Changes the status: new, in_progress, waiting_customer, waiting_vendor (only through case escalate), solved, closed. Waiting for the customer pauses the SLA clock.")
	reason := fs.String("reason", "", "why (for solved: the solution)")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "status", "STATUS"); err != nil {
		return err
	}
	st, err := cases.ParseStatus(pos[1])
	if err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		c, err := s.SetStatus(ctx, pos[0], st, *reason, caseUser())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%s: %s\n", c.ID, c.Status)
		return nil
	})
}

func casePriority(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("priority", "case priority ID 1-4 --reason R", "Changes the priority; the reason (impact on the customer's business) is kept in the priority history.")
	reason := fs.String("reason", "", "impact on the customer's business (required)")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "priority", "PRIORITY"); err != nil {
		return err
	}
	if strings.TrimSpace(*reason) == "" {
		return usagef("case priority needs --reason (the impact on the customer's business)")
	}
	p, err := cases.ParsePriority(pos[1])
	if err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		c, err := s.SetPriority(ctx, pos[0], p, *reason, caseUser())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%s: priority %s\n", c.ID, c.Priority)
		return nil
	})
}

func caseAssign(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("assign", "case assign ID NAME", "Gives the case to someone.")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "assign", "NAME"); err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		_, err := s.Assign(ctx, pos[0], pos[1], caseUser())
		return err
	})
}

func caseAnalysis(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("analysis", "case analysis ID [--cause C] [--solution S]", "Records the cause and solution (they feed the knowledge-base draft).")
	cause := fs.String("cause", "", "the cause found")
	solution := fs.String("solution", "", "the solution")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "analysis"); err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		_, err := s.SetAnalysis(ctx, pos[0], *cause, *solution, caseUser())
		return err
	})
}

func caseAttach(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("attach", "case attach ID FILE...", "Copies files into the attachments (by SHA-256) and attaches them to the case.")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("case attach needs ID and FILE")
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		for _, f := range pos[1:] {
			a, err := s.AttachFile(ctx, pos[0], f, caseUser())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "%s  %s\n", a.SHA256, a.Name)
		}
		// The error templates of the logs make the case findable by them.
		return analyzeAttachments(ctx, s)
	})
}

func caseEscalate(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("escalate", "case escalate ID --reproduced-on VERSION --description TEXT --done TEXT --finding TEXT... [--source-location L]",
		"Hands the case to the vendor's 3rd level. Refused until the checklist is complete: reproduced on a current standard demo system (which version), exact description of the error and its context, activities already done, findings with logs attached (case attach); the location in the standard source code is optional.")
	var esc cases.Escalation
	fs.StringVar(&esc.ReproducedOn, "reproduced-on", "", "version of the current standard demo system on which the error was reproduced")
	fs.StringVar(&esc.Description, "description", "", "exact description of the error and its context")
	fs.StringVar(&esc.Done, "done", "", "activities already done")
	fs.StringVar(&esc.SourceLocation, "source-location", "", "location in the standard source code, if known")
	fs.StringVar(&esc.Product, "product", "", "affected product (default: the case's)")
	var findings multi
	fs.Var(&findings, "finding", "a finding of the analysis (repeatable)")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "escalate"); err != nil {
		return err
	}
	esc.Findings, esc.By = findings, caseUser()
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		c, err := s.Escalate(ctx, pos[0], esc)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%s: escalated to the vendor's 3rd level, waiting for the vendor\n", c.ID)
		return nil
	})
}

func caseBundle(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("bundle", "case bundle ID OUT.zip", "Writes the escalation bundle: report (Markdown and HTML), attached logs with SHA-256, audit logs and recordings with their verification; secrets redacted. OUT must not exist.")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "bundle", "OUT.zip"); err != nil {
		return err
	}
	return withCases(ctx, e, func(ws *workspace.Workspace, s *cases.Store) error {
		red, err := bridge.Redactor()
		if err != nil {
			return err
		}
		res, err := s.Bundle(ctx, pos[0], pos[1], cases.BundleOptions{Verifier: bridge.AuditVerifier(ws.Dir), Redactor: red, By: caseUser()})
		if err != nil {
			return err
		}
		for _, f := range res.Files {
			fmt.Fprintf(e.Stdout, "%s  %s\n", f.SHA256, f.Name)
		}
		fmt.Fprintf(e.Stdout, "wrote %s\n", res.Path)
		return nil
	})
}

func caseDemo(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("demo", "case demo", "Imports the demo cases into a data folder without cases.")
	if pos, err := parseMixed(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("case demo takes no arguments")
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		n, err := s.SeedDemo(ctx, demoFS())
		if err != nil {
			return err
		}
		if n == 0 {
			return errors.New("the data folder already has cases; demo cases are only imported into an empty one")
		}
		fmt.Fprintf(e.Stdout, "imported %d demo cases\n", n)
		return nil
	})
}
