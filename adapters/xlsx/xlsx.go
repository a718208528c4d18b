// Package xlsx reads record-level extracts from Excel workbooks with
// excelize, one row at a time, refusing workbooks that expand past set limits.
package xlsx

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Reader opens workbooks within limits.
type Reader struct {
	// MaxUnzipped bounds what a workbook may expand to; a small file that
	// expands to gigabytes is refused.
	MaxUnzipped int64
}

var _ monitoring.Spreadsheets = Reader{}

// Rows returns the rows of the workbook's first worksheet.
func (x Reader) Rows(r io.ReaderAt, size int64) (monitoring.Rows, error) {
	limit := x.MaxUnzipped
	if limit <= 0 {
		limit = 256 << 20
	}
	sheet, last, err := checkSheet(r, size, limit)
	if err != nil {
		return nil, err
	}
	// Worksheets larger than the XML limit are spooled to temporary files rather than held in memory.
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, 16<<20)})
	if err != nil {
		if errors.Is(err, excelize.ErrOptionsUnzipSizeLimit) || strings.Contains(err.Error(), "bytes limit") {
			return nil, hub.Errorf(hub.CodeTooLarge, "The workbook expands to more than %d MB: save the sheet as CSV instead", limit>>20)
		}
		return nil, hub.Errorf(hub.CodeInvalid, "The file is not an Excel workbook (.xlsx) that can be read: save it again from Excel, or as CSV")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, hub.Errorf(hub.CodeInvalid, "The workbook has no worksheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		if strings.Contains(err.Error(), "bytes limit") {
			return nil, hub.Errorf(hub.CodeTooLarge, "The worksheet expands to more than %d MB: save it as CSV instead", limit>>20)
		}
		return nil, hub.Errorf(hub.CodeInvalid, "The worksheet %q cannot be read", sheets[0])
	}
	return &sheetRows{f: f, rows: rows, sheet: sheet, last: last}, nil
}

// Open reads a workbook from a file.
func (x Reader) Open(path string) (monitoring.Rows, func() error, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, hub.Errorf(hub.CodeInvalid, "The file %s cannot be opened: %v", path, err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, nil, err
	}
	rows, err := x.Rows(file, info.Size())
	if err != nil {
		file.Close()
		return nil, nil, err
	}
	return rows, file.Close, nil
}

type sheetRows struct {
	f     *excelize.File
	rows  *excelize.Rows
	sheet string
	last  int // the worksheet's last row, as its XML says
	width int // the header's number of cells
	row   []string
	line  int
	err   error
}

func (s *sheetRows) Next() bool {
	if s.err != nil || !s.rows.Next() {
		if s.err == nil {
			if err := s.rows.Error(); err != nil || s.line < s.last {
				s.err = &hub.Error{Code: hub.CodeInvalid, Message: "The workbook is damaged", Problems: []hub.Problem{{Row: s.line + 1,
					Message: fmt.Sprintf("The worksheet %q could not be read after row %d of %d: save the workbook again from Excel, or save the sheet as CSV", cut(s.sheet), s.line, s.last)}}}
			}
		}
		s.close()
		return false
	}
	s.line++
	cols, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		s.err = &hub.Error{Code: hub.CodeInvalid, Message: "The worksheet could not be read", Problems: []hub.Problem{{Row: s.line, Message: "This row cannot be read"}}}
		s.close()
		return false
	}
	for i, v := range cols {
		if !utf8.ValidString(v) {
			s.err = &hub.Error{Code: hub.CodeInvalid, Message: "The worksheet has text that is not valid", Problems: []hub.Problem{{Row: s.line, Column: excelColumn(i), Message: "This cell's text cannot be read"}}}
			s.close()
			return false
		}
	}
	if s.line == 1 && len(cols) == 0 {
		s.err = hub.Errorf(hub.CodeInvalid, "The worksheet's first row is empty: it must name the columns")
		s.close()
		return false
	}
	if s.line == 1 {
		s.width = len(cols)
	}
	// Excel leaves out the empty cells at the end of a row: they are blank, as in CSV.
	for len(cols) > 0 && len(cols) < s.width {
		cols = append(cols, "")
	}
	s.row = cols
	return true
}

func (s *sheetRows) close() {
	if s.f != nil {
		_ = s.rows.Close()
		_ = s.f.Close()
		s.f = nil
	}
}

func (s *sheetRows) Row() []string { return s.row }

// SerialDates says that the worksheet's dates are Excel's numbers of days, as its cells keep them.
func (s *sheetRows) SerialDates() bool { return true }
func (s *sheetRows) Line() int         { return s.line }
func (s *sheetRows) Err() error        { return s.err }

// excelColumn names a column as Excel does: A, B, …, Z, AA.
func excelColumn(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}
