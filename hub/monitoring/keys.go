package monitoring

import "time"

// Key is an OpenPGP public key an organisation has registered to sign its returns.
type Key struct {
	Fingerprint string // upper-case hex, as OpenPGP tools show it
	OrgID       string
	Armored     string // the ASCII-armoured public key
	UserIDs     []string
	Created     time.Time
	Expires     time.Time // zero: does not expire
	Added       time.Time
	AddedBy     string    // person ID
	Revoked     time.Time // zero while the key may sign
	RevokedBy   string
}

// ValidAt reports whether the key could sign at t: registered, not revoked and not expired.
func (k Key) ValidAt(t time.Time) bool {
	if !k.Revoked.IsZero() && !t.Before(k.Revoked) {
		return false
	}
	return k.Expires.IsZero() || t.Before(k.Expires)
}

// KeyInfo is what can be read from an armoured public key.
type KeyInfo struct {
	Fingerprint string
	UserIDs     []string
	Created     time.Time
	Expires     time.Time // zero: does not expire
	Private     bool      // the armour holds a private key, which must never be registered
}

// Signature is what verifying a detached signature establishes.
type Signature struct {
	Fingerprint string    // of the key that made it
	SignedAt    time.Time // the creation time inside the signature
}

// Crypto is what the domain needs of OpenPGP. Errors are CodeInvalid, with a
// message that says what is wrong with the key or signature.
type Crypto interface {
	// ReadKey reads an armoured public key.
	ReadKey(armored string) (KeyInfo, error)
	// Verify checks a detached, armoured signature over data against one of the
	// armoured public keys, and says which key made it.
	Verify(data []byte, signature string, keys []string) (Signature, error)
}
