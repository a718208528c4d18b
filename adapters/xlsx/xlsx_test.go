package xlsx_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnership/equalityhub/adapters/xlsx"
	"github.com/partnership/equalityhub/hub"
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
