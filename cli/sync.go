package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"werkbank/cases"
	"werkbank/kb"
	"werkbank/remote"
	wsync "werkbank/sync"
	"werkbank/workspace"

	"golang.org/x/term"
)

// runServe runs "werkbank serve …": the central sync server, or with
// "user" the administration of its users.
func runServe(ctx context.Context, e *Env, args []string) error {
	if len(args) > 0 && args[0] == "user" {
		return sub(ctx, e, "serve user", args[1:], map[string]func(context.Context, *Env, []string) error{
			"add":  runServeUserAdd,
			"list": runServeUserList,
		})
	}
	fs := e.flags("serve", "serve --listen ADDR [--tls-cert F --tls-key F] [--data DIR]", `
Runs the central sync server over HTTPS. Without --tls-cert it uses its own
self-signed certificate (made on first start, kept in the data folder) and
prints its SHA-256 fingerprint, which clients pin on first contact.

Users: werkbank serve user add --role ROLE NAME prints the user's token.`)
	listen := fs.String("listen", ":8443", "address to listen on")
	certFile := fs.String("tls-cert", "", "certificate (PEM); with --tls-key")
	keyFile := fs.String("tls-key", "", "private key (PEM) of --tls-cert")
	data := fs.String("data", "", "server data folder (default: the global --data)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 && fs.Arg(0) == "user" {
		// "werkbank-server --data DIR user add NAME": the folder given
		// before "user" is the users' server folder too.
		if *data != "" {
			e.dataFlag = *data
		}
		return runServe(ctx, e, fs.Args())
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments (got %q)", fs.Args())
	}
	if (*certFile == "") != (*keyFile == "") {
		return usagef("--tls-cert and --tls-key go together")
	}
	dir, err := serverDir(e, *data)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.Stderr, nil))
	return wsync.RunServer(ctx, wsync.ServeConfig{
		Addr: *listen, DataDir: dir, CertFile: *certFile, KeyFile: *keyFile, Logger: logger,
		Validators: map[string]func(wsync.Doc) error{wsync.KindAudit: verifyAuditDoc},
		Ready: func(addr, fp string) {
			fmt.Fprintf(e.Stdout, "listening on https://%s\ncertificate SHA-256 fingerprint %s\n", addr, fp)
		},
	})
}

// serverDir resolves the server's data folder: its own --data, else the
// global one.
func serverDir(e *Env, flag string) (string, error) {
	if flag == "" {
		flag = e.dataFlag
	}
	return workspace.ResolveDir(flag)
}

func runServeUserAdd(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("serve user add", "serve user add [--data DIR] [--role ROLE] NAME", `
Creates a user of the sync server (or gives an existing one a new token) and
prints the token. Only a hash of it is stored: note it now. Roles:
specialist, teamlead, consultant, admin. The server must not be running on
the same data folder.`)
	role := fs.String("role", string(wsync.RoleSpecialist), "specialist, teamlead, consultant or admin")
	data := fs.String("data", "", "server data folder (default: the global --data)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("serve user add needs one user name")
	}
	if !wsync.Role(*role).Valid() {
		return usagef("unknown role %q (specialist, teamlead, consultant, admin)", *role)
	}
	dir, err := serverDir(e, *data)
	if err != nil {
		return err
	}
	token, err := wsync.AddUser(ctx, dir, fs.Arg(0), wsync.Role(*role))
	if err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	fmt.Fprintln(e.Stdout, token)
	return nil
}

func runServeUserList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("serve user list", "serve user list [--data DIR]", "Lists the users of the sync server.")
	data := fs.String("data", "", "server data folder (default: the global --data)")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := serverDir(e, *data)
	if err != nil {
		return err
	}
	users, err := wsync.ListUsers(ctx, dir)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	for _, u := range users {
		fmt.Fprintf(e.Stdout, "%s\t%s\t%s\n", u.Name, u.Role, u.Created.Format("2006-01-02"))
	}
	return nil
}

// runSync runs "werkbank sync …".
func runSync(ctx context.Context, e *Env, args []string) (err error) {
	fs := e.flags("sync", "sync [--server URL] [--token T|-] [--fingerprint SHA256] [--json]", `
Runs one sync round with the server: local edits go up, the server's changes
come down, concurrent edits are merged; what cannot be merged is kept side by
side and listed as a conflict. Server, token and the certificate's
fingerprint (pinned on first contact) are remembered in the data folder.
A token given on the command line is visible to other users of the machine
(ps) and lands in the shell history: prefer --token - (read from standard
input) or $`+TokenEnvVar+`.`)
	server := fs.String("server", "", "server URL, e.g. https://werkbank.example:8443 (remembered)")
	token := fs.String("token", "", "your token from 'werkbank serve user add' (remembered); - reads it from standard input")
	fp := fs.String("fingerprint", "", "SHA-256 fingerprint of the server's certificate to pin (default: trust on first use)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("sync takes no arguments (got %q)", fs.Args())
	}
	if *server != "" && !strings.HasPrefix(*server, "https://") {
		return usagef("--server must be an https:// URL")
	}
	tok, err := e.syncToken(*token)
	if err != nil {
		return err
	}
	ws, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer closeInto(&err, ws.Close)
	client, closeStores, err := OpenSyncClient(ctx, ws, wsync.ClientConfig{Server: *server, Token: tok, Fingerprint: *fp})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := closeStores(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	rep, err := client.Sync(ctx)
	if err != nil {
		if errors.Is(err, wsync.ErrNoServer) {
			return usagef("%v", err)
		}
		return fmt.Errorf("sync: %w", err)
	}
	if *asJSON {
		return e.printJSON(rep)
	}
	fmt.Fprintf(e.Stdout, "synced with %s: %d local edits, pushed %d, pulled %d, merged %d, attachments up %d down %d\n",
		rep.Server, rep.Scanned, rep.Pushed, rep.Pulled, rep.Merged, rep.BlobsUp, rep.BlobsDown)
	for _, c := range rep.Conflicts {
		fmt.Fprintf(e.Stdout, "conflict  %s %s: %s\n", c.Kind, c.ID, c.Reason)
	}
	for _, h := range rep.Held {
		fmt.Fprintf(e.Stdout, "refused   %s %s: %s\n", h.Kind, h.ID, h.Reason)
	}
	for _, f := range rep.Failed {
		fmt.Fprintf(e.Stdout, "not stored %s %s: %s (tried again next time)\n", f.Kind, f.ID, f.Reason)
	}
	return nil
}

// OpenSyncClient opens the knowledge base and the case store of ws and a
// sync client over them; cfg's DB, BlobDir and Replicas are filled in.
// The returned function closes the stores.
func OpenSyncClient(ctx context.Context, ws *workspace.Workspace, cfg wsync.ClientConfig) (*wsync.Client, func() error, error) {
	ks, err := kb.Open(ctx, kb.Config{DB: ws.DB, IndexDir: ws.Path("index")})
	if err != nil {
		return nil, nil, err
	}
	cs, err := cases.Open(ctx, cases.Config{DB: ws.DB, AttachDir: ws.Path("attachments")})
	if err != nil {
		return nil, nil, errors.Join(err, ks.Close())
	}
	closeStores := ks.Close
	cfg.DB, cfg.BlobDir = ws.DB, ws.Path("attachments")
	cfg.Replicas = []wsync.Replica{kb.NewReplica(ks), cases.NewReplica(cs), wsync.AuditLogs(ws.Path("audit")), wsync.Recordings(ws.Path("recordings"), ws.Path("attachments"))}
	client, err := wsync.NewClient(ctx, cfg)
	if err != nil {
		return nil, nil, errors.Join(err, closeStores())
	}
	return client, closeStores, nil
}

// verifyAuditDoc checks an audit log pushed to the server with the audit
// log's own verification (hash chain of the events, signatures): a log
// may be incomplete (a session still running) and its recordings travel
// separately, but no event may be changed, missing or out of order. Whose
// key signed it is for each reader to judge with their trusted keys.
func verifyAuditDoc(d wsync.Doc) error {
	data, err := wsync.LogBytes(d.Events)
	if err != nil {
		return fmt.Errorf("audit log %s: %w", d.ID, err)
	}
	res, err := remote.Verify(bytes.NewReader(data), d.ID, remote.VerifyOptions{})
	if err != nil {
		return fmt.Errorf("audit log %s: %w", d.ID, err)
	}
	var problems []string
	for _, p := range res.Problems {
		if p.Kind != remote.ProblemTruncated && p.Kind != remote.ProblemRecording && p.Kind != remote.ProblemUntrusted {
			problems = append(problems, p.String())
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("audit log %s does not verify: %s", d.ID, strings.Join(problems, "; "))
	}
	return nil
}

// TokenEnvVar names the environment variable that gives the sync token
// when --token is not used.
const TokenEnvVar = "WERKBANK_SYNC_TOKEN"

// syncToken returns the token to use: the flag's value, the first line of
// standard input for "-", else $WERKBANK_SYNC_TOKEN (empty: the remembered
// one).
func (e *Env) syncToken(flag string) (string, error) {
	switch flag {
	case "-":
		var line string
		if in, ok := e.Stdin.(*os.File); ok && term.IsTerminal(int(in.Fd())) {
			fmt.Fprint(e.Stderr, "Token: ")
			b, err := term.ReadPassword(int(in.Fd())) // not shown on the screen
			fmt.Fprintln(e.Stderr)
			if err != nil {
				return "", fmt.Errorf("read the token: %w", err)
			}
			line = string(b)
		} else {
			l, err := bufio.NewReader(e.Stdin).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return "", fmt.Errorf("read the token from standard input: %w", err)
			}
			line = l
		}
		tok := strings.TrimSpace(line)
		if tok == "" {
			return "", usagef("--token -: standard input holds no token")
		}
		return tok, nil
	case "":
		return strings.TrimSpace(os.Getenv(TokenEnvVar)), nil
	default:
		return flag, nil
	}
}
