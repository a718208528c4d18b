package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

// hubctlBuild is one of the hubctl programs the hub offers to download, as
// `make hubctl` cross-compiles them into the configured directory.
type hubctlBuild struct {
	File   string // the file's name in the directory, e.g. hubctl-linux-amd64
	System string // for people: "Linux", "macOS", "Windows"
	Arch   string // for people: the kind of processor
}

var hubctlBuilds = []hubctlBuild{
	{"hubctl-windows-amd64.exe", "Windows", "64-bit Intel or AMD (x64)"},
	{"hubctl-darwin-arm64", "macOS", "Apple silicon (M1 and later)"},
	{"hubctl-darwin-amd64", "macOS", "Intel"},
	{"hubctl-linux-amd64", "Linux", "64-bit Intel or AMD (x86-64)"},
	{"hubctl-linux-arm64", "Linux", "64-bit ARM (aarch64)"},
}

// hubctlFile is a build found in the directory, with its size and SHA-256.
type hubctlFile struct {
	hubctlBuild
	Size   string // for people, e.g. "9.8 MB"
	SHA256 string
}

// hubctlSums remembers each file's SHA-256 by its name, size and time, so
// that the page does not read every program on every request.
var hubctlSums = struct {
	sync.Mutex
	m map[string]hubctlSum
}{m: map[string]hubctlSum{}}

type hubctlSum struct {
	size int64
	mod  time.Time
	sum  string
}

// hubctlFiles lists the builds present in the directory.
func (s *server) hubctlFiles() []hubctlFile {
	if s.HubctlDir == "" {
		return nil
	}
	var out []hubctlFile
	for _, b := range hubctlBuilds {
		name := filepath.Join(s.HubctlDir, b.File)
		st, err := os.Stat(name)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		sum, err := sha256Of(name, st)
		if err != nil {
			s.Log.Warn("reading a hubctl download", "file", name, "error", err)
			continue
		}
		out = append(out, hubctlFile{hubctlBuild: b, Size: fmt.Sprintf("%.1f MB", float64(st.Size())/(1<<20)), SHA256: sum})
	}
	return out
}

func sha256Of(name string, st os.FileInfo) (string, error) {
	hubctlSums.Lock()
	defer hubctlSums.Unlock()
	if c, ok := hubctlSums.m[name]; ok && c.size == st.Size() && c.mod.Equal(st.ModTime()) {
		return c.sum, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	hubctlSums.m[name] = hubctlSum{size: st.Size(), mod: st.ModTime(), sum: sum}
	return sum, nil
}

type hubctlPage struct {
	Files []hubctlFile
}

// hubctlDownloads shows the hubctl programs to download, each with its SHA-256.
func (s *server) hubctlDownloads(c echo.Context) error {
	return s.ok(c, "hubctl", "Download hubctl", hubctlPage{Files: s.hubctlFiles()})
}

// hubctlDownload hands over one hubctl program.
func (s *server) hubctlDownload(c echo.Context) error {
	for _, f := range s.hubctlFiles() {
		if f.File == c.Param("file") {
			c.Response().Header().Set("Content-Disposition", `attachment; filename="`+f.File+`"`)
			return c.File(filepath.Join(s.HubctlDir, f.File))
		}
	}
	return hub.Errorf(hub.CodeNotFound, "There is no hubctl download %s on this hub", hub.Excerpt(c.Param("file")))
}
