package metric_test

import (
	"fmt"

	"github.com/mlptrain/mlptrain/internal/metric"
)

func ExampleROCAUC() {
	// Two of the four positive–negative pairs are ordered correctly, one
	// wrongly, and one is a tie, which counts half: (2 + 0.5)/4.
	scores := []float64{0.9, 0.4, 0.4, 0.2}
	positive := []bool{true, true, false, false}
	auc, ok := metric.ROCAUC(scores, positive, nil)
	fmt.Println(auc, ok)

	// With one class only, the area is undefined.
	_, ok = metric.ROCAUC(scores[:2], positive[:2], nil)
	fmt.Println(ok)
	// Output:
	// 0.875 true
	// false
}

func ExampleAveragePrecision() {
	// Thresholds 0.9, 0.4, 0.2 reach recall ½, 1, 1 at precision 1, ⅔, ½:
	// AP = ½·1 + ½·⅔.
	scores := []float64{0.9, 0.4, 0.4, 0.2}
	positive := []bool{true, true, false, false}
	ap, _ := metric.AveragePrecision(scores, positive, nil)
	fmt.Printf("%.4f\n", ap)
	// Output:
	// 0.8333
}

func ExampleMacroROCAUC() {
	// Three classes, probabilities row by row. Class 0 against the rest
	// has AUC 1; class 1 has 0.875, a tie at 0.3 counting half; class 2 is
	// absent from the labels and left out of the average.
	prob := []float64{
		0.7, 0.2, 0.1,
		0.3, 0.6, 0.1,
		0.5, 0.3, 0.2,
		0.2, 0.3, 0.5,
	}
	labels := []int{0, 1, 0, 1}
	auc, ok := metric.MacroROCAUC(prob, labels, 3, nil)
	fmt.Println(auc, ok)
	// Output:
	// 0.9375 true
}
