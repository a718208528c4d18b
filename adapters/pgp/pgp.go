// Package pgp implements monitoring.Crypto with OpenPGP (gopenpgp v2): it
// reads the public keys organisations register, verifies the detached
// signatures on their returns, and makes keys and signatures for the hub's
// own key, for hubctl and for demo data.
//
// Fingerprints are the upper-case hex of the full version 4 fingerprint
// (40 characters) everywhere. Verify does not judge a signature by time:
// whether the key was valid when it signed is decided by the domain, from the
// signature time it returns and the key's registration, revocation and expiry.
package pgp

import (
	"bytes"
	stdcrypto "crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	goarmor "github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ProtonMail/gopenpgp/v2/constants"
	"github.com/ProtonMail/gopenpgp/v2/crypto"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Crypto implements monitoring.Crypto.
type Crypto struct {
	// Now is used for expiry checks; nil means time.Now.
	Now func() time.Time
}

var _ monitoring.Crypto = Crypto{}

func (c Crypto) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// dateLayout is how dates appear in messages.
const dateLayout = "2 January 2006"

// msgNotPublicKey is the message for text that is not an armoured key.
const msgNotPublicKey = "This is not an OpenPGP public key: export it with `hubctl keygen` or `gpg --armor --export`"

// privateBegin starts an armoured private key.
const privateBegin = "-----BEGIN " + constants.PrivateKeyHeader + "-----"

// ReadKey reads an armoured public key. It refuses, with a CodeInvalid error,
// text that is not an armoured key, more than one key, a private key (the
// KeyInfo then has Private set, and must not be stored), a key that is not
// version 4, and a key that is revoked, expired or cannot sign at c.Now.
func (c Crypto) ReadKey(armored string) (monitoring.KeyInfo, error) {
	now := c.now()
	if i := strings.Index(armored, privateBegin); i >= 0 {
		info := monitoring.KeyInfo{Private: true}
		if el, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armored[i:])); err == nil && len(el) > 0 {
			info = keyInfo(el[0], now)
			info.Private = true
		}
		return info, privateKeyError()
	}
	if strings.Count(armored, "-----BEGIN PGP ") > 1 {
		return monitoring.KeyInfo{}, invalid(nil, "The text holds more than one armoured block: give only your organisation's public key, exported with `gpg --armor --export FINGERPRINT`")
	}
	block, body, err := unarmor(armored)
	if err != nil {
		return monitoring.KeyInfo{}, invalid(err, msgNotPublicKey)
	}
	switch block.Type {
	case constants.PublicKeyHeader:
	case constants.PGPSignatureHeader:
		return monitoring.KeyInfo{}, invalid(nil, "This is a signature, not a public key: export the key with `hubctl keygen` or `gpg --armor --export`")
	default:
		return monitoring.KeyInfo{}, invalid(nil, msgNotPublicKey)
	}
	entities, err := openpgp.ReadKeyRing(bytes.NewReader(body))
	if err != nil || len(entities) == 0 {
		return monitoring.KeyInfo{}, invalid(err, "The key could not be read: it is damaged or uses an algorithm the hub does not support. Export it again with `gpg --armor --export`")
	}
	for _, e := range entities {
		if e.PrivateKey != nil {
			return keyInfo(e, now), privateKeyError()
		}
	}
	if len(entities) > 1 {
		return monitoring.KeyInfo{}, invalid(nil, "The text holds %d keys: export only your organisation's signing key, with `gpg --armor --export FINGERPRINT`", len(entities))
	}
	e := entities[0]
	info := keyInfo(e, now)
	if v := e.PrimaryKey.Version; v != 4 {
		return monitoring.KeyInfo{}, invalid(nil, "This is a version %d OpenPGP key; the hub takes version 4 keys, which `hubctl keygen` and `gpg` make by default", v)
	}
	if revoked(e, now) {
		return monitoring.KeyInfo{}, invalid(nil, "Key %s has been revoked by its owner: make a new key and register that", info.Fingerprint)
	}
	if !info.Expires.IsZero() && !now.Before(info.Expires) {
		return monitoring.KeyInfo{}, invalid(nil, "Key %s expired on %s: extend its expiry date and export it again, or make a new key", info.Fingerprint, info.Expires.Format(dateLayout))
	}
	if _, ok := e.SigningKey(now); !ok {
		return monitoring.KeyInfo{}, invalid(nil, "Key %s cannot sign: it has no key marked for signing. Use a signing key, such as one made with `hubctl keygen`", info.Fingerprint)
	}
	return info, nil
}

// Verify checks a detached, armoured signature over data against each of the
// armoured public keys, and returns the fingerprint of the key that made it
// and the creation time inside the signature. It checks neither the key's
// expiry nor the signature's age: the domain judges those by the signature
// time. A key in keys that cannot be read is a fault of the hub.
func (c Crypto) Verify(data []byte, signature string, keys []string) (monitoring.Signature, error) {
	sigs, raw, err := readSignature(signature)
	if err != nil {
		return monitoring.Signature{}, err
	}
	pgpSig := crypto.NewPGPSignature(raw)
	msg := crypto.NewPlainMessage(data)
	var failure error
	for i, armored := range keys {
		key, err := crypto.NewKeyFromArmored(armored)
		if err != nil {
			return monitoring.Signature{}, hub.Internal(err, fmt.Sprintf("pgp: reading registered key %d of %d", i+1, len(keys)))
		}
		sig := issuedBy(key.GetEntity(), sigs)
		if sig == nil {
			continue
		}
		fp := fingerprint(key.GetEntity())
		if !slices.Contains(allowedHashes, sig.Hash) {
			failure = firstErr(failure, invalid(nil, "The signature uses a hash algorithm the hub does not accept (%v): sign again with SHA-256 or stronger", sig.Hash))
			continue
		}
		ring, err := crypto.NewKeyRing(key)
		if err != nil {
			return monitoring.Signature{}, hub.Internal(err, "pgp: making a key ring")
		}
		// A verification time of 0 turns off gopenpgp's checks of key and
		// signature expiry; the signature and the data are still checked.
		created, err := ring.GetVerifiedSignatureTimestamp(msg, pgpSig, 0)
		if err == nil {
			return monitoring.Signature{Fingerprint: fp, SignedAt: time.Unix(created, 0).UTC()}, nil
		}
		failure = firstErr(failure, verifyFailure(err, fp))
	}
	if failure != nil {
		return monitoring.Signature{}, failure
	}
	return monitoring.Signature{}, invalid(nil, "The signature was not made by any key registered for your organisation")
}

// allowedHashes are the hash algorithms gopenpgp accepts in signatures.
var allowedHashes = []stdcrypto.Hash{
	stdcrypto.SHA224, stdcrypto.SHA256, stdcrypto.SHA384, stdcrypto.SHA512,
	stdcrypto.SHA3_256, stdcrypto.SHA3_512,
}

// firstErr returns a unless it is nil, else b.
func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// verifyFailure turns an error from verifying with the key fp, which the
// signature names as its issuer, into a message.
func verifyFailure(err error, fp string) error {
	switch {
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		return invalid(err, "Key %s, which made the signature, has been revoked by its owner as compromised: sign with another key", fp)
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		return invalid(err, "The signature was made with a part of key %s that is not marked for signing: sign with the key's signing key", fp)
	default:
		return invalid(err, "The return does not match its signature: it was changed after signing, or the signature belongs to another file")
	}
}

// keyInfo is what ReadKey reports of an entity.
func keyInfo(e *openpgp.Entity, now time.Time) monitoring.KeyInfo {
	return monitoring.KeyInfo{
		Fingerprint: fingerprint(e),
		UserIDs:     userIDs(e, now),
		Created:     e.PrimaryKey.CreationTime.UTC(),
		Expires:     signingExpiry(e, now),
		Private:     e.PrivateKey != nil,
	}
}

// invalid returns a CodeInvalid error with a message and, never shown, the cause.
func invalid(cause error, format string, args ...any) *hub.Error {
	e := hub.Errorf(hub.CodeInvalid, format, args...)
	e.Err = cause
	return e
}

// privateKeyError is the error for a private key given where a public key belongs.
func privateKeyError() error {
	return invalid(nil, "This is a private key, which must never be shared, not even with the hub; the hub has not kept it. "+
		"Register the public key instead: export it with `gpg --armor --export`")
}

// unarmor decodes the first armoured block in s.
func unarmor(s string) (*goarmor.Block, []byte, error) {
	block, err := goarmor.Decode(strings.NewReader(strings.TrimSpace(s)))
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(block.Body)
	if err != nil {
		return nil, nil, err
	}
	return block, body, nil
}

// fingerprint is the upper-case hex fingerprint of an entity's primary key.
func fingerprint(e *openpgp.Entity) string {
	return strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
}

// userIDs lists the user IDs not revoked at now, the primary one first.
func userIDs(e *openpgp.Entity, now time.Time) []string {
	var primary string
	if id := e.PrimaryIdentity(); id != nil {
		primary = id.Name
	}
	var ids []string
	for name, id := range e.Identities {
		if name != primary && !id.Revoked(now) {
			ids = append(ids, name)
		}
	}
	slices.Sort(ids)
	if primary != "" {
		ids = slices.Insert(ids, 0, primary)
	}
	return ids
}

// revoked reports whether the primary key or its primary user ID is revoked at now.
func revoked(e *openpgp.Entity, now time.Time) bool {
	if e.Revoked(now) {
		return true
	}
	_, id := e.PrimarySelfSignature()
	return id != nil && id.Revoked(now)
}

// expiry is when a key created at created with the lifetime from a binding
// signature expires; zero when it does not.
func expiry(created time.Time, lifetime *uint32) time.Time {
	if lifetime == nil || *lifetime == 0 {
		return time.Time{}
	}
	return created.Add(time.Duration(*lifetime) * time.Second).UTC()
}

// signingExpiry is when the entity can no longer sign: the expiry of the
// primary key, or earlier if every key that may sign (a signing subkey not
// revoked at now, or the primary key marked for signing) expires before it.
// Zero means it does not expire.
func signingExpiry(e *openpgp.Entity, now time.Time) time.Time {
	self, _ := e.PrimarySelfSignature()
	if self == nil {
		return time.Time{}
	}
	primary := expiry(e.PrimaryKey.CreationTime, self.KeyLifetimeSecs)
	var latest time.Time // the latest expiry of the keys that may sign
	found := false
	consider := func(t time.Time) {
		switch {
		case !found:
			latest, found = t, true
		case latest.IsZero():
		case t.IsZero() || t.After(latest):
			latest = t
		}
	}
	if self.FlagsValid && self.FlagSign && e.PrimaryKey.PubKeyAlgo.CanSign() {
		consider(primary)
	}
	for _, sub := range e.Subkeys {
		if sub.Sig != nil && sub.Sig.FlagsValid && sub.Sig.FlagSign && sub.PublicKey.PubKeyAlgo.CanSign() && !sub.Revoked(now) {
			consider(expiry(sub.PublicKey.CreationTime, sub.Sig.KeyLifetimeSecs))
		}
	}
	if !found || latest.IsZero() || (!primary.IsZero() && primary.Before(latest)) {
		return primary
	}
	return latest
}

// msgBadSignature is the message for a signature that cannot be read.
const msgBadSignature = "The signature is not a valid armoured OpenPGP signature: it should begin -----BEGIN PGP SIGNATURE-----. " +
	"Make it with `gpg --armor --detach-sign` and send the .asc file unchanged"

// readSignature decodes an armoured detached signature into its signature
// packets and its binary form.
func readSignature(armored string) ([]*packet.Signature, []byte, error) {
	if strings.TrimSpace(armored) == "" {
		return nil, nil, invalid(nil, "The signature is missing: sign the return with `gpg --armor --detach-sign` and send the .asc file with it")
	}
	block, raw, err := unarmor(armored)
	if err != nil {
		return nil, nil, invalid(err, msgBadSignature)
	}
	if block.Type != constants.PGPSignatureHeader {
		return nil, nil, invalid(nil, msgBadSignature)
	}
	var sigs []*packet.Signature
	packets := packet.NewReader(bytes.NewReader(raw))
	for {
		p, err := packets.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, invalid(err, msgBadSignature)
		}
		sig, ok := p.(*packet.Signature)
		if !ok || sig.IssuerKeyId == nil {
			return nil, nil, invalid(nil, msgBadSignature)
		}
		if sig.SigType != packet.SigTypeBinary && sig.SigType != packet.SigTypeText {
			return nil, nil, invalid(nil, "The signature is not a signature of a file: make it with `gpg --armor --detach-sign`")
		}
		sigs = append(sigs, sig)
	}
	if len(sigs) == 0 {
		return nil, nil, invalid(nil, msgBadSignature)
	}
	return sigs, raw, nil
}

// issuedBy returns the first of sigs that names one of e's keys as its
// issuer, or nil.
func issuedBy(e *openpgp.Entity, sigs []*packet.Signature) *packet.Signature {
	list := openpgp.EntityList{e}
	for _, sig := range sigs {
		if len(list.KeysById(*sig.IssuerKeyId)) > 0 {
			return sig
		}
	}
	return nil
}
