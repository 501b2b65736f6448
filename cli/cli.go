// Package cli is Werkbank's command line: it parses the global flags,
// dispatches to the subcommands of DESIGN.md's command-line contract and
// starts the GUI through a function that main injects, so that this package
// never imports Fyne (the CGO-free server binary uses it too).
//
// Errors go to stderr in plain words with exit code 1; usage errors exit 2.
// Every subcommand answers --help.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"werkbank/workspace"
)

// Env is what a command may touch of the outside world.
type Env struct {
	// Stdin, Stdout and Stderr are the process's standard streams.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// GUI starts the desktop window on an open workspace and returns when
	// the window closes. Nil in binaries without a GUI.
	GUI func(ctx context.Context, ws *workspace.Workspace) error

	dataFlag string
}

// usageError marks a wrong call: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// command is one top-level subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *Env, args []string) error
}

func commands() []command {
	return []command{
		{"kb", "knowledge base: import, search, export", runKB},
		{"case", "support cases: new, list, show, note, status, escalate, bundle", runCase},
		{"remote", "audited SSH: exec, collect, shell", runRemote},
		{"audit", "verify audit logs and recordings; this workstation's key; trusted keys", runAudit},
		{"logs", "log analysis: parse, summary, match", runLogs},
		{"serve", "run the central sync server", runServe},
		{"sync", "one sync round with the server", runSync},
	}
}

// Main runs the command line with args (without the program name) and
// returns the process exit code.
func Main(ctx context.Context, args []string, e Env) int {
	err := run(ctx, args, &e)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintf(e.Stderr, "werkbank: %v\n", err)
		var u usageError
		if errors.As(err, &u) {
			return 2
		}
		return 1
	}
}

func run(ctx context.Context, args []string, e *Env) error {
	fs := flag.NewFlagSet("werkbank", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.StringVar(&e.dataFlag, "data", "", "data folder (default $"+workspace.EnvVar+", else the user's configuration folder)")
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "usage: werkbank [--data DIR] [COMMAND [ARGS]]\n\nWithout a command, werkbank opens the desktop window.\n\nCommands:\n")
		for _, c := range commands() {
			fmt.Fprintf(e.Stderr, "  %-8s %s\n", c.name, c.summary)
		}
		fmt.Fprintf(e.Stderr, "\nEvery command answers --help.\n\nGlobal flags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return runGUI(ctx, e)
	}
	for _, c := range commands() {
		if c.name == rest[0] {
			return c.run(ctx, e, rest[1:])
		}
	}
	return usagef("unknown command %q (werkbank --help lists the commands)", rest[0])
}

// runGUI opens the workspace and hands it to the injected GUI.
func runGUI(ctx context.Context, e *Env) (err error) {
	if e.GUI == nil {
		return errors.New("this binary has no desktop window; use a command (werkbank --help)")
	}
	ws, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer closeInto(&err, ws.Close)
	return e.GUI(ctx, ws)
}

// closeInto calls closeFn (deferred at the end of a command) and keeps its
// error in *err unless the command failed already.
func closeInto(err *error, closeFn func() error) {
	if cerr := closeFn(); *err == nil {
		*err = cerr
	}
}

// open opens the workspace named by --data.
func (e *Env) open(ctx context.Context) (*workspace.Workspace, error) {
	return workspace.Open(ctx, workspace.Config{Dir: e.dataFlag})
}

// flags returns a flag set for a subcommand whose --help prints usage (the
// synopsis after "werkbank") and the flags.
func (e *Env) flags(name, synopsis, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "usage: werkbank %s\n", synopsis)
		if help != "" {
			fmt.Fprintf(e.Stderr, "\n%s\n", strings.TrimSpace(help))
		}
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintf(e.Stderr, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses a subcommand's flags; wrong flags become usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// sub dispatches a command group ("kb import …") to its subcommands.
func sub(ctx context.Context, e *Env, group string, args []string, subs map[string]func(context.Context, *Env, []string) error) error {
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(e.Stderr, "usage: werkbank %s {%s} [ARGS]\n\nEvery subcommand answers --help.\n", group, strings.Join(names, "|"))
		if len(args) == 0 {
			return usagef("%s needs a subcommand", group)
		}
		return flag.ErrHelp
	}
	f, ok := subs[args[0]]
	if !ok {
		return usagef("unknown command %q for %s (one of %s)", args[0], group, strings.Join(names, ", "))
	}
	return f(ctx, e, args[1:])
}

// printJSON writes v as one line of JSON.
func (e *Env) printJSON(v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
