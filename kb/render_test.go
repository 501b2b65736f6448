package kb

import (
	"strings"
	"testing"
)

func TestRenderHTML(t *testing.T) {
	md := "# Titel\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n~~alt~~ https://example.com/x\n\n![Screenshot](img/fehler.png \"Fehler\")\n\n" +
		"<script>alert(1)</script>\n\n<b>fett</b> und [klick](javascript:alert(1))\n\n- [x] erledigt\n"
	html, err := RenderHTML(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<h1 id="titel">Titel</h1>`, "<table>", "<th>A</th>", "<td>2</td>", "<del>alt</del>",
		`<a href="https://example.com/x">https://example.com/x</a>`, `<img src="img/fehler.png" alt="Screenshot" title="Fehler">`,
		`type="checkbox"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered HTML lacks %q:\n%s", want, html)
		}
	}
	for _, bad := range []string{"<script", "<b>", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered HTML lets %q through:\n%s", bad, html)
		}
	}
}
