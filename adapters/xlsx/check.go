package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/partnership/equalityhub/hub"
)

// checkSheet reads the XML of a workbook's first worksheet, and of its shared
// text, strictly and to the end, before the rows are read: a worksheet cut
// short, a cell with an undefined entity or a stray "<", or a zip entry whose
// size or checksum is wrong is refused with the row after which it is
// damaged, rather than read as far as it goes. It returns the number of the
// worksheet's last row.
func checkSheet(r io.ReaderAt, size, limit int64) (string, int, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return "", 0, hub.Errorf(hub.CodeInvalid, "The file is not an Excel workbook (.xlsx) that can be read: save it again from Excel, or as CSV")
	}
	files := map[string]*zip.File{}
	for _, f := range z.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	name, target, shared, err := firstSheet(files, limit)
	if err != nil {
		return "", 0, err
	}
	if f, ok := files[shared]; ok {
		if n, err := scan(f, limit, "si"); err != nil {
			return name, 0, damaged(err, limit, fmt.Sprintf("The workbook's shared text is damaged after its item %d: save the workbook again from Excel, or save the sheet as CSV", n), 0)
		}
	}
	f, ok := files[target]
	if !ok {
		return name, 0, hub.Errorf(hub.CodeInvalid, "The workbook's first worksheet %q is missing from the file: save it again from Excel, or as CSV", cut(name))
	}
	last, err := scan(f, limit, "row")
	if err != nil {
		return name, 0, damaged(err, limit, fmt.Sprintf("The worksheet %q is damaged after row %d: the rest cannot be read. Save the workbook again from Excel, or save the sheet as CSV", cut(name), last), last+1)
	}
	return name, last, nil
}

func damaged(err error, limit int64, msg string, row int) error {
	if errors.Is(err, errExpands) {
		return hub.Errorf(hub.CodeTooLarge, "The workbook expands to more than %d MB: save the sheet as CSV instead", limit>>20)
	}
	e := &hub.Error{Code: hub.CodeInvalid, Message: "The workbook is damaged", Err: err}
	e.Problems = []hub.Problem{{Row: row, Message: msg}}
	return e
}

var errExpands = errors.New("expands past the limit")

// scan reads an XML part to its end, strictly, and returns how many elements
// named element it has completed; for rows, the number of the last row.
func scan(f *zip.File, limit int64, element string) (int, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: limit + 1}
	d := xml.NewDecoder(lr)
	d.Strict = true
	n, current := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if lr.N <= 0 {
				return n, errExpands
			}
			if d.InputOffset() == 0 {
				return n, errors.New("empty part")
			}
			return n, nil
		}
		if err != nil {
			if lr.N <= 0 {
				return n, errExpands
			}
			return n, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == element {
				current++
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if v, err := strconv.Atoi(a.Value); err == nil {
							current = v
						}
					}
				}
			}
		case xml.EndElement:
			if t.Name.Local == element {
				n = current
			}
		}
	}
}

// firstSheet finds the name and part of the workbook's first worksheet, and its shared text part.
func firstSheet(files map[string]*zip.File, limit int64) (name, target, shared string, err error) {
	notWorkbook := hub.Errorf(hub.CodeInvalid, "The file is not an Excel workbook (.xlsx) that can be read: save it again from Excel, or as CSV")
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
			Type   string `xml:"Type,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(files["xl/workbook.xml"], limit, &wb); err != nil || len(wb.Sheets) == 0 {
		return "", "", "", notWorkbook
	}
	if err := decodePart(files["xl/_rels/workbook.xml.rels"], limit, &rels); err != nil {
		return "", "", "", notWorkbook
	}
	resolve := func(t string) string {
		if strings.HasPrefix(t, "/") {
			return strings.TrimPrefix(t, "/")
		}
		return path.Join("xl", t)
	}
	shared = "xl/sharedStrings.xml"
	for _, r := range rels.Rels {
		if r.ID == wb.Sheets[0].ID {
			target = resolve(r.Target)
		}
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			shared = resolve(r.Target)
		}
	}
	if target == "" {
		return "", "", "", notWorkbook
	}
	return wb.Sheets[0].Name, target, shared, nil
}

func decodePart(f *zip.File, limit int64, v any) error {
	if f == nil {
		return errors.New("missing")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, min(limit, 16<<20))).Decode(v)
}

// cut shortens a name from a file for a message.
func cut(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
