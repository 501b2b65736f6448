package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"werkbank/bridge"
	"werkbank/cases"
	"werkbank/remote"
)

func remoteExec(ctx context.Context, e *Env, args []string) (err error) {
	fs := e.flags("remote exec", "remote exec --case ID --reason TEXT [FLAGS] USER@HOST[:PORT] -- CMD", remoteHelp)
	var rf remoteFlags
	rf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	pos := fs.Args()
	if len(pos) < 1 {
		return usagef("remote exec needs USER@HOST and a command after --")
	}
	target, cmdArgs := pos[0], pos[1:]
	if len(cmdArgs) > 0 && cmdArgs[0] == "--" {
		cmdArgs = cmdArgs[1:]
	}
	if len(cmdArgs) == 0 {
		return usagef("remote exec needs a command after --")
	}
	if err := rf.check(); err != nil {
		return err
	}
	set, err := openRemote(ctx, e, &rf, true)
	if err != nil {
		return err
	}
	defer closeInto(&err, set.close)
	s, err := set.remote.Open(ctx, remote.SessionRequest{Case: rf.caseID, Reason: rf.reason, Target: target, ProxyJump: rf.jump})
	if err != nil {
		return err
	}
	cmd := strings.Join(cmdArgs, " ")
	res, runErr := s.Exec(ctx, cmd, e.Stdout, e.Stderr)
	closeErr := s.Close()
	act := bridge.SessionActivity(s, set.who, cases.MsgRemoteExec, "command", cmd, "status", strconv.Itoa(res.ExitStatus), "duration", res.Duration.Round(time.Millisecond).String())
	if runErr != nil {
		act = bridge.SessionActivity(s, set.who, cases.MsgRemoteFailed, "command", cmd, "error", runErr.Error())
	}
	logErr := logSession(context.WithoutCancel(ctx), e, set, rf.caseID, s, act)
	if err := errors.Join(runErr, closeErr, logErr); err != nil {
		return err
	}
	if res.ExitStatus != 0 {
		return fmt.Errorf("the remote command exited with status %d", res.ExitStatus)
	}
	return nil
}

func remoteCollect(ctx context.Context, e *Env, args []string) (err error) {
	fs := e.flags("remote collect", "remote collect --case ID --reason TEXT [FLAGS] USER@HOST[:PORT] REMOTE_PATH...",
		remoteHelp+`

Fetches files (or glob patterns such as /var/log/erp/*.log) over SFTP into
<data>/attachments/<sha256> and attaches them to the case. A transfer cut
off is resumed (also by running the same command again). Prints one line per
file: SHA-256, size, remote path.`)
	var rf remoteFlags
	rf.register(fs)
	maxMB := fs.Int64("max-size-mb", remote.DefaultMaxFileSize>>20, "refuse files larger than this many MiB")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("remote collect needs USER@HOST and at least one REMOTE_PATH")
	}
	if err := rf.check(); err != nil {
		return err
	}
	if *maxMB <= 0 {
		return usagef("--max-size-mb must be positive")
	}
	set, err := openRemote(ctx, e, &rf, true)
	if err != nil {
		return err
	}
	defer closeInto(&err, set.close)
	s, err := set.remote.Open(ctx, remote.SessionRequest{Case: rf.caseID, Reason: rf.reason, Target: pos[0], ProxyJump: rf.jump})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, StopSignals...)
	defer stop()
	opt := remote.CollectOptions{Paths: pos[1:], MaxSize: *maxMB << 20}
	if !*quiet {
		opt.Progress = func(p remote.Progress) {
			pct := 100.0
			if p.Total > 0 {
				pct = float64(p.Done) * 100 / float64(p.Total)
			}
			fmt.Fprintf(e.Stderr, "\r[%d/%d] %s %5.1f%% of %d bytes", p.File+1, p.Files, p.RemotePath, pct, p.Total)
			if p.Done == p.Total {
				fmt.Fprintln(e.Stderr)
			}
		}
	}
	res, colErr := s.Collect(ctx, opt)
	closeErr := s.Close()
	for _, f := range res.Files {
		fmt.Fprintf(e.Stdout, "%s  %d  %s\n", f.SHA256, f.Size, f.RemotePath)
	}
	act := bridge.SessionActivity(s, set.who, cases.MsgRemoteCollect, "files", strconv.Itoa(len(res.Files)), "failed", strconv.Itoa(len(res.Failed)))
	logErr := logSession(context.WithoutCancel(ctx), e, set, rf.caseID, s, act)
	if colErr != nil {
		return fmt.Errorf("collect: %w", errors.Join(colErr, closeErr, logErr))
	}
	return errors.Join(closeErr, logErr)
}

func remoteShell(ctx context.Context, e *Env, args []string) (err error) {
	fs := e.flags("remote shell", "remote shell --case ID --reason TEXT [FLAGS] USER@HOST[:PORT]",
		remoteHelp+`

Opens an interactive shell in this terminal. The output is recorded as
asciicast v2 in <data>/recordings (typed input is never recorded) and the
recording's SHA-256 goes into the audit log.`)
	var rf remoteFlags
	rf.register(fs)
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("remote shell needs exactly one USER@HOST")
	}
	if err := rf.check(); err != nil {
		return err
	}
	// The shell may run for hours: do not hold the data folder meanwhile.
	set, err := openRemote(ctx, e, &rf, false)
	if err != nil {
		return err
	}
	defer closeInto(&err, set.close)
	s, err := set.remote.Open(ctx, remote.SessionRequest{Case: rf.caseID, Reason: rf.reason, Target: pos[0], ProxyJump: rf.jump})
	if err != nil {
		return err
	}
	recording, shErr := runShell(ctx, e, s)
	closeErr := s.Close()
	logErr := logSession(context.WithoutCancel(ctx), e, set, rf.caseID, s, bridge.SessionActivity(s, set.who, cases.MsgRemoteShell, "recording", recording))
	return errors.Join(shErr, closeErr, logErr)
}

// runShell connects the local terminal (raw mode when it is one) to a
// remote shell and follows window size changes. It returns the name of
// the shell's recording ("" if the shell did not start).
func runShell(ctx context.Context, e *Env, s *remote.Session) (string, error) {
	opt := remote.ShellOptions{Term: os.Getenv("TERM"), Stdin: e.Stdin, Stdout: e.Stdout}
	in, isFile := e.Stdin.(*os.File)
	out, _ := e.Stdout.(*os.File)
	if isFile && term.IsTerminal(int(in.Fd())) {
		if out != nil {
			if w, h, err := term.GetSize(int(out.Fd())); err == nil {
				opt.Cols, opt.Rows = w, h
			}
		}
		old, err := term.MakeRaw(int(in.Fd()))
		if err != nil {
			return "", fmt.Errorf("terminal raw mode: %w", err)
		}
		defer term.Restore(int(in.Fd()), old)
	}
	sh, err := s.Shell(ctx, opt)
	if err != nil {
		return "", err
	}
	if out != nil && term.IsTerminal(int(out.Fd())) {
		stop := followWindowSize(out, sh)
		defer stop()
	}
	return sh.Recording, sh.Wait()
}
