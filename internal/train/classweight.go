package train

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mlptrain/mlptrain/internal/config"
)

// ClassWeights returns the weight of each of p's classes (in p.Classes'
// order) that train.class_weight gives, or nil for none:
//
//   - balanced: n / (k · n_c) for a class with n_c of the n training rows
//     (after the validation split), k the number of classes with rows:
//     scikit-learn's compute_class_weight("balanced") convention, so that
//     every class carries the same total weight; a class with no training
//     row gets 1 (no row uses it);
//   - a mapping: the weights it gives by class name, 1 for the classes it
//     does not name.
//
// A class name of the mapping that is not one of the model's classes is
// an *inputerr.Error naming its key and listing the classes. Config
// validation has refused class weights for regression.
func (p *Problem) ClassWeights() ([]float64, error) {
	cw := p.Config.Train.ClassWeight
	switch {
	case cw.None() || len(p.Classes) == 0:
		return nil, nil
	case cw.Balanced():
		return balancedWeights(p.Train.Labels, len(p.Classes)), nil
	}
	w := make([]float64, len(p.Classes))
	for i := range w {
		w[i] = 1
	}
	for _, name := range slices.Sorted(maps.Keys(cw.Weights)) {
		i := slices.Index(p.Classes, name)
		if i < 0 {
			return nil, p.Config.KeyError(config.ClassWeightKey(name), "the classes are "+listClasses(p.Classes),
				fmt.Errorf("%q is not a class of the target", name))
		}
		w[i] = cw.Weights[name]
	}
	return w, nil
}

// balancedWeights returns n / (k · n_c) for each of k classes, k counting
// the classes with rows, and 1 for a class without.
func balancedWeights(labels []int, classes int) []float64 {
	counts := make([]int, classes)
	for _, l := range labels {
		counts[l]++
	}
	present := 0
	for _, c := range counts {
		if c > 0 {
			present++
		}
	}
	w := make([]float64, classes)
	for i, c := range counts {
		w[i] = 1
		if c > 0 {
			w[i] = float64(len(labels)) / (float64(present) * float64(c))
		}
	}
	return w
}

// listClasses lists class names for a hint, quoted, at most 20.
func listClasses(classes []string) string {
	const most = 20
	var q []string
	for i, c := range classes {
		if i == most {
			q = append(q, fmt.Sprintf("and %d more", len(classes)-most))
			break
		}
		q = append(q, fmt.Sprintf("%q", c))
	}
	return strings.Join(q, ", ")
}

// unitWeights reports whether every weight is 1 (or there are none), so
// that training needs no weighted loss.
func unitWeights(w []float64) bool {
	for _, v := range w {
		if v != 1 {
			return false
		}
	}
	return true
}

// classWeightReport returns report.json's class_weight: each class's
// weight by name, or nil for none.
func classWeightReport(classes []string, w []float64) map[string]float64 {
	if w == nil {
		return nil
	}
	m := make(map[string]float64, len(w))
	for i, c := range classes {
		m[c] = w[i]
	}
	return m
}

// checkTraining checks what the config asks of training against the
// data, and returns the class weights (ClassWeights): the classes that
// train.class_weight names, and that early stopping on roc_auc or pr_auc
// has validation data with two classes at least, where they are defined.
func (p *Problem) checkTraining() ([]float64, error) {
	cw, err := p.ClassWeights()
	if err != nil {
		return nil, err
	}
	es := p.Config.Train.EarlyStopping
	if p.Val == nil || es.Patience <= 0 || (es.Metric != config.MetricROCAUC && es.Metric != config.MetricPRAUC) {
		return cw, nil
	}
	seen := make([]bool, len(p.Classes))
	distinct := 0
	for _, l := range p.Val.Labels {
		if !seen[l] {
			seen[l] = true
			distinct++
		}
	}
	if distinct < 2 {
		return nil, p.Config.KeyError("train.early_stopping.metric", "use val_loss or accuracy, or validation data with more classes",
			fmt.Errorf("%s is undefined: the validation data holds %d class", es.Metric, distinct))
	}
	return cw, nil
}
