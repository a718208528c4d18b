package monitoring

import (
	"errors"
	"io"

	"github.com/partnership/equalityhub/hub"
)

// pieceSize is the size of the pieces a file read whole is kept in.
const pieceSize = 1 << 20

// pieces is a file read whole and kept once, in pieces of pieceSize bytes
// that are never copied into one: a growing buffer would allocate about
// twice the file on its way.
type pieces struct {
	p    [][]byte
	size int64
}

// readWhole reads r to its end, refusing more than max bytes.
func readWhole(r io.Reader, max int64) (*pieces, error) {
	w := &pieces{}
	for {
		buf := make([]byte, min(pieceSize, max+1-w.size))
		n, err := io.ReadFull(r, buf)
		w.size += int64(n)
		if n > 0 {
			w.p = append(w.p, buf[:n:n])
		}
		if w.size > max {
			return nil, hub.Errorf(hub.CodeTooLarge, "The file is larger than the %d MB allowed", max>>20)
		}
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return w, nil
		case err != nil:
			return nil, hub.Errorf(hub.CodeInvalid, "The file could not be read to its end")
		}
	}
}

// Size is the file's size.
func (w *pieces) Size() int64 { return w.size }

// ReadAt reads from the file as if it were one slice.
func (w *pieces) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	n := 0
	for n < len(b) && off < w.size {
		piece := w.p[off/pieceSize][off%pieceSize:]
		k := copy(b[n:], piece)
		n += k
		off += int64(k)
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}
