package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"werkbank/assets"
	"werkbank/kb"
	"werkbank/workspace"
)

// prefLanguage is the preference key of the UI language: "system", "de"
// or "en".
const prefLanguage = "language"

// languages are the choices of the language setting.
var languages = []string{"system", "de", "en"}

// loadTranslations applies the language preference and loads every
// translation file of assets/translations (all areas, all languages).
// Fyne picks German when the (chosen) locale is German, else English.
func loadTranslations(p fyne.Preferences) error {
	choice := p.StringWithFallback(prefLanguage, "system")
	applyLanguage(choice)
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	return overrideLanguage(choice)
}

// overrideLanguage makes Werkbank's own texts appear in the chosen
// language where the locale could not be chosen through the environment
// (Windows, macOS): fyne 2.7 has no call to pick the language, so the
// chosen language's texts are loaded under the language fyne settled on.
// Fyne's own texts (e.g. in the file dialog) stay in the system language
// there.
func overrideLanguage(choice string) error {
	if choice != "de" && choice != "en" {
		return nil
	}
	current := lang.X("lang.code", "en")
	if current == choice {
		return nil
	}
	files, err := fs.Glob(assets.Translations, "translations/*."+choice+".json")
	if err != nil {
		return fmt.Errorf("load translations for %s: %w", choice, err)
	}
	for _, f := range files {
		data, err := fs.ReadFile(assets.Translations, f)
		if err != nil {
			return fmt.Errorf("load translations %s: %w", f, err)
		}
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(current)); err != nil {
			return fmt.Errorf("load translations %s: %w", f, err)
		}
	}
	return nil
}

// applyLanguage makes the locale lookup of fyne's lang package answer
// with the chosen language. fyne reads the locale from the environment on
// Linux and the BSDs (LANGUAGE overrides LANG unless the locale is C); on
// Windows and macOS it asks the system, so there the choice "system" is
// what takes effect.
func applyLanguage(choice string) {
	if choice != "de" && choice != "en" {
		return
	}
	_ = os.Setenv("LANGUAGE", choice)
	base := os.Getenv("LC_ALL")
	if base == "" {
		base = os.Getenv("LC_MESSAGES")
	}
	if base == "" {
		base = os.Getenv("LANG")
	}
	if base == "" || base == "C" || base == "POSIX" || strings.HasPrefix(base, "C.") {
		_ = os.Setenv("LC_MESSAGES", choice)
		if all := os.Getenv("LC_ALL"); all == "C" || all == "POSIX" || strings.HasPrefix(all, "C.") {
			_ = os.Setenv("LC_ALL", choice)
		}
	}
}

// languageLabel is the translated name of a language choice.
func languageLabel(choice string) string {
	switch choice {
	case "de":
		return lang.X("lang.de", "Deutsch")
	case "en":
		return lang.X("lang.en", "English")
	}
	return lang.X("lang.system", "System language")
}

// roles are the local roles, in the order the settings offer them.
var roles = []kb.Role{kb.RoleSpecialist, kb.RoleTeamLead, kb.RoleConsultant, kb.RoleAdmin}

// roleLabel is the translated name of a role.
func roleLabel(r kb.Role) string {
	switch r {
	case kb.RoleSpecialist:
		return lang.X("role.specialist", "Specialist")
	case kb.RoleTeamLead:
		return lang.X("role.teamlead", "Team lead")
	case kb.RoleConsultant:
		return lang.X("role.consultant", "Field consultant")
	case kb.RoleAdmin:
		return lang.X("role.admin", "Administrator")
	}
	return string(r)
}

// articleStatusLabel is the translated name of an article status.
func articleStatusLabel(s kb.Status) string {
	switch s {
	case kb.StatusDraft:
		return lang.X("status.draft", "Draft")
	case kb.StatusReview:
		return lang.X("status.review", "In review")
	case kb.StatusPublished:
		return lang.X("status.published", "Published")
	case kb.StatusArchived:
		return lang.X("status.archived", "Archived")
	}
	return string(s)
}

// humanError turns an error into a sentence for the user: known causes
// get a translated explanation, the technical text follows for support.
func humanError(err error) string {
	var msg string
	switch {
	case errors.Is(err, kb.ErrForbidden):
		msg = lang.X("err.forbidden", "Your role does not allow this. Only team leads and administrators publish or archive articles (see Settings).")
	case errors.Is(err, kb.ErrInvalid):
		msg = lang.X("err.invalid", "The article cannot be saved as it is. The details say what to correct.")
	case errors.Is(err, kb.ErrNotFound):
		msg = lang.X("err.notfound", "The article no longer exists. It may have been removed in the meantime.")
	case errors.Is(err, workspace.ErrInUse):
		msg = lang.X("err.inuse", "Another Werkbank window is using this data folder. Close it and try again.")
	case errors.Is(err, context.Canceled):
		msg = lang.X("err.canceled", "The action was cancelled because the window is closing.")
	case errors.Is(err, os.ErrPermission):
		msg = lang.X("err.permission", "Werkbank may not access a file it needs. Check the permissions of the data folder.")
	default:
		return lang.X("err.details", "Details: {{.Err}}", map[string]any{"Err": err.Error()})
	}
	return msg + "\n\n" + lang.X("err.details", "Details: {{.Err}}", map[string]any{"Err": err.Error()})
}

// decimal formats f with prec decimals, with a decimal comma when the
// window speaks German.
func decimal(f float64, prec int) string {
	out := strconv.FormatFloat(f, 'f', prec, 64)
	if lang.X("lang.code", "en") == "de" {
		out = strings.Replace(out, ".", ",", 1)
	}
	return out
}
