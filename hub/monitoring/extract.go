package monitoring

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partnership/equalityhub/hub"
)

// Rows is a record-level extract read one row at a time: a CSV file, or a
// worksheet of a spreadsheet. The first row is the header.
type Rows interface {
	// Next moves to the next row; false at the end or on an error.
	Next() bool
	// Row is the current row's cells; it may be reused by the next call to Next.
	Row() []string
	// Line is the current row's line (CSV) or row number (spreadsheet), from 1.
	Line() int
	// Err is the error that stopped Next, if any; a CodeInvalid or CodeTooLarge hub error.
	Err() error
}

// csvRows reads a CSV extract, holding one row at a time.
type csvRows struct {
	r     *csv.Reader
	row   []string
	line  int
	err   error
	limit *limitReader
}

// NewCSVRows reads a CSV extract of at most maxBytes. A byte-order mark at the
// start is skipped, and a file whose lines end in a carriage return alone (as
// older spreadsheets save CSV) is read line by line all the same. A file that
// is compressed (gzip or zip, an Excel workbook among them) or saved as
// UTF-16 is refused at once, in those words.
func NewCSVRows(r io.Reader, maxBytes int64) Rows {
	lr := &limitReader{r: r, left: maxBytes, max: maxBytes}
	br := bufio.NewReaderSize(lr, 64<<10)
	head, _ := br.Peek(64 << 10)
	c := &csvRows{limit: lr}
	if err := sniff(head); err != nil {
		c.err = err
		return c
	}
	var in io.Reader = br
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	if bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0 {
		in = crReader{br}
	}
	cr := csv.NewReader(in)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	c.r = cr
	return c
}

// sniff refuses, by their first bytes, files that are not text at all.
func sniff(head []byte) error {
	notCSV := func(what string) error {
		return &hub.Error{Code: hub.CodeInvalid, Message: "The file is not CSV", Problems: []hub.Problem{{Row: 1, Message: what}}}
	}
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return notCSV("This is a compressed file (gzip), not CSV: uncompress it first, and upload the CSV file inside")
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return notCSV("This is a compressed file (zip, or an Excel workbook renamed), not CSV: upload a workbook with its .xlsx name, or the CSV file inside the zip")
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return notCSV("This file is saved as Unicode text (UTF-16), not CSV UTF-8: save it again as CSV UTF-8 (comma delimited)")
	}
	return nil
}

// crReader reads a file whose lines end in a carriage return alone as if they ended in a line feed.
type crReader struct{ r io.Reader }

func (c crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

func (c *csvRows) Next() bool {
	if c.err != nil || c.r == nil {
		return false
	}
	row, err := c.r.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF) && c.line == 0:
			c.err = hub.Errorf(hub.CodeInvalid, "The file is empty: it needs a header row naming the columns, then a row for each record")
		case errors.Is(err, io.EOF):
		case errors.Is(err, errTooLarge):
			c.err = hub.Errorf(hub.CodeTooLarge, "The file is larger than the %d MB allowed", c.limit.max>>20)
		case errors.As(err, &pe) && errors.Is(pe.Err, errTooLarge):
			c.err = hub.Errorf(hub.CodeTooLarge, "The file is larger than the %d MB allowed", c.limit.max>>20)
		case errors.As(err, &pe):
			row, msg := csvMessage(pe)
			c.err = &hub.Error{Code: hub.CodeInvalid, Message: "The file is not valid CSV", Problems: []hub.Problem{{Row: row, Message: msg}}}
		default:
			c.err = hub.Errorf(hub.CodeInvalid, "The file could not be read after line %d", c.line)
		}
		return false
	}
	c.line, _ = c.r.FieldPos(0)
	for i, v := range row {
		if !utf8.ValidString(v) {
			c.err = &hub.Error{Code: hub.CodeInvalid, Message: "The file is not UTF-8 text", Problems: []hub.Problem{{Row: c.line, Column: fmt.Sprintf("%d", i+1), Message: "This cell has bytes that are not UTF-8: save the file as CSV UTF-8"}}}
			return false
		}
	}
	c.row = row
	return true
}

func (c *csvRows) Row() []string { return c.row }
func (c *csvRows) Line() int     { return c.line }
func (c *csvRows) Err() error    { return c.err }

// csvMessage explains a CSV error, and says on which line to look: a quoted
// cell that is never closed is reported where it opens, not where the reader
// gave up looking for its end.
func csvMessage(pe *csv.ParseError) (int, string) {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		return pe.StartLine, fmt.Sprintf("A cell on this line opens with a quotation mark that is not closed where the cell ends (the file was read on to line %d looking for it): close the quotation mark, or double any quotation mark inside the cell", pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return pe.Line, fmt.Sprintf("A quotation mark is out of place at character %d: quote the whole cell, and double any quotation mark inside it", pe.Column)
	}
	return pe.Line, "This line cannot be read as CSV"
}

var errTooLarge = errors.New("too large")

// limitReader fails once more than max bytes have been read.
type limitReader struct {
	r         io.Reader
	left, max int64
	read      int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	l.read += int64(n)
	return n, err
}

// Aggregate reads a whole extract into an aggregator, without checking its
// records against a period. A file that cannot be read at all is an error;
// rows that cannot be counted are the aggregator's problems, each with its
// line and column.
func Aggregate(rows Rows, l *Layout, m Mapping) (*Aggregator, error) {
	return AggregateFor(rows, l, m, Scope{})
}

// AggregateFor reads a whole extract into an aggregator for the periods of
// scope, refusing a period that has not begun. A file that cannot be read at
// all is an error; rows that cannot be counted are the aggregator's
// problems, each with its line and column.
func AggregateFor(rows Rows, l *Layout, m Mapping, scope Scope) (*Aggregator, error) {
	now := scope.Now
	if now.IsZero() {
		now = time.Now()
	}
	for _, p := range scope.Periods {
		if p.begins().After(now) {
			return nil, hub.Invalid("The period has not begun", []hub.Problem{{Field: "period", Message: fmt.Sprintf(
				"%s has not begun (it starts on %s): a return can be for the current period or an earlier one", p, dayWords(p.begins()))}})
		}
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, hub.Errorf(hub.CodeInvalid, "The file is empty: it needs a header row naming the columns, then a row for each record")
	}
	a, err := NewAggregator(l, m, rows.Row(), scope)
	if err != nil {
		return nil, err
	}
	if sd, ok := rows.(SerialDates); ok && sd.SerialDates() {
		a.dates.serial = true
	}
	// The file is read on one processor while its records are counted on another.
	batches, free := readAhead(rows)
	for b := range batches {
		start := 0
		for i, end := range b.ends {
			row := b.cells[start:end]
			start = end
			if blank(row) {
				continue // a blank line, or a row of empty cells
			}
			a.Add(row, b.lines[i])
		}
		free <- b
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if counted, rejected := a.Records(); counted == 0 && rejected == 0 {
		return nil, hub.Errorf(hub.CodeInvalid, "The file has a header but no records")
	}
	return a, nil
}

// blank says whether a row has no value in any cell.
func blank(row []string) bool {
	if len(row) > 0 && row[0] != "" {
		return false
	}
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// rowBatch is a run of rows read ahead of counting.
type rowBatch struct {
	cells []string
	ends  []int // where each row's cells end
	lines []int
}

// readAhead reads rows in a goroutine of its own, in batches, until the end
// or an error (then in rows.Err). Each batch counted goes back on free, to be
// filled again; batches is closed when reading stops.
func readAhead(rows Rows) (<-chan *rowBatch, chan<- *rowBatch) {
	const size, inFlight = 1024, 4
	batches := make(chan *rowBatch, inFlight)
	free := make(chan *rowBatch, inFlight+2)
	for range inFlight + 2 {
		free <- &rowBatch{}
	}
	go func() {
		defer close(batches)
		b := <-free
		for rows.Next() {
			b.cells = append(b.cells, rows.Row()...)
			b.ends = append(b.ends, len(b.cells))
			b.lines = append(b.lines, rows.Line())
			if len(b.ends) == size {
				batches <- b
				b = <-free
				b.cells, b.ends, b.lines = b.cells[:0], b.ends[:0], b.lines[:0]
			}
		}
		if len(b.ends) > 0 {
			batches <- b
		}
	}()
	return batches, free
}
