package disclosure

import (
	"strconv"
	"strings"

	"github.com/partnership/equalityhub/hub"
)

// RateCell is a rate, such as stops per 1,000 people, worked out from two
// protected cells.
type RateCell struct {
	Value  float64 // 0 unless the rate can be shown
	Status Status
	Text   string
}

// Rate returns num/den × per from the values that were released, never
// from withheld counts. The rate is withheld when either count is withheld,
// shown as "no rate" with status zero when the denominator is 0, and has
// status rounded when either count was rounded.
func Rate(num, den Cell, per float64) RateCell {
	if num.Status.Suppressed() || den.Status.Suppressed() {
		return RateCell{Status: StatusSuppressedSecondary, Text: "withheld because a count it uses is withheld"}
	}
	if den.Value == 0 {
		return RateCell{Status: StatusZero, Text: "no rate: the group has no one in it"}
	}
	v := float64(num.Value) / float64(den.Value) * per
	st, prefix := StatusReleased, ""
	if num.Status == StatusRounded || den.Status == StatusRounded {
		st, prefix = StatusRounded, "about "
	}
	text := prefix + strconv.FormatFloat(v, 'f', 1, 64)
	if per != 1 {
		text += " per " + perText(per)
	}
	return RateCell{Value: v, Status: st, Text: text}
}

// perText writes a base such as 1000 as "1,000".
func perText(per float64) string {
	if per == float64(int64(per)) {
		return hub.Thousands(int64(per))
	}
	return strings.TrimRight(strconv.FormatFloat(per, 'f', -1, 64), ".")
}
