package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"werkbank/assets"
	"werkbank/bridge"
	"werkbank/cases"
	"werkbank/kb"
	"werkbank/workspace"
)

// demoFS is the file system with the demo content.
func demoFS() fs.FS { return assets.Demo }

func caseMail(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("mail", "case mail ID TEMPLATE [--lang de|en] [--text T]",
		"Renders a customer message (received, need_info, workaround, fix_delivered), prints it and logs it as a mail activity. need_info also pauses the clock (waiting for the customer).")
	lang := fs.String("lang", "de", "de or en")
	text := fs.String("text", "", "the questions, the workaround or a remark")
	sender := fs.String("sender", caseUser(), "signature")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "mail", "TEMPLATE"); err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		msg, err := s.SendMessage(ctx, pos[0], cases.MessageInput{Template: cases.Template(pos[1]), Lang: *lang, Text: *text, Sender: *sender}, caseUser())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "Subject: %s\n\n%s\n", msg.Subject, msg.Body)
		return nil
	})
}

func caseDraft(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("draft", "case draft ID", "Turns a solved case into a knowledge-base draft (problem, cause, solution) linked both ways; prints the article id.")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if err := oneID(pos, "draft"); err != nil {
		return err
	}
	return withCases(ctx, e, func(ws *workspace.Workspace, s *cases.Store) error {
		ks, err := kb.Open(ctx, kb.Config{DB: ws.DB, IndexDir: ws.Path("index")})
		if err != nil {
			return err
		}
		id, err := s.DraftArticle(ctx, pos[0], bridge.Drafter(ks, kb.User{Name: caseUser(), Role: kb.RoleSpecialist}), caseUser())
		if cerr := ks.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, id)
		return nil
	})
}

func caseFix(ctx context.Context, e *Env, args []string) error {
	return sub(ctx, e, "case fix", args, map[string]func(context.Context, *Env, []string) error{
		"add":     caseFixAdd,
		"deliver": caseFixDeliver,
		"list":    caseFixList,
		"show":    caseFixShow,
	})
}

func caseFixAdd(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("fix add", "case fix add --id FIX --version V --case ID... [--customer C]... [--product P] [--title T]",
		"Records a vendor fix; every affected customer gets a pending delivery.")
	var f cases.Fix
	fs.StringVar(&f.ID, "id", "", "the vendor's fix id")
	fs.StringVar(&f.Version, "version", "", "product version that contains the fix")
	fs.StringVar(&f.Product, "product", "", "product")
	fs.StringVar(&f.Title, "title", "", "what the fix corrects")
	var ids, customers multi
	fs.Var(&ids, "case", "affected case (repeatable)")
	fs.Var(&customers, "customer", "affected customer without a case (repeatable)")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || f.ID == "" || f.Version == "" || len(ids)+len(customers) == 0 {
		return usagef("case fix add needs --id, --version and at least one --case or --customer")
	}
	f.Cases, f.By = ids, caseUser()
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		got, err := s.RecordFix(ctx, f, customers)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%s: %d customers to deliver\n", got.ID, len(got.Deliveries))
		return nil
	})
}

func caseFixDeliver(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("fix deliver", "case fix deliver FIX CUSTOMER [--status installed|scheduled|pending] [--note N]", "Tracks the delivery of a fix at a customer.")
	status := fs.String("status", "installed", "pending, scheduled or installed")
	note := fs.String("note", "", "remark")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("case fix deliver needs FIX and CUSTOMER")
	}
	st, err := cases.ParseDeliveryStatus(*status)
	if err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		f, err := s.Deliver(ctx, pos[0], pos[1], st, *note, caseUser())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%s at %s: %s (fix done: %t)\n", f.ID, pos[1], st, f.Done())
		return nil
	})
}

func caseFixList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("fix list", "case fix list [--json]", "Lists the vendor fixes, those not yet delivered everywhere first.")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseMixed(fs, args); err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		fixes, err := s.Fixes(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			if fixes == nil {
				fixes = []cases.Fix{}
			}
			return e.printJSON(fixes)
		}
		tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FIX\tVERSION\tDELIVERED\tDONE\tTITLE")
		for _, f := range fixes {
			n := 0
			for _, d := range f.Deliveries {
				if d.Status == cases.DeliveryInstalled {
					n++
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%t\t%s\n", f.ID, f.Version, n, len(f.Deliveries), f.Done(), f.Title)
		}
		return tw.Flush()
	})
}

func caseFixShow(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("fix show", "case fix show [--json] FIX", "Shows a fix and its delivery per customer.")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("case fix show needs FIX")
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		f, err := s.GetFix(ctx, pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			return e.printJSON(f)
		}
		fmt.Fprintf(e.Stdout, "%s %s (version %s), done: %t\n", f.ID, f.Title, f.Version, f.Done())
		for _, d := range f.Deliveries {
			fmt.Fprintf(e.Stdout, "  %-30s %-10s %s %s\n", d.Customer, d.Status, strings.Join(d.Cases, ","), d.Note)
		}
		return nil
	})
}

func caseContract(ctx context.Context, e *Env, args []string) error {
	return sub(ctx, e, "case contract", args, map[string]func(context.Context, *Env, []string) error{
		"list": caseContractList,
		"set":  caseContractSet,
	})
}

func caseContractList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("contract list", "case contract list [--json]", "Shows the contracts with their service hours and targets.")
	asJSON := fs.Bool("json", false, "print JSON (the format case contract set reads)")
	if _, err := parseMixed(fs, args); err != nil {
		return err
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		var all []cases.Contract
		for _, n := range s.ContractNames() {
			c, err := s.Contract(n)
			if err != nil {
				return err
			}
			all = append(all, c)
		}
		if *asJSON {
			return e.printJSON(all)
		}
		for _, c := range all {
			fmt.Fprintf(e.Stdout, "%s: %s, zone %s, Bundesland %s\n", c.Name, c.Hours, orDefault(c.TimeZone, cases.DefaultTimeZone), orDefault(c.Bundesland, "-"))
			for p := cases.PriorityEmergency; p <= cases.PriorityLow; p++ {
				t := c.Targets[p]
				extra := ""
				if t.AllHours {
					extra = " (24/7)"
				}
				fmt.Fprintf(e.Stdout, "  priority %d: reaction %s, resolution %s, vendor %s%s\n", p, fmtHours(time.Duration(t.Reaction)), fmtHours(time.Duration(t.Resolution)), fmtHours(time.Duration(t.Vendor)), extra)
			}
		}
		return nil
	})
}

func caseContractSet(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("contract set", "case contract set FILE.json", `Adds or replaces a contract from JSON, e.g.
{"name":"Gold","time_zone":"Europe/Berlin","hours":"mon-fri 07:00-18:00","bundesland":"NW","holidays":["2026-12-24"],
 "targets":{"1":{"reaction":"30m","resolution":"4h","all_hours":true},"2":{"reaction":"2h","resolution":"16h"},"3":{"reaction":"4h","resolution":"40h"},"4":{"reaction":"8h","resolution":"80h"}}}`)
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("case contract set needs FILE.json")
	}
	raw, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	var c cases.Contract
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("contract %s: %w", pos[0], err)
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		if err := s.PutContract(ctx, c); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "contract %s stored\n", c.Name)
		return nil
	})
}

func caseHolidays(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("holidays", "case holidays YEAR [--bundesland XX]", "Lists the German public holidays of a year, optionally with a state's regional ones.")
	state := fs.String("bundesland", "", "two-letter state code, e.g. BY, NW")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("case holidays needs YEAR")
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || year < 1900 || year > 2200 {
		return usagef("year %q: want e.g. 2026", pos[0])
	}
	hs, err := cases.GermanHolidays(year, *state)
	if err != nil {
		return err
	}
	for _, h := range hs {
		fmt.Fprintf(e.Stdout, "%s  %s\n", h.Date, h.Name)
	}
	return nil
}

func caseReport(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("report", "case report [--json]", "The team lead's figures: SLA compliance per month and priority (finished cases), open cases by age, escalations per product. The desktop window draws them as plots.")
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parseMixed(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("case report takes no arguments")
	}
	return withCases(ctx, e, func(_ *workspace.Workspace, s *cases.Store) error {
		rep, err := s.TeamReport(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return e.printJSON(rep)
		}
		fmt.Fprintf(e.Stdout, "Open cases: %d, with a breached SLA clock: %d\n\nSLA compliance (finished cases):\n", rep.Open, rep.Breached)
		for _, c := range rep.Compliance {
			fmt.Fprintf(e.Stdout, "  %s  P%d  %d of %d met (%.0f %%)\n", c.Month, c.Priority, c.Met, c.Total, 100*float64(c.Met)/float64(c.Total))
		}
		fmt.Fprintf(e.Stdout, "\nOpen cases by age (P1 P2 P3 P4):\n")
		for _, b := range rep.OpenByAge {
			fmt.Fprintf(e.Stdout, "  %-10s %3d  (%d %d %d %d)\n", b.Label, b.Total(), b.Count[1], b.Count[2], b.Count[3], b.Count[4])
		}
		fmt.Fprintf(e.Stdout, "\nEscalations per product:\n")
		for _, p := range rep.Escalations {
			fmt.Fprintf(e.Stdout, "  %3d  %s\n", p.Count, p.Product)
		}
		return nil
	})
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
