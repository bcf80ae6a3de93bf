package examples

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Pixels is the width of a Pattern.
const Pixels = 16

// Pattern is a 16-pixel binary image in a ring: pixel i (0-based) is black
// when bit i is set. Pixel 15 neighbours pixel 0.
type Pattern uint16

// The lecture's two patterns: four black pixels each, and neither a
// translation of the other (nor of the other's mirror image).
//
//	A  ■■■□■□□□□□□□□□□□
//	B  ■■□■■□□□□□□□□□□□
const (
	PatternA Pattern = 0b10111
	PatternB Pattern = 0b11011
)

// Black returns the number of black pixels.
func (p Pattern) Black() int { return bits.OnesCount16(uint16(p)) }

// Shift returns p translated by k pixels with wrap-around: pixel i of p
// becomes pixel (i+k) mod 16. k may be negative.
func (p Pattern) Shift(k int) Pattern {
	k = ((k % Pixels) + Pixels) % Pixels
	return Pattern(bits.RotateLeft16(uint16(p), k))
}

// IsShiftOf reports whether p is a translation of q.
func (p Pattern) IsShiftOf(q Pattern) bool {
	for k := range Pixels {
		if q.Shift(k) == p {
			return true
		}
	}
	return false
}

// Pixel returns 1 if pixel i is black, else 0.
func (p Pattern) Pixel(i int) float64 { return float64(p >> i & 1) }

// String draws the pattern as 16 characters, ■ for black and □ for white,
// pixel 0 first.
func (p Pattern) String() string {
	var b strings.Builder
	for i := range Pixels {
		if p.Pixel(i) == 1 {
			b.WriteString("■")
		} else {
			b.WriteString("□")
		}
	}
	return b.String()
}

// Translations returns a table of every cyclic translation of a and of b:
// columns p1..p16 (1 black, 0 white) and label ("A" or "B"), the 16
// translations of a (by 0, 1, ..., 15 pixels) and then those of b.
//
// Translations returns an error if a and b differ in their number of black
// pixels (a linear unit could then count them), if one is a translation of
// the other (the classes would overlap), or if a pattern is all white or
// all black.
func Translations(a, b Pattern) (Table, error) {
	switch {
	case a.Black() != b.Black():
		return Table{}, fmt.Errorf("patterns %v and %v have %d and %d black pixels, want the same number", a, b, a.Black(), b.Black())
	case a.Black() == 0 || a.Black() == Pixels:
		return Table{}, fmt.Errorf("pattern %v has no translations that differ", a)
	case a.IsShiftOf(b):
		return Table{}, fmt.Errorf("pattern %v is a translation of %v", a, b)
	}
	t := Table{}
	for i := range Pixels {
		t.Columns = append(t.Columns, "p"+strconv.Itoa(i+1))
	}
	t.Columns = append(t.Columns, "label")
	for _, c := range []struct {
		p    Pattern
		name string
	}{{a, "A"}, {b, "B"}} {
		for k := range Pixels {
			s := c.p.Shift(k)
			row := make([]float64, Pixels)
			for i := range row {
				row[i] = s.Pixel(i)
			}
			t.Rows = append(t.Rows, row)
			t.Classes = append(t.Classes, c.name)
		}
	}
	return t, nil
}
