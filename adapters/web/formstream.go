package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

// streamedForms are the routes whose multipart forms are read as they
// arrive, each file passed on as a stream rather than parsed into memory
// (or a temporary file) first.
var streamedForms = map[string]bool{
	http.MethodPost + " /data/upload": true,
}

const (
	formStreamKey = "formStream"
	maxFormFields = 100
)

// formStream is a multipart form read in the order its parts come: its text
// fields into memory, each as short as a form's field, and its files one at
// a time as streams. Browsers send a form's fields in the order of the page,
// so the fields before a file (the CSRF token, the theme and period of an
// extract) are known before the file is read.
type formStream struct {
	mr     *multipart.Reader
	fields url.Values
	file   *multipart.Part // a file reached while reading fields, not read yet
	done   bool
}

// streamForms starts reading a streamed route's form: its fields up to its
// first file, which the request's form then holds (so that the forgery check
// finds its token without reading on), leaving the files to the handler.
func (s *server) streamForms(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !streamedForms[req.Method+" "+c.Path()] {
			return next(c)
		}
		if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt != echo.MIMEMultipartForm {
			return next(c)
		}
		mr, err := req.MultipartReader()
		if err != nil {
			return hub.Errorf(hub.CodeInvalid, "The form could not be read: send it from the hub's page, as multipart/form-data")
		}
		f := &formStream{mr: mr, fields: url.Values{}}
		if err := f.readFields(); err != nil {
			return err
		}
		req.Form, req.PostForm = f.fields, f.fields
		c.Set(formStreamKey, f)
		return next(c)
	}
}

// streamedForm returns the request's form stream; nil when the request did not send a multipart form.
func streamedForm(c echo.Context) *formStream {
	f, _ := c.Get(formStreamKey).(*formStream)
	return f
}

// readFields reads text fields until the next file or the end of the form.
func (f *formStream) readFields() error {
	for !f.done && f.file == nil {
		p, err := f.mr.NextPart()
		if errors.Is(err, io.EOF) {
			f.done = true
			return nil
		}
		if err != nil {
			return hub.Errorf(hub.CodeInvalid, "The form could not be read to its end: send it again from the hub's page")
		}
		if p.FileName() != "" {
			f.file = p
			return nil
		}
		// A file input left empty comes as a field with no file name and no content.
		b, err := io.ReadAll(io.LimitReader(p, formBodyLimit+1))
		if err != nil {
			return hub.Errorf(hub.CodeInvalid, "The form could not be read to its end: send it again from the hub's page")
		}
		if len(b) > formBodyLimit {
			return hub.Errorf(hub.CodeTooLarge, "The form's field %s is longer than the %s a field may be", hub.Excerpt(p.FormName()), byteSize(formBodyLimit))
		}
		if len(f.fields) >= maxFormFields {
			return hub.Errorf(hub.CodeInvalid, "The form has more than %d fields: send it from the hub's page", maxFormFields)
		}
		f.fields.Add(p.FormName(), string(b))
	}
	return nil
}

// nextFile reads on to the form's next file, keeping the fields before it;
// nil at the end of the form. The file must be read (or skipped) before the
// next call.
func (f *formStream) nextFile() (*multipart.Part, error) {
	if err := f.readFields(); err != nil {
		return nil, err
	}
	p := f.file
	f.file = nil
	return p, nil
}

// readPart reads a file of the form that is needed whole, within a limit.
func readPart(p *multipart.Part, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(p, limit+1))
	if err != nil {
		return nil, hub.Errorf(hub.CodeInvalid, "The file %s could not be read to its end: send it again", hub.Excerpt(p.FileName()))
	}
	if int64(len(b)) > limit {
		return nil, hub.Errorf(hub.CodeTooLarge, "The file %s is larger than the %d MB allowed", hub.Excerpt(p.FileName()), limit>>20)
	}
	return b, nil
}

// drain reads what is left of a request's body, so that a browser still
// sending a form that was refused part way receives the answer rather than a
// closed connection. The body is bounded by its route's limit, and nothing
// of it is kept.
func drain(c echo.Context) {
	_, _ = io.Copy(io.Discard, c.Request().Body)
}
