// Builds the hub's front-end assets into adapters/web/assets/dist.
//
// Run from the repository root with `npm run build`. It empties dist (keeping
// .gitkeep), compiles src/app.scss to dist/app.css with Dart Sass, copies GOV.UK
// Frontend's JavaScript and OpenPGP.js (as openpgp.min.js, for signing a
// return in the page) from node_modules, and copies the hub's own files from
// src. GOV.UK Frontend's fonts and crown images are not copied: the GDS
// Transport font and the crown are reserved for GOV.UK. At the end it lists the
// produced files and reports any /assets/ url() in app.css that has no file.
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const assetsDir = path.dirname(fileURLToPath(import.meta.url))
const rootDir = path.resolve(assetsDir, '../../..')
const srcDir = path.join(assetsDir, 'src')
const distDir = path.join(assetsDir, 'dist')
const govukDir = path.join(rootDir, 'node_modules/govuk-frontend/dist/govuk')

// URL paths that app.css may reference without a file in dist, because the
// hub's templates never use the classes that load them.
const knownUnshipped = new Map([
  ['/assets/images/govuk-crest.svg', 'GOV.UK crest, used only by .govuk-footer__copyright-logo'],
])

// Files copied into dist, as [source, destination relative to dist].
const copies = [
  [path.join(govukDir, 'govuk-frontend.min.js'), 'govuk-frontend.min.js'],
  [path.join(srcDir, 'init.js'), 'init.js'],
  [path.join(srcDir, 'sign.js'), 'sign.js'],
  [path.join(srcDir, 'favicon.svg'), 'images/favicon.svg'],
  [path.join(srcDir, 'manifest.json'), 'manifest.json'],
]

async function cleanDist () {
  await mkdir(distDir, { recursive: true })
  for (const entry of await readdir(distDir)) {
    if (entry !== '.gitkeep') {
      await rm(path.join(distDir, entry), { recursive: true, force: true })
    }
  }
}

async function compileStyles () {
  const result = sass.compile(path.join(srcDir, 'app.scss'), {
    style: 'compressed',
    sourceMap: false,
    loadPaths: [path.join(rootDir, 'node_modules')],
    quietDeps: true,
  })
  await writeFile(path.join(distDir, 'app.css'), result.css + '\n')
  return result.css
}

async function copyFiles () {
  for (const [from, to] of copies) {
    const dest = path.join(distDir, to)
    await mkdir(path.dirname(dest), { recursive: true })
    await copyFile(from, dest)
  }
}

// OpenPGP.js, for signing a return in the page: its ES module build, served
// from the hub's own origin, without the source map it points to.
async function copyOpenPGP () {
  const from = path.join(rootDir, 'node_modules/openpgp/dist/openpgp.min.mjs')
  const text = await readFile(from, 'utf8')
  await writeFile(path.join(distDir, 'openpgp.min.js'), text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'))
}

async function listFiles (dir, prefix = '') {
  const files = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name
    if (entry.isDirectory()) {
      files.push(...await listFiles(path.join(dir, entry.name), rel + '/'))
    } else {
      files.push(rel)
    }
  }
  return files.sort()
}

async function exists (file) {
  try {
    await stat(file)
    return true
  } catch {
    return false
  }
}

// checkUrls returns the /assets/ url()s in css that have no file in dist and
// are not listed in knownUnshipped.
async function checkUrls (css) {
  const missing = []
  const urls = new Set([...css.matchAll(/url\(\s*["']?(\/assets\/[^"')?#]+)/g)].map((m) => m[1]))
  for (const url of urls) {
    if (knownUnshipped.has(url)) {
      continue
    }
    if (!(await exists(path.join(distDir, url.slice('/assets/'.length))))) {
      missing.push(url)
    }
  }
  return missing
}

await cleanDist()
const css = await compileStyles()
await copyFiles()
await copyOpenPGP()

if (css.includes('GDS Transport')) {
  throw new Error('app.css still refers to the GDS Transport font')
}
const missing = await checkUrls(css)
if (missing.length > 0) {
  throw new Error(`app.css refers to files missing from dist: ${missing.join(', ')}`)
}

for (const file of await listFiles(distDir)) {
  const { size } = await stat(path.join(distDir, file))
  console.log(`${path.relative(rootDir, path.join(distDir, file))}\t${size} bytes`)
}
