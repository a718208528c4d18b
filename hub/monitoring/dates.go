package monitoring

import (
	"fmt"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// dateFormat is one way of writing a date: the order of day, month and year
// and the mark between them, e.g. "dd/mm/yyyy".
type dateFormat struct {
	name  string
	order [3]byte // 'd', 'm' and 'y' in the order written
	sep   byte
}

// newDateFormat reads a format such as "dd/mm/yyyy", "mm/dd/yyyy" or "dd.mm.yyyy".
func newDateFormat(s string) (dateFormat, error) {
	f := dateFormat{name: s}
	bad := hub.Errorf(hub.CodeInvalid, "%s is not a date format: write it with dd, mm and yyyy and a mark between them, such as dd/mm/yyyy", quote(s))
	low := strings.ToLower(strings.TrimSpace(s))
	for _, sep := range []byte{'/', '-', '.', ' '} {
		parts := strings.Split(low, string(sep))
		if len(parts) != 3 {
			continue
		}
		seen := map[byte]bool{}
		for i, p := range parts {
			switch p {
			case "dd", "d":
				f.order[i] = 'd'
			case "mm", "m":
				f.order[i] = 'm'
			case "yyyy":
				f.order[i] = 'y'
			default:
				return f, bad
			}
			if seen[f.order[i]] {
				return f, bad
			}
			seen[f.order[i]] = true
		}
		f.sep = sep
		return f, nil
	}
	return f, bad
}

// dateReader reads the dates of an extract: yyyy-mm-dd always, and the formats its mapping declares.
type dateReader struct {
	formats []dateFormat
	serial  bool // a workbook's dates: whole numbers of days since 30 December 1899, as Excel keeps them
}

// SerialDates is what a Rows of a workbook says it has: dates kept as Excel
// keeps them, numbers of days, which are read as the days they stand for.
type SerialDates interface{ SerialDates() bool }

func newDateReader(m Mapping) dateReader {
	var r dateReader
	for _, s := range m.DateFormats {
		if f, err := newDateFormat(s); err == nil {
			r.formats = append(r.formats, f)
		}
	}
	return r
}

// read returns the day a cell names, or what is wrong with it. A time of day
// after the date ("2025-04-30 14:05" or "2025-04-30T14:05:00") is ignored.
func (r dateReader) read(v string) (time.Time, string) {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, "T "); i >= 8 && i < len(v)-1 && strings.Contains(v[i:], ":") {
		v = v[:i]
	}
	if r.serial {
		whole, _, _ := strings.Cut(v, ".") // a time of day is the fraction
		if n, ok := digits5(whole); ok && n >= 1 {
			t := time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
			return t, ""
		}
	}
	if len(v) == 10 && v[4] == '-' && v[7] == '-' {
		y, okY := digits(v[0:4])
		m, okM := digits(v[5:7])
		d, okD := digits(v[8:10])
		if okY && okM && okD {
			return day(v, y, m, d)
		}
	}
	for _, f := range r.formats {
		parts := strings.Split(v, string(f.sep))
		if len(parts) != 3 {
			continue
		}
		var y, m, d int
		ok := true
		for i, p := range parts {
			n, good := digits(p)
			switch f.order[i] {
			case 'y':
				good = good && len(p) == 4
				y = n
			case 'm':
				good = good && len(p) <= 2
				m = n
			case 'd':
				good = good && len(p) <= 2
				d = n
			}
			ok = ok && good
		}
		if ok {
			return day(v, y, m, d)
		}
	}
	declared := "write it as yyyy-mm-dd, e.g. 2025-04-30"
	if len(r.formats) > 0 {
		names := make([]string, len(r.formats))
		for i, f := range r.formats {
			names[i] = f.name
		}
		declared = "write it as yyyy-mm-dd or as your mapping says (" + strings.Join(names, ", ") + ")"
	}
	if len(r.formats) == 0 && ambiguous(v) {
		return time.Time{}, fmt.Sprintf("%s could be day first or month first: write yyyy-mm-dd, or say in your mapping how your dates are written (e.g. dd/mm/yyyy)", quote(v))
	}
	return time.Time{}, fmt.Sprintf("%s is not a date: %s", quote(v), declared)
}

// ambiguous says whether v looks like a real date written day first or
// month first, e.g. 03/04/2025 (but not 31/02/2023, which is neither).
func ambiguous(v string) bool {
	for _, sep := range "/.-" {
		parts := strings.Split(v, string(sep))
		if len(parts) == 3 && len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2 {
			a, okA := digits(parts[0])
			b, okB := digits(parts[1])
			y, okY := digits(parts[2])
			if !okA || !okB || !okY {
				return false
			}
			_, dayFirst := day(v, y, b, a)
			_, monthFirst := day(v, y, a, b)
			return dayFirst == "" || monthFirst == ""
		}
	}
	return false
}

func day(v string, y, m, d int) (time.Time, string) {
	if m < 1 || m > 12 || d < 1 || y < 1900 {
		return time.Time{}, fmt.Sprintf("%s is not a date: there is no month %d or day %d", quote(v), m, d)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, fmt.Sprintf("%s is not a date: there is no %d %s %d", quote(v), d, time.Month(m), y)
	}
	return t, ""
}

// digits reads a short run of decimal digits.
func digits(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// digits5 reads a number of days of a workbook's date: up to five digits.
func digits5(s string) (int, bool) {
	if s == "" || len(s) > 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// dayWords writes a day for people: 30 April 2025.
func dayWords(t time.Time) string { return t.Format("2 January 2006") }
