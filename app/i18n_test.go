package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"werkbank/assets"
	"werkbank/cases"
	"werkbank/kb"
)

func TestLanguageSetting(t *testing.T) {
	// Restored after the test, whatever applyLanguage sets.
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	a := test.NewTempApp(t)
	if err := loadTranslations(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	if got := lang.X("nav.kb", "?"); got != "Knowledge base" {
		t.Errorf("English system: %q", got)
	}
	a.Preferences().SetString(prefLanguage, "de")
	if err := loadTranslations(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	if got := lang.X("nav.kb", "?"); got != "Wissensbasis" {
		t.Errorf("German chosen: %q", got)
	}
	if got := articleStatusLabel(kb.StatusReview); got != "In Prüfung" {
		t.Errorf("German status: %q", got)
	}
	t.Setenv("LANGUAGE", "")
	a.Preferences().SetString(prefLanguage, "system")
	if err := loadTranslations(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	if got := lang.X("nav.kb", "?"); got != "Knowledge base" {
		t.Errorf("back to the English system language: %q", got)
	}

	// Where the environment does not choose the locale (Windows, macOS),
	// the chosen language's texts are loaded over the system's; going
	// back to the system language restores them.
	if err := overrideLanguage("de"); err != nil {
		t.Fatal(err)
	}
	if got := lang.X("nav.kb", "?"); got != "Wissensbasis" {
		t.Errorf("German over an English system: %q", got)
	}
	if err := loadTranslations(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	if got := lang.X("nav.kb", "?"); got != "Knowledge base" {
		t.Errorf("English system language after the override: %q", got)
	}
	t.Setenv("LANG", "de_DE.UTF-8")
	a.Preferences().SetString(prefLanguage, "en")
	if err := loadTranslations(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	if got := lang.X("nav.kb", "?"); got != "Knowledge base" {
		t.Errorf("English chosen on a German system: %q", got)
	}
	if err := overrideLanguage("en"); err != nil {
		t.Fatal(err)
	}
	if got := lang.X("nav.kb", "?"); got != "Knowledge base" {
		t.Errorf("English chosen twice: %q", got)
	}

	// The settings say when a new choice takes effect.
	t.Setenv("LANG", "en_US.UTF-8")
	a.Preferences().SetString(prefLanguage, "system")
	if err := loadTranslations(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	s := newSettingsScreen(h.u)
	if !strings.Contains(s.langItem.HintText, "applies the next time Werkbank starts") {
		t.Errorf("the settings do not say when the language changes: %q", s.langItem.HintText)
	}
}

func TestTranslationsComplete(t *testing.T) {
	// Every translation file has its other language with the same keys,
	// and every key that a screen asks for (lang.X with a literal key)
	// has an English and a German text.
	entries, err := assets.Translations.ReadDir("translations")
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]map[string]string{"en": {}, "de": {}}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".en.json")
		if !ok {
			continue
		}
		en, de := readTranslations(t, name+".en.json"), readTranslations(t, name+".de.json")
		for k := range en {
			if de[k] == "" {
				t.Errorf("%s: %q has no German text", name, k)
			}
			all["en"][k] = en[k]
		}
		for k := range de {
			if en[k] == "" {
				t.Errorf("%s: %q has no English text", name, k)
			}
			all["de"][k] = de[k]
		}
	}
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`lang\.X\(\s*"([^"]+)",`)
	n := 0
	for _, src := range sources {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(data), -1) {
			n++
			for _, l := range []string{"en", "de"} {
				if all[l][m[1]] == "" {
					t.Errorf("%s asks for %q, which has no %s text", src, m[1], l)
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d translated strings found in the screens", n)
	}
	// The texts Werkbank writes into case activities: English as the
	// cases package has it, and German.
	for _, code := range cases.SystemTextCodes() {
		key := "cases.sys." + code
		if all["en"][key] != cases.SystemTextTemplate(code) {
			t.Errorf("%s: English %q differs from the cases package's %q", key, all["en"][key], cases.SystemTextTemplate(code))
		}
		if all["de"][key] == "" {
			t.Errorf("%s has no German text", key)
		}
	}
}

// readTranslations reads one embedded translation file.
func readTranslations(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := assets.Translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// Numbers take the window's decimal separator.
func TestDecimalFollowsTheLanguage(t *testing.T) {
	newHarnessIn(t, kb.RoleSpecialist, false, "de_DE.UTF-8")
	if got := byteSize(166893); got != "163,0 KiB" {
		t.Errorf("German size %q", got)
	}
	if got := decimal(0.8512, 2); got != "0,85" {
		t.Errorf("German decimal %q", got)
	}
	newHarnessIn(t, kb.RoleSpecialist, false, "en_US.UTF-8")
	if got := byteSize(166893); got != "163.0 KiB" {
		t.Errorf("English size %q", got)
	}
	if got := byteSize(512); got != "512 B" {
		t.Errorf("bytes %q", got)
	}
}
