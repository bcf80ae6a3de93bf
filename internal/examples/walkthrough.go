package examples

// Walkthrough returns the one example of the lecture's backprop
// walkthrough: columns x and t, the single row x = 1.5, t = 1.
func Walkthrough() Table {
	return Table{Columns: []string{"x", "t"}, Rows: [][]float64{{1.5, 1}}}
}
