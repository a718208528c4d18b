package monitoring

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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
// start is skipped.
func NewCSVRows(r io.Reader, maxBytes int64) Rows {
	lr := &limitReader{r: r, left: maxBytes, max: maxBytes}
	br := &bomSkipper{r: lr}
	c := csv.NewReader(br)
	c.ReuseRecord = true
	c.FieldsPerRecord = -1
	return &csvRows{r: c, limit: lr}
}

func (c *csvRows) Next() bool {
	if c.err != nil {
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
		case errors.As(err, &pe):
			c.err = &hub.Error{Code: hub.CodeInvalid, Message: "The file is not valid CSV", Problems: []hub.Problem{{Row: pe.Line, Message: csvMessage(pe)}}}
		default:
			c.err = hub.Errorf(hub.CodeInvalid, "The file could not be read: %v", err)
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

func csvMessage(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("A quotation mark is out of place at character %d: quote the whole cell, and double any quotation mark inside it", pe.Column)
	}
	return pe.Err.Error()
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

// bomSkipper drops a UTF-8 byte-order mark at the start of a file.
type bomSkipper struct {
	r       io.Reader
	started bool
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if b.started {
		return b.r.Read(p)
	}
	b.started = true
	head := make([]byte, 3)
	n, err := io.ReadFull(b.r, head)
	head = head[:n]
	if bytes.Equal(head, []byte{0xEF, 0xBB, 0xBF}) {
		head = nil
	}
	b.r = io.MultiReader(bytes.NewReader(head), b.r)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	return b.r.Read(p)
}

// Aggregate reads a whole extract into an aggregator. A file that cannot be
// read at all is an error; rows that cannot be counted are the aggregator's
// problems, each with its line and column.
func Aggregate(rows Rows, l *Layout, m Mapping) (*Aggregator, error) {
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, hub.Errorf(hub.CodeInvalid, "The file is empty: it needs a header row naming the columns, then a row for each record")
	}
	a, err := NewAggregator(l, m, rows.Row())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		row := rows.Row()
		if len(row) == 1 && row[0] == "" {
			continue // a blank line
		}
		a.Add(row, rows.Line())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if a.records == 0 && a.rejected == 0 {
		return nil, hub.Errorf(hub.CodeInvalid, "The file has a header but no records")
	}
	return a, nil
}
