// Package jsonnum holds Float, a float64 that JSON can always encode: a
// NaN or infinite value (a diverged loss, a failed check) becomes null,
// since JSON has no such numbers and encoding/json refuses them.
package jsonnum

import (
	"encoding/json"
	"math"
)

// Float is a float64 that encodes as JSON null when it is NaN or ±Inf.
type Float float64

// MarshalJSON encodes f as a number, or null when it is not finite.
func (f Float) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

// Ptr returns a pointer to f, for optional fields.
func Ptr(f float64) *Float { v := Float(f); return &v }
