package hub

// Characteristic is one of the nine protected characteristics of the Equality Act 2010.
type Characteristic string

// The protected characteristics.
const (
	Age                         Characteristic = "age"
	Disability                  Characteristic = "disability"
	GenderReassignment          Characteristic = "gender-reassignment"
	MarriageAndCivilPartnership Characteristic = "marriage-civil-partnership"
	PregnancyAndMaternity       Characteristic = "pregnancy-maternity"
	Race                        Characteristic = "race"
	ReligionOrBelief            Characteristic = "religion-belief"
	Sex                         Characteristic = "sex"
	SexualOrientation           Characteristic = "sexual-orientation"
)

var characteristics = newClosedSet[Characteristic]("protected characteristic",
	string(Age), "Age",
	string(Disability), "Disability",
	string(GenderReassignment), "Gender reassignment",
	string(MarriageAndCivilPartnership), "Marriage and civil partnership",
	string(PregnancyAndMaternity), "Pregnancy and maternity",
	string(Race), "Race",
	string(ReligionOrBelief), "Religion or belief",
	string(Sex), "Sex",
	string(SexualOrientation), "Sexual orientation",
)

// Characteristics lists the nine protected characteristics in the Act's order.
func Characteristics() []Characteristic { return characteristics.all() }

// ParseCharacteristic parses a characteristic name such as "race".
func ParseCharacteristic(s string) (Characteristic, error) { return characteristics.parse(s) }

// String returns the characteristic's name.
func (c Characteristic) String() string { return string(c) }

// Label returns the characteristic's name for people.
func (c Characteristic) Label() string { return characteristics.label(c) }

// MarshalText implements encoding.TextMarshaler.
func (c Characteristic) MarshalText() ([]byte, error) { return []byte(c), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Characteristic) UnmarshalText(b []byte) error {
	v, err := ParseCharacteristic(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
