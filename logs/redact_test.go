package logs

import (
	"context"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	r, err := NewRedactor(RedactorConfig{Extra: []Pattern{
		{Name: "customer-no", Regex: `Kunde (\d{6})`},
	}})
	if err != nil {
		t.Fatal(err)
	}
	in := strings.Join([]string{
		"2026-11-27 10:00:00 INFO login user=jdoe password=Geheim123! ok",            // 1
		"db: Passwort: 'sehr geheim' pwd=abc;x=1",                                    // 2
		`{"password": "p@ss word", "token": "abc123def456"}`,                         // 3
		"GET /api Authorization: Bearer abcdefghijklmnop.qrstu-vwxyz",                // 4
		"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r", // 5
		"key AKIAIOSFODNN7EXAMPLE used",                                              // 6
		"-----BEGIN RSA PRIVATE KEY-----",                                            // 7
		"MIIEowIBAAKCAQEA1234567890abcdef",                                           // 8
		"-----END RSA PRIVATE KEY-----",                                              // 9
		"Zahlung an DE89 3704 0044 0532 0130 00 und DE89370400440532013001",          // 10: valid, invalid
		"mail from jane.doe@example.com to ops@acme.de",                              // 11
		"Kunde 123456 gesperrt",                                                      // 12
		"check pass; user unknown",                                                   // 13
		"connect https://erp:s3cr3t@db.example.com/x",                                // 14
	}, "\r\n")
	out, rep, err := r.RedactString(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Geheim123!", "sehr geheim", "abc;", "p@ss word", "abc123def456", "abcdefghijklmnop",
		"eyJhbGci", "AKIAIOSFODNN7EXAMPLE", "MIIEowIBAAKCAQEA", "DE89 3704 0044 0532 0130 00", "jane.doe@example.com",
		"ops@acme.de", "123456", "s3cr3t"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q not redacted:\n%s", secret, out)
		}
	}
	for _, keep := range []string{"user=jdoe", "DE89370400440532013001", "check pass; user unknown", "x=1", "Kunde [REDACTED customer-no] gesperrt"} {
		if !strings.Contains(out, keep) {
			t.Errorf("%q lost:\n%s", keep, out)
		}
	}
	if got := len(strings.Split(out, "\n")); got != 14 {
		t.Errorf("%d lines out, want 14", got)
	}
	want := map[string]int{KindPassword: 5, KindToken: 4, KindPrivateKey: 1, KindIBAN: 1, KindEmail: 2, "customer-no": 1}
	got := rep.Totals()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d masked, want %d (report %+v)", k, got[k], n, rep.Redactions)
		}
	}
	found := false
	for _, x := range rep.Redactions {
		if x.Kind == KindPrivateKey && x.Line == 7 {
			found = true
		}
		if x.Line == 13 {
			t.Errorf("line 13 reported: %+v", x)
		}
	}
	if !found {
		t.Errorf("private key not reported on line 7: %+v", rep.Redactions)
	}
	if _, err := NewRedactor(RedactorConfig{Extra: []Pattern{{Name: "bad", Regex: "(["}}}); err == nil {
		t.Error("broken pattern accepted")
	}
	if _, err := NewRedactor(RedactorConfig{Extra: []Pattern{{Regex: "x"}}}); err == nil {
		t.Error("pattern without name accepted")
	}
}

func TestValidIBAN(t *testing.T) {
	for s, want := range map[string]bool{
		"DE89370400440532013000":      true,
		"GB82 WEST 1234 5698 7654 32": true,
		"AT611904300234573201":        true,
		"DE89370400440532013001":      false,
		"DE00":                        false,
	} {
		if got := validIBAN(s); got != want {
			t.Errorf("validIBAN(%q) = %v", s, got)
		}
	}
}
