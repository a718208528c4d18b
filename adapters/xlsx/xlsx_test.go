package xlsx_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnership/equalityhub/adapters/xlsx"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// workbook makes an .xlsx with a header and n rows.
func workbook(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"ethnicity", "sex", "arrested"}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= n+1; i++ {
		if err := sw.SetRow(fmt.Sprintf("A%d", i), []any{"white-british", "female", "N"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadsRows(t *testing.T) {
	b := workbook(t, 3)
	rows, err := xlsx.Reader{}.Rows(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		got = append(got, fmt.Sprintf("%d:%s", rows.Line(), strings.Join(rows.Row(), "|")))
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	want := "1:ethnicity|sex|arrested 2:white-british|female|N 3:white-british|female|N 4:white-british|female|N"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %q", strings.Join(got, " "))
	}
}

// A small workbook that expands far beyond the limit is refused before it is read.
func TestRefusesWorkbooksThatExpandTooFar(t *testing.T) {
	b := workbook(t, 50000) // about 3 MB of sheet XML, compressed to a few hundred KB
	_, err := xlsx.Reader{MaxUnzipped: 1 << 20}.Rows(bytes.NewReader(b), int64(len(b)))
	if !hub.IsCode(err, hub.CodeTooLarge) || !strings.Contains(hub.ErrorMessage(err), "expands to more than 1 MB") {
		t.Fatalf("a workbook over the limit: %v", err)
	}
}

func TestRefusesFilesThatAreNotWorkbooks(t *testing.T) {
	for name, b := range map[string][]byte{"text": []byte("ethnicity,sex\n"), "empty": {}, "truncated": workbook(t, 10)[:200]} {
		if _, err := (xlsx.Reader{}).Rows(bytes.NewReader(b), int64(len(b))); !hub.IsCode(err, hub.CodeInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// rewrite copies a workbook, passing each part's bytes through change.
func rewrite(t *testing.T, b []byte, change func(name string, part []byte) []byte) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		part, _ := io.ReadAll(rc)
		rc.Close()
		fw, _ := w.Create(f.Name)
		fw.Write(change(f.Name, part))
	}
	w.Close()
	return out.Bytes()
}

// readAll reads every row, returning how many and the error that stopped reading.
func readAll(b []byte) (int, error) {
	rows, err := xlsx.Reader{}.Rows(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// A damaged worksheet is refused with the row after which it is damaged, never read as far as it goes.
func TestRefusesDamagedWorksheets(t *testing.T) {
	b := workbook(t, 29) // 30 rows with the header
	sheet := func(change func(string) string) []byte {
		return rewrite(t, b, func(name string, part []byte) []byte {
			if name == "xl/worksheets/sheet1.xml" {
				return []byte(change(string(part)))
			}
			return part
		})
	}
	cut16 := func(s string) string { return s[:strings.Index(s, `<row r="17"`)] }
	cases := map[string]struct {
		b    []byte
		want string
	}{
		"cut after row 16 of 30": {sheet(cut16), `row 17: The worksheet "Sheet1" is damaged after row 16`},
		"an undefined entity": {sheet(func(s string) string {
			return strings.Replace(s, `<c r="B9" t="inlineStr"><is><t>female`, `<c r="B9" t="inlineStr"><is><t>fem&nbsp;ale`, 1)
		}), `row 9: The worksheet "Sheet1" is damaged after row 8`},
		"a stray <": {sheet(func(s string) string {
			return strings.Replace(s, `<c r="A12" t="inlineStr"><is><t>white-british`, `<c r="A12" t="inlineStr"><is><t>white<british`, 1)
		}), `row 12: The worksheet "Sheet1" is damaged after row 11`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			n, err := readAll(c.b)
			if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("read %d rows; got %v, want %q", n, err, c.want)
			}
		})
	}
	if n, err := readAll(b); n != 30 || err != nil {
		t.Fatalf("the whole workbook: %d rows, %v", n, err)
	}
}

// A zip entry whose stated size is not its size is refused, not read as far as it goes.
func TestRefusesZipEntriesLyingAboutTheirSize(t *testing.T) {
	b := workbook(t, 29)
	z, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var f *zip.File
	for _, e := range z.File {
		if e.Name == "xl/worksheets/sheet1.xml" {
			f = e
		}
	}
	// Make the part again stored, so that its sizes sit at known places, and
	// state a smaller uncompressed size in both headers.
	rc, _ := f.Open()
	part, _ := io.ReadAll(rc)
	rc.Close()
	for _, lie := range []uint32{uint32(len(part)) / 2, uint32(len(part)) + 100} {
		var out bytes.Buffer
		w := zip.NewWriter(&out)
		for _, e := range z.File {
			r, _ := e.Open()
			data, _ := io.ReadAll(r)
			r.Close()
			fw, _ := w.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Store})
			fw.Write(data)
		}
		w.Close()
		damaged := out.Bytes()
		// Every size field of the sheet's headers says lie instead.
		size := make([]byte, 4)
		binary.LittleEndian.PutUint32(size, uint32(len(part)))
		liar := make([]byte, 4)
		binary.LittleEndian.PutUint32(liar, lie)
		damaged = bytes.ReplaceAll(damaged, append(append([]byte{}, size...), size...), append(append([]byte{}, liar...), size...))
		n, err := readAll(damaged)
		if !hub.IsCode(err, hub.CodeInvalid) {
			t.Fatalf("a part stating %d bytes for %d: read %d rows, %v", lie, len(part), n, err)
		}
	}
}

// Empty cells at the end of a row, which Excel leaves out, are blank cells.
func TestTrailingEmptyCellsAreBlank(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"ethnicity", "sex", "arrested"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"white-british"})
	var buf bytes.Buffer
	f.Write(&buf)
	rows, err := xlsx.Reader{}.Rows(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	rows.Next()
	if got := rows.Row(); len(got) != 3 || got[0] != "white-british" || got[2] != "" {
		t.Fatalf("row 2: %q", got)
	}
}

// Dates in a workbook, which Excel keeps as numbers of days, are read as the days they are.
func TestWorkbookDatesAreDays(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"date", "sex"})
	f.SetSheetRow("Sheet1", "A2", &[]any{time.Date(2025, time.April, 30, 0, 0, 0, 0, time.UTC), "female"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"2025-05-01", "male"})
	f.SetSheetRow("Sheet1", "A4", &[]any{time.Date(2024, time.March, 31, 0, 0, 0, 0, time.UTC), "male"})
	var buf bytes.Buffer
	f.Write(&buf)
	rows, err := xlsx.Reader{}.Rows(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	std := monitoring.Standard{Version: "t.1", Questions: []monitoring.Question{{Key: "sex", Characteristic: hub.Sex, Label: "Sex", Wording: "Sex?", Purpose: "Gaps.",
		Categories: []monitoring.Category{{Code: "female", Label: "Female"}, {Code: "male", Label: "Male"}}}}}
	l, err := monitoring.NewLayout(std, monitoring.Theme{ID: "t", Name: "T", Frequency: monitoring.Annual, Measures: []monitoring.Measure{{ID: "n", Label: "N"}}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := monitoring.AggregateFor(rows, l, monitoring.Mapping{Standard: "t.1"}, monitoring.Scope{Periods: []monitoring.Period{"2025-26"}})
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := a.Problems()
	if counted, rejected := a.Records(); counted != 2 || rejected != 1 || len(ps) != 1 || !strings.Contains(ps[0].String(), "row 4, column date:") || !strings.HasPrefix(ps[0].Message, "31 March 2024 is outside 2025-26") {
		t.Fatalf("counted %d, rejected %d: %v", counted, rejected, ps)
	}
}
