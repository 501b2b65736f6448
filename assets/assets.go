// Package assets embeds what ships inside the binary: the application icon,
// the UI translations (fyne lang JSON files, one per area and language) and
// the demo content seeded on first start.
package assets

import "embed"

// Icon is the application icon (PNG).
//
//go:embed icon.png
var Icon []byte

// Translations holds translations/<area>.<lang>.json (e.g. cases.de.json)
// for fyne's lang package.
//
//go:embed translations/*.json
var Translations embed.FS

// Demo holds the demo content: demo/articles/*.md and the demo cases.
//
//go:embed demo
var Demo embed.FS
