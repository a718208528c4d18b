package monitoring

import "slices"

// Translate lays counts made under the layout from out in the layout to, of
// the same theme under another version of the standard. A question of to
// is carried over when from asks it with the same answers (the same codes,
// in any order); comparable says, for each question of to, whether it was.
// A question that is not carried over has no counts in out: a return made
// under from cannot be set beside returns made under to for it.
func Translate(from, to *Layout, counts []int64) (out []int64, comparable []bool) {
	out = make([]int64, to.Size())
	comparable = make([]bool, len(to.Questions))
	measures := len(to.Theme.Measures)
	if len(from.Theme.Measures) != measures || len(counts) != from.Size() {
		return out, comparable
	}
	for qi, q := range to.Questions {
		fi := slices.IndexFunc(from.Questions, func(f Question) bool { return f.Key == q.Key })
		if fi < 0 || !sameAnswers(from.Questions[fi], q) {
			continue
		}
		comparable[qi] = true
		fromAnswers := from.Questions[fi].Answers()
		for ai, a := range q.Answers() {
			fa := slices.IndexFunc(fromAnswers, func(c Category) bool { return c.Code == a.Code })
			for mi := range measures {
				out[to.Index(qi, ai, mi)] = counts[from.Index(fi, fa, mi)]
			}
		}
	}
	return out, comparable
}

// sameAnswers reports whether two questions have the same answer codes.
func sameAnswers(a, b Question) bool {
	if len(a.Categories) != len(b.Categories) {
		return false
	}
	for _, c := range a.Categories {
		if _, ok := b.Category(c.Code); !ok {
			return false
		}
	}
	return true
}
