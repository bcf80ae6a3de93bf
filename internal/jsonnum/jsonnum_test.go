package jsonnum

import (
	"encoding/json"
	"math"
	"testing"
)

func TestFloat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{1.5, "1.5"}, {0, "0"}, {-2e-300, "-2e-300"}, {0.1, "0.1"},
		{math.NaN(), "null"}, {math.Inf(1), "null"}, {math.Inf(-1), "null"},
	} {
		b, err := json.Marshal(struct{ X Float }{Float(tc.in)})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(b), `{"X":`+tc.want+`}`; got != want {
			t.Errorf("Marshal(%v) = %s, want %s", tc.in, got, want)
		}
	}
}
