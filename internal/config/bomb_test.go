package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestAliasBomb checks that merges of merges, which expand exponentially,
// are refused by the walk's node budget instead of being expanded.
func TestAliasBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("data: {train: a.csv, target: y}\nmodel:\n  layers:\n    - &l0 {units: 1, activation: relu}\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "    - &l%d {<<: [", i)
		for range 9 {
			fmt.Fprintf(&b, "*l%d, ", i-1)
		}
		fmt.Fprintf(&b, "*l%d]}\n", i-1)
	}
	b.WriteString("    - {activation: softmax}\n")
	_, err := Parse([]byte(b.String()), "c.yaml", nil, noEnv)
	checkErr(t, err, want{"c.yaml", 4, 7, "model.layers[5]", "too many nodes or aliases", "so many aliases"})
}
