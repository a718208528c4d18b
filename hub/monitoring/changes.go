package monitoring

import (
	"fmt"
	"strings"
)

// ChangesFrom says in words what a version changes from an earlier one:
// questions added and removed, answers added and removed, and wording or
// broad groups changed; nothing when the two ask the same.
func (s Standard) ChangesFrom(old Standard) []string {
	var out []string
	for _, q := range s.Questions {
		o, ok := old.Question(q.Key)
		if !ok {
			out = append(out, fmt.Sprintf("A new question: %s (%d answers)", q.Label, len(q.Categories)))
			continue
		}
		if added := missing(q.Categories, o); len(added) > 0 {
			out = append(out, fmt.Sprintf("%s: %s added", q.Label, listOf(added)))
		}
		if removed := missing(o.Categories, q); len(removed) > 0 {
			out = append(out, fmt.Sprintf("%s: %s no longer asked", q.Label, listOf(removed)))
		}
		if q.Wording != o.Wording {
			out = append(out, fmt.Sprintf("%s: the question is worded differently", q.Label))
		}
		if len(q.Groups) != len(o.Groups) || regrouped(q, o) {
			out = append(out, fmt.Sprintf("%s: the broad groups change", q.Label))
		}
	}
	for _, o := range old.Questions {
		if _, ok := s.Question(o.Key); !ok {
			out = append(out, fmt.Sprintf("No longer asked: %s", o.Label))
		}
	}
	return out
}

// missing lists the labels of the categories of cs that q does not have.
func missing(cs []Category, q Question) []string {
	var out []string
	for _, c := range cs {
		if _, ok := q.Category(c.Code); !ok {
			out = append(out, c.Label)
		}
	}
	return out
}

// regrouped reports whether an answer both questions have rolls up into a
// broad group of another name.
func regrouped(q, o Question) bool {
	for _, c := range q.Categories {
		if _, ok := o.Category(c.Code); ok && q.GroupOf(c.Code) != o.GroupOf(c.Code) {
			return true
		}
	}
	return false
}

// listOf joins labels in words: "a", "a and b", "a, b and c".
func listOf(xs []string) string {
	quoted := make([]string, len(xs))
	for i, x := range xs {
		quoted[i] = "“" + x + "”"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}
