package pgp

import "github.com/partnership/equalityhub/hub/audit"

// AuditVerifier checks the hub's signatures on audit checkpoints.
type AuditVerifier struct{ Crypto Crypto }

var _ audit.Verifier = AuditVerifier{}

// Verify implements audit.Verifier.
func (v AuditVerifier) Verify(data []byte, signature string, keys []string) (string, error) {
	s, err := v.Crypto.Verify(data, signature, keys)
	return s.Fingerprint, err
}
