package examples

// XOR returns the truth table of exclusive or: columns x1, x2 and y =
// x1 XOR x2, one row per input pair.
func XOR() Table {
	return Table{
		Columns: []string{"x1", "x2", "y"},
		Rows:    [][]float64{{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}},
	}
}
