package cli

import (
	"os"
	"testing"
)

func TestPromptReadsCRLFAnswers(t *testing.T) {
	// Windows' console ends a typed line with "\r\n": the line feed is no
	// empty second answer.
	in, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := w.WriteString("maybe\r\nyes\r\n\nlast\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	p := &ttyPrompt{in: in, out: out}
	for _, want := range []string{"maybe", "yes", "", "last"} {
		got, err := p.read("? ", true)
		if err != nil || got != want {
			t.Fatalf("read %q (%v), want %q", got, err, want)
		}
	}
}
