// Package assets embeds the hub's built front-end assets so that the hub
// binary serves them itself.
//
// The files under dist are produced by `npm run build` at the repository root:
// the compiled stylesheet app.css, GOV.UK Frontend's govuk-frontend.min.js,
// init.js, sign.js, OpenPGP.js as openpgp.min.js, images/favicon.svg and
// manifest.json. Only dist/.gitkeep is committed, so before the build has
// run FS holds no assets.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS is the built asset tree rooted at dist; the hub serves it under /assets/.
var FS fs.FS = mustSub(dist, "dist")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
