package monitoring

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

// A file read whole is kept in pieces that read back as the file, at any
// offset and across pieces; one over the limit is refused, saying the limit.
func TestReadWholeKeepsTheFileInPieces(t *testing.T) {
	file := bytes.Repeat([]byte("0123456789abcdef"), (3*pieceSize+1000)/16)
	w, err := readWhole(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	if w.Size() != int64(len(file)) || len(w.p) != 4 {
		t.Fatalf("size %d in %d pieces, want %d in 4", w.Size(), len(w.p), len(file))
	}
	got, err := io.ReadAll(io.NewSectionReader(w, 0, w.Size()))
	if err != nil || !bytes.Equal(got, file) {
		t.Fatalf("read back %d bytes (%v), want the file's %d", len(got), err, len(file))
	}
	buf := make([]byte, 100)
	if n, err := w.ReadAt(buf, pieceSize-50); n != 100 || err != nil || !bytes.Equal(buf, file[pieceSize-50:pieceSize+50]) {
		t.Fatalf("across two pieces: %d %v", n, err)
	}
	if n, err := w.ReadAt(buf, w.Size()-10); n != 10 || err != io.EOF {
		t.Fatalf("at the end: %d %v, want 10 and EOF", n, err)
	}
	_, err = readWhole(bytes.NewReader(file), int64(len(file))-1)
	if hub.ErrorCode(err) != hub.CodeTooLarge || !strings.Contains(hub.ErrorMessage(err), "MB allowed") {
		t.Fatalf("a file over the limit: %v", err)
	}
	if w, err := readWhole(strings.NewReader(""), 10); err != nil || w.Size() != 0 {
		t.Fatalf("an empty file: %v", err)
	}
}
