package examples

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Table is a CSV table of numbers with an optional last column of class
// names.
type Table struct {
	// Columns is the header. With Classes, its last name is the class
	// column's.
	Columns []string
	// Rows holds the numeric cells, one slice per row.
	Rows [][]float64
	// Classes, when not nil, holds each row's class name.
	Classes []string
}

// CSV returns the table as CSV text: the header, then one line per row,
// numbers in their shortest exact decimal form ("0", "0.25", "-0.000015"). CSV
// panics if the table's shapes do not fit together: a bug in its generator.
func (t Table) CSV() []byte {
	numeric := len(t.Columns)
	if t.Classes != nil {
		numeric--
		if len(t.Classes) != len(t.Rows) {
			panic(fmt.Sprintf("examples: %d class names for %d rows", len(t.Classes), len(t.Rows)))
		}
	}
	var b bytes.Buffer
	b.WriteString(strings.Join(t.Columns, ","))
	b.WriteByte('\n')
	for i, r := range t.Rows {
		if len(r) != numeric {
			panic(fmt.Sprintf("examples: row %d has %d numbers, want %d", i, len(r), numeric))
		}
		for j, v := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
		}
		if t.Classes != nil {
			if numeric > 0 {
				b.WriteByte(',')
			}
			b.WriteString(t.Classes[i])
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// round returns x rounded to the given number of decimals, so that the
// table holds exactly the numbers its CSV shows.
func round(x float64, decimals int) float64 {
	p := math.Pow10(decimals)
	v := math.Round(x*p) / p
	if v == 0 {
		return 0 // no "-0" in the file
	}
	return v
}
