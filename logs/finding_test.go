package logs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

func TestFinding(t *testing.T) {
	data := "2026-11-27 10:00:00 INFO login jdoe password=Geheim1\n" +
		"2026-11-27 10:00:01 ERROR posting failed, mail to ops@acme.de\n" +
		"\tat a.B.post(B.java:12)\n" +
		"2026-11-27 10:00:02 INFO done\n"
	path := writeFile(t, "app.log", []byte(data))
	ix, err := BuildIndex(context.Background(), path, IndexConfig{Entries: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	red, err := NewRedactor(RedactorConfig{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFinding(context.Background(), ix, path, 1, 3, " Buchung schlägt fehl ", red)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	sum := sha256.Sum256(raw)
	if f.SHA256 != hex.EncodeToString(sum[:]) || f.File != "app.log" || f.Ref() != "log:"+f.SHA256+":1-3" {
		t.Errorf("finding %+v", f)
	}
	text := f.Text()
	for _, want := range []string{"Finding: app.log, lines 1–3 (SHA-256 " + f.SHA256 + ")", "Buchung schlägt fehl\n",
		"[REDACTED password]", "[REDACTED email]", "at a.B.post(B.java:12)", "Redacted: 1 email, 1 password"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Geheim1") || strings.Contains(text, "ops@acme.de") || strings.Contains(text, "done") {
		t.Errorf("secret or line outside the range in:\n%s", text)
	}
	if _, err := NewFinding(context.Background(), ix, path, 3, 9, "", red); err == nil {
		t.Error("range beyond the file accepted")
	}
}
