package app

import (
	"errors"
	"os"
	osuser "os/user"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// Preference keys of the local user.
const (
	prefUserName = "user.name"
	prefUserRole = "user.role"
)

// loadUser reads the local current user from the preferences. Without a
// saved name it takes the operating-system login; without a saved role it
// is a specialist (the least privileged role that writes articles).
func loadUser(p fyne.Preferences) kb.User {
	name := p.String(prefUserName)
	if name == "" {
		name = systemUserName()
	}
	role := kb.Role(p.StringWithFallback(prefUserRole, string(kb.RoleSpecialist)))
	if !validRole(role) {
		role = kb.RoleSpecialist
	}
	return kb.User{Name: name, Role: role}
}

// saveUser persists the local current user.
func saveUser(p fyne.Preferences, u kb.User) {
	p.SetString(prefUserName, u.Name)
	p.SetString(prefUserRole, string(u.Role))
}

// systemUserName is the operating-system login, or "" when unknown.
func systemUserName() string {
	if cur, err := osuser.Current(); err == nil && cur.Username != "" {
		return cur.Username
	}
	return os.Getenv("USER")
}

// validRole reports whether r is one of the known roles.
func validRole(r kb.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// settingsScreen is the settings form: user name and role, language, and
// the data folder.
type settingsScreen struct {
	u        *ui
	name     *widget.Entry
	role     *widget.Select
	language *widget.Select
	// langItem is the language field, whose hint says when a choice
	// takes effect.
	langItem *widget.FormItem
	save     *widget.Button
	root     fyne.CanvasObject
}

// buildSettingsScreen makes the settings screen.
func buildSettingsScreen(u *ui) fyne.CanvasObject {
	return newSettingsScreen(u).root
}

// newSettingsScreen makes the settings screen and returns its parts, so
// tests can operate it.
func newSettingsScreen(u *ui) *settingsScreen {
	s := &settingsScreen{u: u}
	s.name = widget.NewEntry()
	s.name.SetText(u.user.Name)
	s.name.SetPlaceHolder(lang.X("settings.name.hint", "Your name, as it appears in revisions"))

	roleNames := make([]string, len(roles))
	for i, r := range roles {
		roleNames[i] = roleLabel(r)
	}
	s.role = newSelect(roleNames, nil)
	s.role.SetSelected(roleLabel(u.user.Role))

	langNames := make([]string, len(languages))
	for i, l := range languages {
		langNames[i] = languageLabel(l)
	}
	prefs := u.app.Preferences()
	s.language = newSelect(langNames, func(sel string) {
		for i, n := range langNames {
			if n == sel && prefs.StringWithFallback(prefLanguage, "system") != languages[i] {
				prefs.SetString(prefLanguage, languages[i])
				if w := u.window(); w != nil {
					dialog.ShowInformation(lang.X("settings.language", "Language"),
						lang.X("settings.language.restart", "The new language applies the next time Werkbank starts."), w)
				}
			}
		}
	})
	s.language.SetSelected(languageLabel(prefs.StringWithFallback(prefLanguage, "system")))

	folder := widget.NewLabel(u.ws.Dir)
	folder.Wrapping = fyne.TextWrapBreak
	folder.Selectable = true

	s.save = widget.NewButton(lang.X("settings.save", "Save"), s.apply)
	s.save.Importance = widget.HighImportance

	// fyne cannot switch the language of a running window: the choice
	// takes effect at the next start, and the form says so.
	s.langItem = widget.NewFormItem(lang.X("settings.language", "Language"), s.language)
	s.langItem.HintText = lang.X("settings.language.restart", "The new language applies the next time Werkbank starts.")
	form := widget.NewForm(
		widget.NewFormItem(lang.X("settings.name", "Name"), s.name),
		widget.NewFormItem(lang.X("settings.role", "Role"), s.role),
		s.langItem,
		widget.NewFormItem(lang.X("settings.folder", "Data folder"), folder),
	)
	note := widget.NewLabel(lang.X("settings.role.note",
		"Until the team server brings real accounts, the role is chosen here. Only team leads and administrators publish and archive articles."))
	note.Wrapping = fyne.TextWrapWord
	head := widget.NewLabelWithStyle(lang.X("nav.settings", "Settings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.root = container.NewVScroll(container.NewPadded(container.NewVBox(head, form, note, container.NewHBox(s.save))))
	return s
}

// errNoName reports an empty user name in the settings.
var errNoName = errors.New("the name is empty")

// apply saves name and role as the current user. The name is required:
// every revision records it.
func (s *settingsScreen) apply() {
	name := strings.TrimSpace(s.name.Text)
	if name == "" {
		s.u.showError(lang.X("settings.err.noname", "Please enter your name. It is recorded in every revision you save."), errNoName)
		return
	}
	usr := kb.User{Name: name, Role: s.u.user.Role}
	for _, r := range roles {
		if roleLabel(r) == s.role.Selected {
			usr.Role = r
		}
	}
	s.u.setUser(usr)
}
