package pgp

import (
	"bytes"
	stdcrypto "crypto"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	goarmor "github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/partnership/equalityhub/hub"
)

var passphrase = []byte("correct horse battery staple")

// testKey is a generated key pair.
type testKey struct {
	private, public, fingerprint string
}

func generate(t testing.TB, name string) testKey {
	t.Helper()
	priv, pub, fp, err := GenerateKey(name, strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.gov.uk", passphrase)
	if err != nil {
		t.Fatalf("GenerateKey(%q): %v", name, err)
	}
	return testKey{priv, pub, fp}
}

func sign(t testing.TB, k testKey, data []byte) string {
	t.Helper()
	sig, err := Sign(data, k.private, passphrase)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return sig
}

// wantInvalid fails unless err is CodeInvalid with a message containing want.
func wantInvalid(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("code %s (%v), want %s", hub.ErrorCode(err), err, hub.CodeInvalid)
	}
	if msg := hub.ErrorMessage(err); !strings.Contains(msg, want) {
		t.Fatalf("message %q does not contain %q", msg, want)
	}
}

// entity makes a key with go-crypto directly, for keys GenerateKey does not
// make: created at created, expiring after lifetime (0: never).
func entity(t *testing.T, created time.Time, lifetime time.Duration) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity("Old Council", "", "old@example.gov.uk", &packet.Config{
		Algorithm:       packet.PubKeyAlgoEdDSA,
		Time:            func() time.Time { return created },
		KeyLifetimeSecs: uint32(lifetime / time.Second),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func armorPublic(t *testing.T, e *openpgp.Entity) string {
	t.Helper()
	var b bytes.Buffer
	w, err := goarmor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var fingerprintRE = regexp.MustCompile(`^[0-9A-F]{40}$`)

func TestGenerateAndReadKey(t *testing.T) {
	k := generate(t, "Northshire Council")
	if !fingerprintRE.MatchString(k.fingerprint) {
		t.Fatalf("fingerprint %q is not 40 upper-case hex digits", k.fingerprint)
	}
	if !strings.HasPrefix(k.private, "-----BEGIN PGP PRIVATE KEY BLOCK-----") || !strings.HasPrefix(k.public, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		t.Fatalf("armour headers wrong:\n%.40s\n%.40s", k.private, k.public)
	}
	info, err := Crypto{}.ReadKey(k.public)
	if err != nil {
		t.Fatalf("ReadKey: %v", err)
	}
	if info.Fingerprint != k.fingerprint {
		t.Errorf("fingerprint %s, want %s", info.Fingerprint, k.fingerprint)
	}
	if info.Private {
		t.Error("public key read as private")
	}
	if want := []string{"Northshire Council <northshire.council@example.gov.uk>"}; strings.Join(info.UserIDs, "|") != strings.Join(want, "|") {
		t.Errorf("user IDs %q, want %q", info.UserIDs, want)
	}
	if d := time.Since(info.Created); d < -5*time.Second || d > time.Minute {
		t.Errorf("created %s, not about now", info.Created)
	}
	if !info.Expires.IsZero() {
		t.Errorf("expires %s, want never", info.Expires)
	}

	// The key signs with Ed25519 and is locked.
	e, err := openpgp.ReadArmoredKeyRing(strings.NewReader(k.private))
	if err != nil {
		t.Fatal(err)
	}
	sk, ok := e[0].SigningKey(time.Now())
	if !ok || sk.PublicKey.PubKeyAlgo != packet.PubKeyAlgoEdDSA {
		t.Errorf("signing key %v, %v; want EdDSA", ok, sk.PublicKey)
	}
	if !e[0].PrivateKey.Encrypted {
		t.Error("private key is not locked")
	}
}

func TestGenerateKeyRefuses(t *testing.T) {
	_, _, _, err := GenerateKey("Council", "c@example.gov.uk", nil)
	wantInvalid(t, err, "Choose a passphrase")
	_, _, _, err = GenerateKey(" ", "", passphrase)
	wantInvalid(t, err, "Give a name or an email address")
	_, _, _, err = GenerateKey("Council <x>", "", passphrase)
	wantInvalid(t, err, "may not contain")
}

func TestSignVerify(t *testing.T) {
	k := generate(t, "Eastvale Borough")
	data := []byte("org,theme,period\neastvale,sex,2025\n")
	sig := sign(t, k, data)
	if !strings.HasPrefix(sig, "-----BEGIN PGP SIGNATURE-----") {
		t.Fatalf("signature not armoured:\n%s", sig)
	}
	got, err := Crypto{}.Verify(data, sig, []string{k.public})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got.Fingerprint != k.fingerprint {
		t.Errorf("fingerprint %s, want %s", got.Fingerprint, k.fingerprint)
	}
	if d := time.Since(got.SignedAt); d < -5*time.Second || d > 5*time.Second {
		t.Errorf("signed at %s, not within seconds of now", got.SignedAt)
	}
}

func TestVerifyFindsTheSigningKey(t *testing.T) {
	keys := []testKey{generate(t, "Key One"), generate(t, "Key Two"), generate(t, "Key Three")}
	data := []byte("return body")
	sig := sign(t, keys[1], data)
	got, err := Crypto{}.Verify(data, sig, []string{keys[0].public, keys[1].public, keys[2].public})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got.Fingerprint != keys[1].fingerprint {
		t.Errorf("fingerprint %s, want the second key %s", got.Fingerprint, keys[1].fingerprint)
	}
}

func TestVerifyTampered(t *testing.T) {
	k := generate(t, "Westmoor Council")
	sig := sign(t, k, []byte("headcount,42\n"))
	_, err := Crypto{}.Verify([]byte("headcount,43\n"), sig, []string{k.public})
	wantInvalid(t, err, "The return does not match its signature: it was changed after signing, or the signature belongs to another file")
}

func TestVerifyUnregisteredKey(t *testing.T) {
	registered, other := generate(t, "Registered"), generate(t, "Somebody Else")
	data := []byte("return body")
	_, err := Crypto{}.Verify(data, sign(t, other, data), []string{registered.public})
	wantInvalid(t, err, "The signature was not made by any key registered for your organisation")
	_, err = Crypto{}.Verify(data, sign(t, other, data), nil)
	wantInvalid(t, err, "not made by any key registered")
}

func TestVerifyBadSignature(t *testing.T) {
	k := generate(t, "Southport")
	data := []byte("return body")
	good := sign(t, k, data)
	damaged := strings.Replace(good, "\n", "\n!!!!", 3)
	for name, sig := range map[string]string{
		"garbage":    "this is not a signature",
		"public key": k.public,
		"damaged":    damaged,
		"no body":    "-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Crypto{}.Verify(data, sig, []string{k.public})
			wantInvalid(t, err, "not a valid armoured OpenPGP signature")
		})
	}
	_, err := Crypto{}.Verify(data, "  ", []string{k.public})
	wantInvalid(t, err, "The signature is missing")
}

func TestReadKeyRefuses(t *testing.T) {
	k := generate(t, "Private Matters")
	info, err := Crypto{}.ReadKey(k.private)
	wantInvalid(t, err, "private key, which must never be shared")
	if !info.Private {
		t.Error("KeyInfo.Private is false for a private key")
	}
	if info.Fingerprint != k.fingerprint {
		t.Errorf("fingerprint %s, want %s", info.Fingerprint, k.fingerprint)
	}

	_, err = Crypto{}.ReadKey("hello")
	wantInvalid(t, err, "This is not an OpenPGP public key: export it with `hubctl keygen` or `gpg --armor --export`")
	_, err = Crypto{}.ReadKey("")
	wantInvalid(t, err, "This is not an OpenPGP public key")
	_, err = Crypto{}.ReadKey(sign(t, k, []byte("x")))
	wantInvalid(t, err, "This is a signature, not a public key")
	lines := strings.Split(k.public, "\n")
	lines[3] = strings.Repeat("A", len(lines[3])) // damage the key packet
	_, err = Crypto{}.ReadKey(strings.Join(lines, "\n"))
	if !hub.IsCode(err, hub.CodeInvalid) {
		t.Errorf("damaged key: %v, want %s", err, hub.CodeInvalid)
	}
	_, err = Crypto{}.ReadKey(k.public + "\n" + generate(t, "Second").public)
	wantInvalid(t, err, "more than one armoured block")
	info, err = Crypto{}.ReadKey(k.public + "\n" + k.private)
	wantInvalid(t, err, "private key, which must never be shared")
	if !info.Private {
		t.Error("KeyInfo.Private is false for a public key followed by a private key")
	}
}

func TestReadKeyCannotSign(t *testing.T) {
	e := entity(t, time.Now(), 0)
	for _, id := range e.Identities {
		id.SelfSignature.FlagSign = false
		if err := id.SelfSignature.SignUserId(id.UserId.Id, e.PrimaryKey, e.PrivateKey, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Crypto{}.ReadKey(armorPublic(t, e))
	wantInvalid(t, err, "cannot sign")
}

func TestWrongPassphrase(t *testing.T) {
	k := generate(t, "Forgetful Council")
	_, err := Sign([]byte("x"), k.private, []byte("wrong"))
	wantInvalid(t, err, "The passphrase does not unlock the key")
	_, err = NewSigner(k.private, nil)
	wantInvalid(t, err, "The passphrase does not unlock the key")
	_, err = NewSigner(k.public, passphrase)
	wantInvalid(t, err, "This is a public key")
}

func TestSigner(t *testing.T) {
	k := generate(t, "Hub Itself")
	s, err := NewSigner(k.private, passphrase)
	if err != nil {
		t.Fatalf("NewSigner: %v", err)
	}
	if s.Fingerprint() != k.fingerprint {
		t.Errorf("fingerprint %s, want %s", s.Fingerprint(), k.fingerprint)
	}
	pub, err := s.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	info, err := Crypto{}.ReadKey(pub)
	if err != nil || info.Fingerprint != k.fingerprint {
		t.Fatalf("ReadKey(PublicKey()) = %s, %v; want %s", info.Fingerprint, err, k.fingerprint)
	}
	for _, data := range [][]byte{[]byte("first return"), []byte("second return")} {
		sig, err := s.Sign(data)
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		got, err := Crypto{}.Verify(data, sig, []string{pub})
		if err != nil || got.Fingerprint != k.fingerprint {
			t.Fatalf("Verify(%q) = %s, %v", data, got.Fingerprint, err)
		}
	}
	s.Close()
	s.Close()
	if _, err := s.Sign([]byte("after close")); err == nil {
		t.Error("a closed signer signed")
	}
}

func TestVerifyIgnoresTime(t *testing.T) {
	k := generate(t, "Timeless")
	data := []byte("return body")
	sig := sign(t, k, data)
	future := Crypto{Now: func() time.Time { return time.Now().AddDate(50, 0, 0) }}
	got, err := future.Verify(data, sig, []string{k.public})
	if err != nil || got.Fingerprint != k.fingerprint {
		t.Fatalf("Verify with Now in 50 years = %s, %v", got.Fingerprint, err)
	}
}

func TestExpiredKey(t *testing.T) {
	created := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	e := entity(t, created, time.Hour)
	pub := armorPublic(t, e)
	// Before it expires it reads, with its expiry.
	early := Crypto{Now: func() time.Time { return created.Add(10 * time.Minute) }}
	info, err := early.ReadKey(pub)
	if err != nil {
		t.Fatalf("ReadKey before expiry: %v", err)
	}
	if want := created.Add(time.Hour); !info.Expires.Equal(want) {
		t.Errorf("expires %s, want %s", info.Expires, want)
	}

	// Now it has expired.
	_, err = Crypto{}.ReadKey(pub)
	wantInvalid(t, err, "expired on "+created.Add(time.Hour).UTC().Format(dateLayout))

	// A signature made while it was valid still verifies: the domain judges
	// the time.
	signedAt := created.Add(30 * time.Minute)
	data := []byte("return body")
	var sig bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&sig, e, bytes.NewReader(data), &packet.Config{
		Time: func() time.Time { return signedAt }, DefaultHash: stdcrypto.SHA256,
	}); err != nil {
		t.Fatal(err)
	}
	got, err := Crypto{}.Verify(data, sig.String(), []string{pub})
	if err != nil {
		t.Fatalf("Verify with an expired key: %v", err)
	}
	if got.Fingerprint != info.Fingerprint || !got.SignedAt.Equal(signedAt) {
		t.Errorf("Verify = %s at %s, want %s at %s", got.Fingerprint, got.SignedAt, info.Fingerprint, signedAt)
	}
}

func BenchmarkVerify(b *testing.B) {
	k := generate(b, "Bench Council")
	data := bytes.Repeat([]byte("0123456789abcdef"), 640) // 10 KB
	sig := sign(b, k, data)
	keys := []string{k.public}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		if _, err := (Crypto{}).Verify(data, sig, keys); err != nil {
			b.Fatal(err)
		}
	}
}
