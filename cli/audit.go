package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"werkbank/remote"
	"werkbank/workspace"
)

// runAudit runs "werkbank audit …".
func runAudit(ctx context.Context, e *Env, args []string) error {
	return sub(ctx, e, "audit", args, map[string]func(context.Context, *Env, []string) error{
		"verify": auditVerify,
		"key":    auditKey,
		"trust":  auditTrust,
	})
}

func auditVerify(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("audit verify", "audit verify [--case ID | FILE...]",
		`Checks audit logs: the hash chain (changed, deleted, reordered events), that the
log is complete (truncation), the signatures of checkpoints and end, that the
signing workstation key is trusted here (this workstation's own, those added
with 'audit trust', --trust), and the SHA-256 of every shell recording. Without
arguments every log in <data>/audit is checked. Prints one result per file;
exits 0 only when all check.`)
	caseID := fs.String("case", "", "verify the audit logs of this case")
	var trust multi
	fs.Var(&trust, "trust", "also accept logs signed by this workstation key fingerprint (SHA256:…, repeatable) besides this workstation's own and those of 'audit trust'")
	files, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if *caseID != "" && len(files) > 0 {
		return usagef("give either --case or files, not both")
	}
	for _, fp := range trust {
		if err := remote.CheckFingerprint(fp); err != nil {
			return usagef("--trust: %v", err)
		}
	}
	dataDir, err := workspace.ResolveDir(e.dataFlag)
	if err != nil {
		return err
	}
	switch {
	case *caseID != "":
		files, err = filepath.Glob(filepath.Join(dataDir, "audit", *caseID, "*.jsonl"))
		if err == nil && len(files) == 0 {
			err = fmt.Errorf("no audit logs for case %q in %s", *caseID, dataDir)
		}
	case len(files) == 0:
		files, err = filepath.Glob(filepath.Join(dataDir, "audit", "*", "*.jsonl"))
		if err == nil && len(files) == 0 {
			err = fmt.Errorf("no audit logs in %s", dataDir)
		}
	}
	if err != nil {
		return err
	}
	slices.Sort(files)
	signers, err := remote.TrustedSigners(dataDir)
	if err != nil {
		return err
	}
	trusted := slices.Clone(trust)
	names := map[string]string{}
	for _, s := range signers {
		trusted = append(trusted, s.Fingerprint)
		names[s.Fingerprint] = s.Name
	}
	failed := 0
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := remote.VerifyFile(f, remote.VerifyOptions{RecordingsDir: recordingsFor(f, dataDir), TrustedKeys: trusted})
		if err != nil {
			failed++
			fmt.Fprintf(e.Stdout, "FAILED %s: %v\n", f, err)
			continue
		}
		if res.OK() {
			signer := res.Signer
			if n := names[signer]; n != "" {
				signer += " (" + n + ")"
			}
			fmt.Fprintf(e.Stdout, "OK     %s (case %s, session %s, %d events, %d recording(s), signed by %s)\n",
				f, res.Case, res.Session, res.Events, len(res.Recordings), signer)
			continue
		}
		failed++
		fmt.Fprintf(e.Stdout, "FAILED %s (case %s, session %s)\n", f, res.Case, res.Session)
		for _, p := range res.Problems {
			fmt.Fprintf(e.Stdout, "       %s\n", p)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d audit log(s) failed verification", failed, len(files))
	}
	return nil
}

// recordingsFor finds the recordings folder for an audit file: beside its
// data folder when it lies in <data>/audit/<case>/, else the current one.
func recordingsFor(file, dataDir string) string {
	abs, err := filepath.Abs(file)
	if err == nil {
		caseDir := filepath.Dir(abs)
		if filepath.Base(filepath.Dir(caseDir)) == "audit" {
			return filepath.Join(filepath.Dir(filepath.Dir(caseDir)), "recordings")
		}
	}
	return filepath.Join(dataDir, "recordings")
}

// auditKey runs "werkbank audit key".
func auditKey(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("audit key", "audit key", `
Prints the fingerprint of this workstation's audit signing key (created if
there is none yet). Give it to the colleagues and the team lead who verify
your sessions: they run 'werkbank audit trust FINGERPRINT NAME' once.`)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("audit key takes no arguments")
	}
	dataDir, err := workspace.ResolveDir(e.dataFlag)
	if err != nil {
		return err
	}
	fp, err := remote.WorkstationFingerprint(dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, fp)
	return nil
}

// auditTrust runs "werkbank audit trust".
func auditTrust(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("audit trust", "audit trust [FINGERPRINT NAME...]", `
Accepts audit logs signed by a colleague's workstation key (its fingerprint,
as 'werkbank audit key' prints it on their machine; compare it with them in
person or over a channel you trust, never from a log itself). NAME says whose
key it is. Without arguments, lists the trusted keys.`)
	if err := parse(fs, args); err != nil {
		return err
	}
	dataDir, err := workspace.ResolveDir(e.dataFlag)
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		signers, err := remote.TrustedSigners(dataDir)
		if err != nil {
			return err
		}
		for _, s := range signers {
			fmt.Fprintf(e.Stdout, "%s\t%s\n", s.Fingerprint, s.Name)
		}
		return nil
	}
	if fs.NArg() < 2 {
		return usagef("give the fingerprint and whose key it is: audit trust SHA256:… NAME")
	}
	if err := remote.CheckFingerprint(fs.Arg(0)); err != nil {
		return usagef("%v", err)
	}
	if err := remote.TrustSigner(dataDir, fs.Arg(0), strings.Join(fs.Args()[1:], " ")); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "trusted %s (%s)\n", fs.Arg(0), strings.Join(fs.Args()[1:], " "))
	return nil
}
