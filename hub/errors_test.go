package hub_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

func TestProblemWhereAndString(t *testing.T) {
	cases := []struct {
		p           hub.Problem
		where, text string
	}{
		{hub.Problem{Row: 12, Column: "ethnicity", Message: "Use a code from the list"}, "row 12, column ethnicity", "row 12, column ethnicity: Use a code from the list"},
		{hub.Problem{Row: 3, Message: "The row is empty"}, "row 3", "row 3: The row is empty"},
		{hub.Problem{Column: "age", Message: "The column is missing"}, "column age", "column age: The column is missing"},
		{hub.Problem{Field: "name", Message: "Enter a name"}, "name", "name: Enter a name"},
		{hub.Problem{Field: "file", Row: 4, Column: "sex", Message: "Unknown"}, "row 4, column sex", "row 4, column sex: Unknown"},
		{hub.Problem{Message: "The file is empty"}, "", "The file is empty"},
	}
	for _, c := range cases {
		if got := c.p.Where(); got != c.where {
			t.Errorf("%+v.Where() = %q, want %q", c.p, got, c.where)
		}
		if got := c.p.String(); got != c.text {
			t.Errorf("%+v.String() = %q, want %q", c.p, got, c.text)
		}
	}
}

func TestErrorText(t *testing.T) {
	e := &hub.Error{Code: hub.CodeInvalid, Message: "The upload is not valid", Problems: []hub.Problem{
		{Row: 2, Column: "age", Message: "Enter a number"},
		{Field: "period", Message: "Choose a period"},
	}}
	want := "The upload is not valid: row 2, column age: Enter a number; period: Choose a period"
	if e.Error() != want {
		t.Fatalf("Error() = %q, want %q", e.Error(), want)
	}
	if got := hub.ErrorProblems(fmt.Errorf("wrapped: %w", e)); len(got) != 2 || got[1].Field != "period" {
		t.Fatalf("ErrorProblems through a wrap = %+v", got)
	}
	if hub.ErrorProblems(errors.New("plain")) != nil {
		t.Fatal("a foreign error has problems")
	}
}

func TestErrorCodes(t *testing.T) {
	nf := hub.Errorf(hub.CodeNotFound, "There is no organisation %q", "x")
	if nf.Message != `There is no organisation "x"` {
		t.Fatalf("Errorf message = %q", nf.Message)
	}
	if got := hub.ErrorCode(fmt.Errorf("finding: %w", nf)); got != hub.CodeNotFound {
		t.Fatalf("ErrorCode of a wrapped hub error = %q, want not_found", got)
	}
	if got := hub.ErrorCode(errors.New("disk on fire")); got != hub.CodeInternal {
		t.Fatalf("ErrorCode of a foreign error = %q, want internal", got)
	}
	if !hub.IsCode(nf, hub.CodeNotFound) || hub.IsCode(nf, hub.CodeConflict) {
		t.Fatal("IsCode does not compare the code")
	}
	if hub.IsCode(nil, hub.CodeInternal) {
		t.Fatal("IsCode(nil, internal) is true")
	}
	if hub.ErrorMessage(nf) != nf.Message {
		t.Fatalf("ErrorMessage of a hub error = %q", hub.ErrorMessage(nf))
	}
}

func TestErrorMessageNeverLeaksInternals(t *testing.T) {
	secret := "mongodb://admin:hunter2@db.internal"
	cause := errors.New("dial " + secret + ": refused")
	for _, err := range []error{
		cause,
		hub.Internal(cause, "saving a person"),
		fmt.Errorf("outer: %w", hub.Internal(cause, "saving a person")),
		&hub.Error{Code: hub.CodeInternal, Message: "detail " + secret},
	} {
		msg := hub.ErrorMessage(err)
		if strings.Contains(msg, secret) || strings.Contains(msg, "refused") {
			t.Errorf("ErrorMessage(%v) = %q leaks the cause", err, msg)
		}
		if msg != "Something went wrong in the hub" {
			t.Errorf("ErrorMessage(%v) = %q, want the generic message", err, msg)
		}
	}
	in := hub.Internal(cause, "saving a person")
	if in.Code != hub.CodeInternal || !errors.Is(in, cause) {
		t.Fatalf("Internal = %+v: want code internal wrapping the cause", in)
	}
	if !strings.Contains(in.Error(), "saving a person") || !strings.Contains(in.Error(), "refused") {
		t.Fatalf("Internal's Error() = %q: the log text should carry the context and cause", in.Error())
	}
}

func TestInvalid(t *testing.T) {
	if err := hub.Invalid("bad", nil); err != nil {
		t.Fatalf("Invalid with no problems = %v, want nil", err)
	}
	err := hub.Invalid("bad", []hub.Problem{{Field: "name", Message: "Enter a name"}})
	if !hub.IsCode(err, hub.CodeInvalid) || hub.ErrorMessage(err) != "bad" || len(hub.ErrorProblems(err)) != 1 {
		t.Fatalf("Invalid = %v", err)
	}
}
