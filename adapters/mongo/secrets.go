package mongo

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// sealedPrefix starts a client secret stored encrypted: AES-256-GCM, the
// nonce and then the sealed secret, in base64. A value without it is a secret
// stored in clear by an earlier version.
const sealedPrefix = "aes256gcm:"

// SealSecretsWith makes the store keep identity providers' client secrets
// encrypted with key (32 bytes, AES-256-GCM), a key that is not in the
// database: each secret is bound to its organisation and identity provider,
// so that a sealed value copied elsewhere does not open. Secrets stored in
// clear are still read; SealClearSecrets encrypts them.
func (s *Store) SealSecretsWith(key []byte) error {
	if len(key) != 32 {
		return fmt.Errorf("the key for client secrets has %d bytes; it needs 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	s.secrets = aead
	return nil
}

func secretContext(orgID, issuerID string) []byte {
	return []byte("client secret\x00" + orgID + "\x00" + issuerID)
}

// sealSecret encrypts a client secret for storage.
func (s *Store) sealSecret(orgID, issuerID, secret string) string {
	if s.secrets == nil || secret == "" {
		return secret
	}
	nonce := make([]byte, s.secrets.NonceSize())
	_, _ = rand.Read(nonce)
	out := s.secrets.Seal(nonce, nonce, []byte(secret), secretContext(orgID, issuerID))
	return sealedPrefix + base64.StdEncoding.EncodeToString(out)
}

// openSecret decrypts a stored client secret, or returns one stored in clear.
func (s *Store) openSecret(orgID, issuerID, stored string) (string, error) {
	if !strings.HasPrefix(stored, sealedPrefix) {
		return stored, nil
	}
	if s.secrets == nil {
		return "", fmt.Errorf("the client secret of %s's identity provider %s is encrypted and the hub has no key for client secrets", orgID, issuerID)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(stored, sealedPrefix))
	n := s.secrets.NonceSize()
	if err != nil || len(raw) < n {
		return "", fmt.Errorf("the client secret of %s's identity provider %s is damaged", orgID, issuerID)
	}
	clear, err := s.secrets.Open(nil, raw[:n], raw[n:], secretContext(orgID, issuerID))
	if err != nil {
		return "", fmt.Errorf("the client secret of %s's identity provider %s does not open with the configured key (a different key, or a changed value)", orgID, issuerID)
	}
	return string(clear), nil
}

// SealClearSecrets encrypts every client secret still stored in clear, and
// says how many organisations it rewrote.
func (s *Store) SealClearSecrets(ctx context.Context) (int, error) {
	if s.secrets == nil {
		return 0, errors.New("no key for client secrets")
	}
	docs, err := findAll(ctx, s.db.Collection(collOrganisations), bson.D{}, func(d orgDoc) orgDoc { return d })
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range docs {
		clear := false
		for _, is := range d.Issuers {
			clear = clear || (is.ClientSecret != "" && !strings.HasPrefix(is.ClientSecret, sealedPrefix))
		}
		if !clear {
			continue
		}
		o, err := s.fromOrgDoc(d)
		if err != nil {
			return n, err
		}
		if err := s.UpdateOrganisation(ctx, o); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
