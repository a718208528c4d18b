package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnership/equalityhub/hub/monitoring"
)

// offline is a data steward's directory with the standard, to run hubctl aggregate without a hub.
type offline struct {
	t   *testing.T
	dir string
}

func newOffline(t *testing.T) offline {
	t.Helper()
	std, err := monitoring.FirstStandard()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(std)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "standard.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return offline{t: t, dir: dir}
}

func (o offline) path(name string) string { return filepath.Join(o.dir, name) }

func (o offline) write(name string, b []byte) {
	o.t.Helper()
	if err := os.WriteFile(o.path(name), b, 0o644); err != nil {
		o.t.Fatal(err)
	}
}

// aggregate runs hubctl aggregate on a file of the directory, offline, for the fire service.
func (o offline) aggregate(file string, args ...string) (string, error) {
	var out bytes.Buffer
	all := append([]string{"aggregate", "--standard", o.path("standard.json"), "--org", "northshire-fire",
		"--out", o.path("return.json"), "--report", o.path("rejected-rows.csv")}, args...)
	err := run(context.Background(), append(all, o.path(file)), func(string) string { return "" }, strings.NewReader(""), &out, &out)
	if err != nil {
		return out.String() + explain(err), err
	}
	return out.String(), nil
}

// takeUp writes a service take-up extract in standard codes: a header and one row per line given.
func takeUp(rows ...string) []byte {
	head := "age,disability,gender-identity,pregnancy-maternity,ethnicity,religion,sex,sexual-orientation"
	for i := range rows {
		rows[i] += "\n"
	}
	return []byte(head + "\n" + strings.Join(rows, ""))
}

const person = "25-34,no,same,neither,white-british,no-religion,female,straight-or-heterosexual"

// A damaged workbook is refused with its sheet and row, never counted as far as it goes.
func TestAggregateRefusesADamagedWorkbook(t *testing.T) {
	o := newOffline(t)
	f := excelize.NewFile()
	header := strings.Split(string(takeUp()[:len(takeUp())-1]), ",")
	row := strings.Split(person, ",")
	for r := 1; r <= 30; r++ {
		cells := row
		if r == 1 {
			cells = header
		}
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		f.SetSheetRow("Sheet1", cell, &vals)
	}
	var buf bytes.Buffer
	f.Write(&buf)
	f.Close()
	o.write("whole.xlsx", buf.Bytes())
	if out, err := o.aggregate("whole.xlsx", "--theme", "service-take-up", "--period", "2024-25-Q1"); err != nil || !strings.Contains(out, "Counted 29 records") {
		t.Fatalf("the whole workbook: %v\n%s", err, out)
	}
	// The worksheet cut after row 16 of 30.
	z, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	var cut bytes.Buffer
	w := zip.NewWriter(&cut)
	for _, e := range z.File {
		rc, _ := e.Open()
		part, _ := io.ReadAll(rc)
		rc.Close()
		if e.Name == "xl/worksheets/sheet1.xml" {
			part = part[:bytes.Index(part, []byte(`<row r="17"`))]
		}
		fw, _ := w.Create(e.Name)
		fw.Write(part)
	}
	w.Close()
	o.write("cut.xlsx", cut.Bytes())
	out, err := o.aggregate("cut.xlsx", "--theme", "service-take-up", "--period", "2024-25-Q1", "--out", o.path("cut.json"))
	if err == nil || strings.Contains(out, "Counted") || !strings.Contains(out, `row 17: The worksheet "Sheet1" is damaged after row 16`) {
		t.Fatalf("a cut workbook: %v\n%s", err, out)
	}
	if _, err := os.Stat(o.path("cut.json")); err == nil {
		t.Fatal("a return was made from a damaged workbook")
	}
}

// Periods: one that has not begun is refused; the ways people write one are read.
func TestAggregatePeriods(t *testing.T) {
	o := newOffline(t)
	o.write("people.csv", takeUp(person, person))
	if out, err := o.aggregate("people.csv", "--theme", "service-take-up", "--period", "2090-91-Q1"); err == nil || !strings.Contains(out, "2090-91-Q1 has not begun") {
		t.Fatalf("a period to come: %v\n%s", err, out)
	}
	for _, spelt := range []string{"2024-25 Q1", "2024/25 Q1"} {
		out, err := o.aggregate("people.csv", "--theme", "service-take-up", "--period", spelt)
		if err != nil || !strings.Contains(out, "Counted 2 records") {
			t.Fatalf("%s: %v\n%s", spelt, err, out)
		}
		if doc, _ := os.ReadFile(o.path("return.json")); !bytes.Contains(doc, []byte(`"period":"2024-25-Q1"`)) {
			t.Fatalf("%s: the return's period:\n%.300s", spelt, doc)
		}
	}
}

// A whole year's extract with a period column: asked for one quarter, the
// others' records are refused with their lines; asked for the year, it makes
// a return for each quarter.
func TestAggregateReadsThePeriodColumn(t *testing.T) {
	o := newOffline(t)
	var rows []string
	for _, q := range []string{"2024-25-Q1", "2024-25 Q1", "2024/25 Q2", "2024-25-Q3", "2024-25-Q4", "2024-25-Q4"} {
		rows = append(rows, q+","+person)
	}
	b := takeUp(rows...)
	o.write("year.csv", append([]byte("period,"), b...))
	out, err := o.aggregate("year.csv", "--theme", "service-take-up", "--period", "2024-25-Q1")
	if err == nil || !strings.Contains(out, "4 of 6 records could not be counted") {
		t.Fatalf("one quarter of a year's file: %v\n%s", err, out)
	}
	report, _ := os.ReadFile(o.path("rejected-rows.csv"))
	if !strings.Contains(string(report), "4,period,\"This record is for 2024-25-Q2, which is not the period asked for (2024-25-Q1)") {
		t.Fatalf("the report:\n%s", report)
	}
	out, err = o.aggregate("year.csv", "--theme", "service-take-up", "--period", "2024-25")
	if err != nil || !strings.Contains(out, "Counted 2 records for 2024-25-Q1") || !strings.Contains(out, "Counted 2 records for 2024-25-Q4") {
		t.Fatalf("the year's file split: %v\n%s", err, out)
	}
	for q, n := range map[string]string{"Q1": `"records":2`, "Q2": `"records":1`, "Q3": `"records":1`, "Q4": `"records":2`} {
		doc, err := os.ReadFile(o.path("return-2024-25-" + q + ".json"))
		if err != nil || !bytes.Contains(doc, []byte(n)) || !bytes.Contains(doc, []byte(`"period":"2024-25-`+q+`"`)) {
			t.Fatalf("the return of %s: %v\n%.200s", q, err, doc)
		}
	}
}

// A compressed file named .csv is called what it is.
func TestAggregateNamesACompressedFile(t *testing.T) {
	o := newOffline(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(takeUp(person))
	zw.Close()
	o.write("people.csv", gz.Bytes())
	if out, err := o.aggregate("people.csv", "--theme", "service-take-up", "--period", "2024-25-Q1"); err == nil || !strings.Contains(out, "This is a compressed file (gzip), not CSV") {
		t.Fatalf("a gzip file named .csv: %v\n%s", err, out)
	}
}

// Leavers and joiners are counted from one staff extract's start and end dates.
func TestAggregateLeaversAndJoinersFromAStaffExtract(t *testing.T) {
	o := newOffline(t)
	head := "record_id,start_date,end_date,age,disability,gender-identity,marital-status,pregnancy-maternity,ethnicity,religion,sex,sexual-orientation,voluntary\n"
	who := ",25-34,no,same,married,neither,white-british,no-religion,female,straight-or-heterosexual,Y\n"
	o.write("staff.csv", []byte(head+
		"E1,2010-01-04,"+who+
		"E2,2024-06-01,"+who+
		"E3,2015-09-01,2024-11-30"+who+
		"E4,2024-05-01,2025-02-28"+who+
		"E5,2020-01-01,2023-12-31"+who))
	out, err := o.aggregate("staff.csv", "--theme", "workforce-leavers", "--period", "2024-25")
	if err != nil || !strings.Contains(out, "Counted 2 records") || !strings.Contains(out, "3 more records are not staff who left in the period, so not counted") {
		t.Fatalf("leavers: %v\n%s", err, out)
	}
	out, err = o.aggregate("staff.csv", "--theme", "workforce-joiners", "--period", "2024-25")
	if err != nil || !strings.Contains(out, "Counted 2 records") || !strings.Contains(out, "3 more records are not staff who joined in the period") {
		t.Fatalf("joiners: %v\n%s", err, out)
	}
}

// Workforce strength without the top earners column: counted, and the steward told that top earners are not.
func TestAggregateWithoutAnOptionalColumn(t *testing.T) {
	o := newOffline(t)
	o.write("staff.csv", []byte("age,disability,gender-identity,marital-status,pregnancy-maternity,ethnicity,religion,sex,sexual-orientation\n"+
		"25-34,no,same,married,neither,white-british,no-religion,female,straight-or-heterosexual\n"))
	out, err := o.aggregate("staff.csv", "--theme", "workforce-strength", "--period", "2024-25")
	if err != nil || !strings.Contains(out, "Counted 1 records") || !strings.Contains(out, `Staff among the top 5% of earners not counted: the extract has no column "top_earner", so the return says none`) {
		t.Fatalf("workforce strength without top earners: %v\n%s", err, out)
	}
}
