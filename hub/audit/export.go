package audit

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// ExportFormat names the export format in its first line.
const ExportFormat = "equalityhub-audit"

// The export is JSON lines: a header line {"format":"equalityhub-audit","version":1},
// then one line {"entry":{...}} for each entry by Seq, each checkpoint
// {"checkpoint":{...}} on the line after the entry it signs. An export made
// by the hub ends with a checkpoint over its last entry.
type exportHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

type exportEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	PersonID string    `json:"person"`
	OrgID    string    `json:"org"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Owner    string    `json:"owner"`
	Protocol string    `json:"protocol"`
	Detail   string    `json:"detail"`
	Prev     string    `json:"prev"`
	Hash     string    `json:"hash"`
}

type exportCheckpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	At        time.Time `json:"at"`
	Signature string    `json:"signature"`
	Key       string    `json:"key"`
}

type exportLine struct {
	Format     string            `json:"format,omitempty"`
	Version    int               `json:"version,omitempty"`
	Entry      *exportEntry      `json:"entry,omitempty"`
	Checkpoint *exportCheckpoint `json:"checkpoint,omitempty"`
}

// Export writes entries by Seq to w as JSON lines, each checkpoint after
// the entry it signs (checkpoints of entries not given come last).
func Export(w io.Writer, entries []Entry, checkpoints []Checkpoint) error {
	x, err := newExportWriter(w, checkpoints)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := x.entry(e); err != nil {
			return err
		}
	}
	return x.close()
}

// exportWriter writes an export a line at a time.
type exportWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
	cs  []Checkpoint // checkpoints still to write, by Seq
}

// newExportWriter writes the header line.
func newExportWriter(w io.Writer, checkpoints []Checkpoint) (*exportWriter, error) {
	bw := bufio.NewWriter(w)
	x := &exportWriter{bw: bw, enc: json.NewEncoder(bw), cs: slices.Clone(checkpoints)}
	slices.SortStableFunc(x.cs, func(a, b Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	return x, x.enc.Encode(exportHeader{Format: ExportFormat, Version: 1})
}

// entry writes an entry and the checkpoints up to it.
func (x *exportWriter) entry(e Entry) error {
	l := exportEntry(e)
	l.At = e.At.UTC()
	if err := x.enc.Encode(exportLine{Entry: &l}); err != nil {
		return err
	}
	for len(x.cs) > 0 && x.cs[0].Seq <= e.Seq {
		if err := x.checkpoint(x.cs[0]); err != nil {
			return err
		}
		x.cs = x.cs[1:]
	}
	return nil
}

func (x *exportWriter) checkpoint(c Checkpoint) error {
	l := exportCheckpoint(c)
	l.At = c.At.UTC()
	return x.enc.Encode(exportLine{Checkpoint: &l})
}

// close writes the checkpoints left and flushes.
func (x *exportWriter) close() error {
	for _, c := range x.cs {
		if err := x.checkpoint(c); err != nil {
			return err
		}
	}
	return x.bw.Flush()
}

// ReadExport reads what Export wrote, keeping the order of the lines; a
// line that cannot be read is a hub.CodeInvalid error naming it. Lines may
// be of any length.
func ReadExport(r io.Reader) ([]Entry, []Checkpoint, error) {
	br := bufio.NewReaderSize(r, 64*1024)
	var entries []Entry
	var checkpoints []Checkpoint
	n := 0
	bad := func(msg string, args ...any) error {
		return hub.Invalid("This is not a readable export of the audit record", []hub.Problem{{Row: n, Message: fmt.Sprintf(msg, args...)}})
	}
	header := false
	for {
		line, rerr := br.ReadBytes('\n')
		if rerr != nil && rerr != io.EOF {
			n++
			return nil, nil, bad("it could not be read: %v", rerr)
		}
		if len(line) == 0 && rerr == io.EOF {
			break
		}
		n++
		text := bytes.TrimSpace(line)
		if len(text) == 0 {
			if rerr == io.EOF {
				break
			}
			continue
		}
		var l exportLine
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			if rerr == io.EOF && header {
				// The last line has no end: the file was cut short in it.
				after := "its first line"
				if len(entries) > 0 {
					after = fmt.Sprintf("entry %d", entries[len(entries)-1].Seq)
				}
				return nil, nil, hub.Invalid("The export of the audit record was cut short", []hub.Problem{{Row: n,
					Message: fmt.Sprintf("the file ends part-way through the line after %s: it was cut short, so the record cannot be proved; download it again", after)}})
			}
			return nil, nil, bad("it is not a line of the export: %v", err)
		}
		switch {
		case !header:
			if l.Format != ExportFormat || l.Version != 1 {
				return nil, nil, bad(`the first line should be {"format":%q,"version":1}`, ExportFormat)
			}
			header = true
		case l.Entry != nil && l.Checkpoint == nil && l.Format == "":
			entries = append(entries, Entry(*l.Entry))
		case l.Checkpoint != nil && l.Entry == nil && l.Format == "":
			checkpoints = append(checkpoints, Checkpoint(*l.Checkpoint))
		default:
			return nil, nil, bad("the line should hold one entry or one checkpoint")
		}
		if rerr == io.EOF {
			break
		}
	}
	if !header {
		return nil, nil, hub.Errorf(hub.CodeInvalid, "The export of the audit record is empty")
	}
	return entries, checkpoints, nil
}
