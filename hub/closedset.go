package hub

import "strings"

// closedSet holds the values and labels of a closed value type, so that each
// type's Parse, Label and UnmarshalText are written once.
type closedSet[T ~string] struct {
	what   string // what a value is, for messages: "role"
	values []T
	labels map[T]string
}

func newClosedSet[T ~string](what string, pairs ...string) closedSet[T] {
	c := closedSet[T]{what: what, labels: map[T]string{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		v := T(pairs[i])
		c.values = append(c.values, v)
		c.labels[v] = pairs[i+1]
	}
	return c
}

func (c closedSet[T]) parse(s string) (T, error) {
	v := T(strings.TrimSpace(s))
	if _, ok := c.labels[v]; ok {
		return v, nil
	}
	names := make([]string, len(c.values))
	for i, v := range c.values {
		names[i] = string(v)
	}
	return "", Errorf(CodeInvalid, "%q is not a %s: use one of %s", s, c.what, strings.Join(names, ", "))
}

func (c closedSet[T]) label(v T) string {
	if l, ok := c.labels[v]; ok {
		return l
	}
	return string(v)
}

func (c closedSet[T]) all() []T { return append([]T(nil), c.values...) }
