package monitoring

import (
	"context"
	"crypto/sha256"
	"runtime"
	"slices"
	"sync"

	"github.com/partnership/equalityhub/hub"
)

// Why a stored return is damaged, in words for its owner and the administrators.
const (
	DamagedFigures   = "The stored figures of this return do not match what was signed; it is left out of every table until it is sent again"
	DamagedDocument  = "The signed document of this return has been changed or lost since it was accepted; it is left out of every table until it is sent again"
	DamagedSignature = "The signature of this return no longer checks against its organisation's keys; it is left out of every table until it is sent again"
	damagedInvalid   = "The signed document of this return does not pass the hub's checks, so its figures cannot be used; it is left out of every table until a corrected return is sent: "
)

// SignedBody is a return's document and signature as stored.
type SignedBody struct {
	Body      []byte
	Signature string
}

// checkAll checks returns read from the store, with or without their bodies,
// against what their organisations signed, as check does. A return this process has
// verified already (known, with the SHA-256 of its signature in knownSums)
// only has its stored figures compared with the signed ones; the documents
// and signatures of the others are read from the store and verified, on every
// processor. It returns the returns with the signed figures and Damaged set
// where they are not to be trusted, and the signatures' SHA-256 of those that
// are.
func (s *Service) checkAll(ctx context.Context, rets []Return, cat Catalogue, armored map[string][]string, known map[string]Return, knownSums map[string][32]byte) (map[string][32]byte, error) {
	verified := map[string][32]byte{}
	var need []int
	for i, r := range rets {
		k, ok := known[r.ID]
		sum, sumOK := knownSums[r.ID]
		if !ok || !sumOK || k.Damaged != "" {
			need = append(need, i)
			continue
		}
		stored := r
		r.Content, r.Key, r.SignedAt, r.Damaged = k.Content, k.Key, k.SignedAt, ""
		if sameSigned(stored, k) {
			verified[r.ID] = sum
		} else {
			r.Damaged = DamagedFigures
		}
		rets[i] = r
	}
	if len(need) == 0 {
		return verified, nil
	}
	ids := make([]string, len(need))
	for j, i := range need {
		ids[j] = rets[i].ID
	}
	bodies := map[string]SignedBody{}
	for _, i := range need {
		if r := rets[i]; r.Body != nil {
			bodies[r.ID] = SignedBody{Body: r.Body, Signature: r.Signature}
		}
	}
	if len(bodies) < len(need) {
		found, err := s.store.FindReturnBodies(ctx, ids)
		if err != nil {
			return nil, err
		}
		bodies = found
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := rets[i]
				b := bodies[r.ID]
				r.Body, r.Signature = b.Body, b.Signature
				checked, sum := s.check(r, cat, armored[r.OrgID], Return{}, [32]byte{})
				rets[i] = checked
				if checked.Damaged == "" {
					mu.Lock()
					verified[r.ID] = sum
					mu.Unlock()
				}
			}
		}()
	}
	for _, i := range need {
		next <- i
	}
	close(next)
	wg.Wait()
	return verified, nil
}

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
