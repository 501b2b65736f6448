// Package assets embeds what ships inside the binary: the application icon,
// the UI translations (fyne lang JSON files, one per language) and the demo
// content seeded on first start.
package assets

import (
	"embed"
	_ "embed" // for the icon bytes
)

// Icon is the application icon (PNG).
//
//go:embed icon.png
var Icon []byte

// Translations holds translations/<lang>.json for fyne's lang package.
//
//go:embed translations/*.json
var Translations embed.FS

// Demo holds the demo content: demo/articles/*.md and the demo cases.
//
//go:embed demo
var Demo embed.FS
