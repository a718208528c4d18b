package pgp

import (
	stdcrypto "crypto"
	"errors"
	"strings"
	"sync"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ProtonMail/go-crypto/openpgp/s2k"
	"github.com/ProtonMail/gopenpgp/v2/armor"
	"github.com/ProtonMail/gopenpgp/v2/constants"
	"github.com/ProtonMail/gopenpgp/v2/crypto"

	"github.com/partnership/equalityhub/hub"
)

// lockConfig is how GenerateKey protects a private key: iterated and salted
// SHA-256 with 16 Mi bytes hashed (readable by gpg), and AES-256.
var lockConfig = &packet.Config{
	S2KConfig: &s2k.Config{
		S2KMode:  s2k.IteratedSaltedS2K,
		Hash:     stdcrypto.SHA256,
		S2KCount: 16 << 20,
	},
	DefaultCipher: packet.CipherAES256,
}

// GenerateKey makes a curve25519 key pair for an organisation: an Ed25519
// primary key that signs and an X25519 subkey, with no expiry, the private
// key locked with passphrase. It returns the armoured private and public keys
// and the fingerprint. The passphrase must not be empty.
func GenerateKey(name, email string, passphrase []byte) (privateArmored, publicArmored, fingerprint string, err error) {
	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	switch {
	case name == "" && email == "":
		return "", "", "", invalid(nil, "Give a name or an email address for the key")
	case strings.ContainsAny(name, "()<>\x00"):
		return "", "", "", invalid(nil, "The name of the key may not contain brackets ( ) < >")
	case strings.ContainsAny(email, "()<>\x00 "):
		return "", "", "", invalid(nil, "The email address of the key may not contain spaces or brackets ( ) < >")
	case len(passphrase) == 0:
		return "", "", "", invalid(nil, "Choose a passphrase to protect the private key")
	}
	key, err := crypto.GenerateKey(name, email, "x25519", 0)
	if err != nil {
		return "", "", "", hub.Internal(err, "pgp: generating a key")
	}
	defer key.ClearPrivateParams()
	publicArmored, err = key.GetArmoredPublicKeyWithCustomHeaders("", "")
	if err != nil {
		return "", "", "", hub.Internal(err, "pgp: armouring a public key")
	}
	if err := key.GetEntity().EncryptPrivateKeys(passphrase, lockConfig); err != nil {
		return "", "", "", hub.Internal(err, "pgp: locking a private key")
	}
	privateArmored, err = key.ArmorWithCustomHeaders("", "")
	if err != nil {
		return "", "", "", hub.Internal(err, "pgp: armouring a private key")
	}
	return privateArmored, publicArmored, strings.ToUpper(key.GetFingerprint()), nil
}

// Sign makes an armoured detached signature over data with an armoured
// private key locked with passphrase.
func Sign(data []byte, privateArmored string, passphrase []byte) (string, error) {
	s, err := NewSigner(privateArmored, passphrase)
	if err != nil {
		return "", err
	}
	defer s.Close()
	return s.Sign(data)
}

// Signer signs repeatedly with one unlocked private key, for the hub's own
// key and for bulk demo data. It is safe for concurrent use. Close clears the
// key.
type Signer struct {
	mu          sync.RWMutex
	ring        *crypto.KeyRing // nil once closed
	fingerprint string
	public      string
}

// NewSigner unlocks an armoured private key with passphrase. A key that is
// not protected by a passphrase is taken whatever the passphrase. The key must
// be able to sign now.
func NewSigner(privateArmored string, passphrase []byte) (*Signer, error) {
	block, _, err := unarmor(privateArmored)
	if err != nil {
		return nil, invalid(err, "This is not an armoured OpenPGP private key: it should begin -----BEGIN PGP PRIVATE KEY BLOCK-----")
	}
	if block.Type == constants.PublicKeyHeader {
		return nil, invalid(nil, "This is a public key: signing needs the private key")
	}
	key, err := crypto.NewKeyFromArmored(privateArmored)
	if err != nil {
		return nil, invalid(err, "The private key could not be read: it is damaged, holds more than one key, or uses an algorithm the hub does not support")
	}
	if !key.IsPrivate() {
		return nil, invalid(nil, "This is a public key: signing needs the private key")
	}
	e := key.GetEntity()
	fp := fingerprint(e)
	if err := e.DecryptPrivateKeys(passphrase); err != nil {
		key.ClearPrivateParams()
		return nil, invalid(err, "The passphrase does not unlock the key")
	}
	signing, ok := e.SigningKey(crypto.GetTime())
	if !ok {
		key.ClearPrivateParams()
		return nil, invalid(nil, "Key %s cannot sign now: it has expired or been revoked, or has no key marked for signing", fp)
	}
	if signing.PrivateKey == nil || signing.PrivateKey.Dummy() || signing.PrivateKey.Encrypted {
		key.ClearPrivateParams()
		return nil, invalid(nil, "The private key of %s does not hold the secret part of its signing key: export it with `gpg --armor --export-secret-keys`", fp)
	}
	public, err := key.GetArmoredPublicKeyWithCustomHeaders("", "")
	if err != nil {
		key.ClearPrivateParams()
		return nil, hub.Internal(err, "pgp: armouring a public key")
	}
	ring, err := crypto.NewKeyRing(key)
	if err != nil {
		key.ClearPrivateParams()
		return nil, hub.Internal(err, "pgp: making a key ring")
	}
	return &Signer{ring: ring, fingerprint: fp, public: public}, nil
}

// errClosed is the cause when a closed Signer is asked to sign.
var errClosed = errors.New("pgp: the signer is closed")

// Sign makes an armoured detached signature over data, dated now.
func (s *Signer) Sign(data []byte) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ring == nil {
		return "", hub.Internal(errClosed, "pgp: signing")
	}
	sig, err := s.ring.SignDetached(crypto.NewPlainMessage(data))
	if err != nil {
		return "", hub.Internal(err, "pgp: signing")
	}
	armored, err := armor.ArmorWithTypeAndCustomHeaders(sig.GetBinary(), constants.PGPSignatureHeader, "", "")
	if err != nil {
		return "", hub.Internal(err, "pgp: armouring a signature")
	}
	return armored, nil
}

// Fingerprint is the upper-case hex fingerprint of the key.
func (s *Signer) Fingerprint() string { return s.fingerprint }

// PublicKey returns the armoured public key; it stays available after Close.
func (s *Signer) PublicKey() (string, error) { return s.public, nil }

// Close clears the private key; Sign fails afterwards. Closing twice is harmless.
func (s *Signer) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring != nil {
		s.ring.ClearPrivateParams()
		s.ring = nil
	}
}
