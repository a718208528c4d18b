package web

import (
	"fmt"

	"github.com/partnership/equalityhub/hub"
)

// textKinds names the hub's kinds of text for the pages, so that each form
// states the same limit the hub enforces: maxlength="{{maxLength "name"}}"
// and a hint "{{upTo "name"}}".
var textKinds = map[string]hub.TextKind{
	"name":   hub.NameText,
	"reason": hub.ReasonText,
	"note":   hub.NoteText,
	"link":   hub.LinkText,
}

func textKind(kind string) hub.TextKind {
	k, ok := textKinds[kind]
	if !ok {
		panic(fmt.Sprintf("a page asks for the limit of an unknown kind of text %q", kind))
	}
	return k
}

func init() {
	funcs["maxLength"] = func(kind string) int { return textKind(kind).Max }
	funcs["upTo"] = func(kind string) string { return "Up to " + hub.Thousands(int64(textKind(kind).Max)) + " characters" }
}
