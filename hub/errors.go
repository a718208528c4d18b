package hub

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error. Adapters map codes to protocol statuses in one place.
type Code string

// The error codes of the hub.
const (
	CodeInvalid      Code = "invalid"      // the input is wrong; Message says what and where
	CodeNotFound     Code = "not_found"    // the thing asked for does not exist (or is not visible)
	CodeConflict     Code = "conflict"     // the change clashes with the current state
	CodeUnauthorized Code = "unauthorized" // the caller is not signed in, or their credentials are bad
	CodeForbidden    Code = "forbidden"    // the caller is signed in but may not do this
	CodeTooLarge     Code = "too_large"    // the input is over a configured size
	CodeUnavailable  Code = "unavailable"  // a dependency (the store) cannot be reached
	CodeInternal     Code = "internal"     // a fault of the hub; the message is generic
)

// Problem is one thing wrong with an input, with where it is: a form field,
// or a row and column of a file.
type Problem struct {
	Field   string // form field or JSON field name, e.g. "name"
	Row     int    // 1-based row or line of a file, 0 when not about a row
	Column  string // column heading of a file, "" when not about a column
	Message string // what is wrong, in words a council officer understands
}

// Where says where the problem is, e.g. "row 12, column ethnicity" or "name".
func (p Problem) Where() string {
	var parts []string
	if p.Row > 0 {
		parts = append(parts, fmt.Sprintf("row %d", p.Row))
	}
	if p.Column != "" {
		parts = append(parts, "column "+p.Column)
	}
	if p.Field != "" && len(parts) == 0 {
		parts = append(parts, p.Field)
	}
	return strings.Join(parts, ", ")
}

// String joins where and what.
func (p Problem) String() string {
	if w := p.Where(); w != "" {
		return w + ": " + p.Message
	}
	return p.Message
}

// Error is the hub's error. Message is safe to show to the person who caused it.
type Error struct {
	Code     Code
	Message  string
	Problems []Problem // for CodeInvalid: each thing wrong, with where
	Err      error     // the underlying cause, never shown
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Message
	if len(e.Problems) > 0 {
		ps := make([]string, len(e.Problems))
		for i, p := range e.Problems {
			ps[i] = p.String()
		}
		msg += ": " + strings.Join(ps, "; ")
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error with a code and a message safe to show.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps a fault of the hub: the person sees a generic message.
func Internal(err error, context string) *Error {
	return &Error{Code: CodeInternal, Message: "Something went wrong in the hub", Err: fmt.Errorf("%s: %w", context, err)}
}

// Invalid returns a CodeInvalid error listing the problems, or nil when there are none.
func Invalid(message string, problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: message, Problems: problems}
}

// ErrorCode returns the code of err: CodeInternal for errors that are not the hub's.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message of err that is safe to show.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Message
	}
	return "Something went wrong in the hub"
}

// ErrorProblems returns the problems carried by err, if any.
func ErrorProblems(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return err != nil && ErrorCode(err) == code }
