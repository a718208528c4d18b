package monitoring

import (
	"crypto/sha256"
	"slices"

	"github.com/partnership/equalityhub/hub"
)

// Why a stored return is damaged, in words for its owner and the administrators.
const (
	DamagedFigures   = "The stored figures of this return do not match what was signed; it is left out of every table until it is sent again"
	DamagedDocument  = "The signed document of this return has been changed or lost since it was accepted; it is left out of every table until it is sent again"
	DamagedSignature = "The signature of this return no longer checks against its organisation's keys; it is left out of every table until it is sent again"
	damagedInvalid   = "The signed document of this return does not pass the hub's checks, so its figures cannot be used; it is left out of every table until a corrected return is sent: "
)

// fixedCatalogue is a catalogue of standards and themes read together, for
// checking returns while the service's own are being replaced.
type fixedCatalogue struct {
	standards []Standard
	themes    []Theme
}

func (c fixedCatalogue) Standard(version string) (Standard, bool) {
	for _, s := range c.standards {
		if s.Version == version {
			return s, true
		}
	}
	return Standard{}, false
}

func (c fixedCatalogue) Theme(id string) (Theme, bool) {
	for _, t := range c.themes {
		if t.ID == id {
			return t, true
		}
	}
	return Theme{}, false
}

// check compares a return as stored, with its body and signature, with what
// its organisation signed: the body must be the one the return's identity
// names, valid, and signed by one of keys (the organisation's), and the
// figures, key and signing time stored beside it must be the body's. It
// returns the return without body and signature, with the signed figures
// whenever the body can be read, and Damaged saying what is wrong, if
// anything; and the SHA-256 of the signature it verified. known is this
// process's earlier check of the same return, with knownSig the signature's
// SHA-256 then: when the body and signature are the same, they are not
// verified again.
func (s *Service) check(r Return, cat Catalogue, keys []string, known Return, knownSig [32]byte) (Return, [32]byte) {
	body, signature := r.Body, r.Signature
	r.Body, r.Signature, r.Damaged = nil, "", ""
	sum := sha256.Sum256([]byte(signature))
	if len(body) == 0 || r.wantID(body) != r.ID {
		r.Damaged = DamagedDocument
		return r, sum
	}
	stored, signed := r, known
	if known.ID != r.ID || known.Damaged != "" || knownSig != sum {
		content, _, err := Decode(body, cat)
		if err != nil {
			r.Damaged = damagedInvalid + hub.ErrorMessage(err)
			if ps := hub.ErrorProblems(err); len(ps) > 0 {
				r.Damaged += ": " + ps[0].Message
			}
			return r, sum
		}
		sig, err := s.crypto.Verify(body, signature, keys)
		if err != nil {
			r.Content, r.Damaged = content, DamagedSignature
			return r, sum
		}
		signed = Return{Content: content, Key: sig.Fingerprint, SignedAt: sig.SignedAt}
	}
	r.Content, r.Key, r.SignedAt = signed.Content, signed.Key, signed.SignedAt
	if !sameSigned(stored, signed) {
		r.Damaged = DamagedFigures
	}
	return r, sum
}

// sameSigned reports whether two returns say the same as signed: the same
// content, by the same key at the same time.
func sameSigned(a, b Return) bool {
	x, y := a.Content, b.Content
	return x.OrgID == y.OrgID && x.Theme == y.Theme && x.Period == y.Period && x.Standard == y.Standard &&
		x.Mapping == y.Mapping && x.Records == y.Records && x.Rejected == y.Rejected && slices.Equal(x.Counts, y.Counts) &&
		a.Key == b.Key && a.SignedAt.Equal(b.SignedAt)
}
