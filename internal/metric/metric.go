package metric

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// ROCAUC returns the area under the ROC curve of scores, where
// positive[i] tells whether example i is positive and weights[i] is its
// weight (nil for 1 each): scikit-learn's roc_auc_score(positive, scores,
// sample_weight=weights). Ties count half (the trapezoid rule over the
// distinct scores). ok is false, and the area 0, when the positives or
// the negatives have no weight, for then the area is undefined.
//
// ROCAUC panics if the lengths of scores, positive and a non-nil weights
// differ, if a score is not finite, or if a weight is negative or not
// finite.
func ROCAUC(scores []float64, positive []bool, weights []float64) (auc float64, ok bool) {
	p := newBinary(scores, positive, weights)
	return p.rocAUC(newIdx(len(scores)))
}

// AveragePrecision returns the average precision of scores, where
// positive[i] tells whether example i is positive and weights[i] is its
// weight (nil for 1 each): scikit-learn's
// average_precision_score(positive, scores, sample_weight=weights), the
// step sum Σⱼ (Rⱼ − Rⱼ₋₁)·Precⱼ over the distinct scores (not a
// trapezoid). ok is false, and the result 0, when the positives have no
// weight; with no negatives it is 1.
//
// AveragePrecision panics as ROCAUC does.
func AveragePrecision(scores []float64, positive []bool, weights []float64) (ap float64, ok bool) {
	p := newBinary(scores, positive, weights)
	return p.averagePrecision(newIdx(len(scores)))
}

// ROCCurve returns the points of the ROC curve of scores, as
// scikit-learn's roc_curve(positive, scores, sample_weight=weights,
// drop_intermediate=False) does: for each distinct score τ, in decreasing
// order, the false and true positive rates of calling positive the
// examples that score at least τ, after a first point (0, 0) whose
// threshold is +Inf (scikit-learn 1.3 and later; earlier versions give
// the highest score plus 1). The last point is (1, 1). Examples of weight
// 0 are left out. It returns nil slices when the positives or the
// negatives have no weight.
//
// ROCCurve panics as ROCAUC does.
func ROCCurve(scores []float64, positive []bool, weights []float64) (fpr, tpr, thresholds []float64) {
	p := newBinary(scores, positive, weights)
	idx := p.sorted(newIdx(len(scores)))
	tpSum, fpSum := p.totals(idx)
	if tpSum == 0 || fpSum == 0 {
		return nil, nil, nil
	}
	m := p.distinct(idx) + 1
	fpr, tpr, thresholds = make([]float64, 1, m), make([]float64, 1, m), make([]float64, 1, m)
	thresholds[0] = math.Inf(1)
	p.sweep(idx, func(tp, fp, tau float64) {
		fpr = append(fpr, fp/fpSum)
		tpr = append(tpr, tp/tpSum)
		thresholds = append(thresholds, tau)
	})
	return fpr, tpr, thresholds
}

// PRCurve returns the points of the precision-recall curve of scores, as
// scikit-learn's precision_recall_curve(positive, scores,
// sample_weight=weights) does, though with recall first, as the curve's
// X: for each distinct score τ, in increasing order (so recall
// decreasing), the recall and precision of calling positive the examples
// that score at least τ, then a last point of recall 0 and precision 1,
// which has no threshold (len(thresholds) = len(recall) − 1). The first
// point, of the lowest threshold, has recall 1 and precision P/(P+N),
// the share of positives: the precision of guessing. Examples of weight
// 0 are left out. It returns nil slices when the positives have no
// weight.
//
// PRCurve panics as ROCAUC does.
func PRCurve(scores []float64, positive []bool, weights []float64) (recall, precision, thresholds []float64) {
	p := newBinary(scores, positive, weights)
	idx := p.sorted(newIdx(len(scores)))
	tpSum, _ := p.totals(idx)
	if tpSum == 0 {
		return nil, nil, nil
	}
	m := p.distinct(idx)
	recall, precision, thresholds = make([]float64, m+1), make([]float64, m+1), make([]float64, m)
	j := m - 1
	p.sweep(idx, func(tp, fp, tau float64) {
		recall[j], precision[j], thresholds[j] = tp/tpSum, precisionOf(tp, fp), tau
		j--
	})
	recall[m], precision[m] = 0, 1
	return recall, precision, thresholds
}

// MacroROCAUC returns the ROC AUC of a classifier of k ≥ 2 classes, whose
// probabilities are prob, n rows of k in row-major order (prob[i*k+c] is
// the probability that example i is of class c), on examples of classes
// labels (in 0…k−1) and weights weights (nil for 1 each).
//
// With k = 2 it is the binary ROCAUC of class 1, the positive class,
// scored by its probability prob[i*2+1]; ok is false when a class has no
// weight. With k ≥ 3 it is the macro average over the classes of the
// one-vs-rest AUC (class c positive, scored by prob[i*k+c], every other
// class negative), as scikit-learn's roc_auc_score(labels, prob,
// multi_class="ovr", average="macro", sample_weight=weights) gives when
// every class is present. A class absent from labels (of no weight) has
// no AUC and is left out of the average, where scikit-learn fails; when
// every example is of one class no class remains, and ok is false.
//
// MacroROCAUC panics if k < 2, if len(prob) ≠ k·len(labels), if a label
// is outside 0…k−1, if a probability is not finite, or as ROCAUC does on
// weights.
func MacroROCAUC(prob []float64, labels []int, k int, weights []float64) (auc float64, ok bool) {
	r := macro(prob, labels, k, weights, wantROC)
	return r.ROCAUC, r.ROCOK
}

// MacroAveragePrecision returns the average precision of a classifier of
// k ≥ 2 classes, with the arguments of MacroROCAUC.
//
// With k = 2 it is the binary AveragePrecision of class 1 scored by
// prob[i*2+1]; ok is false when class 1 has no weight. With k ≥ 3 it is
// the macro average over the classes of the one-vs-rest average
// precision, as scikit-learn's average_precision_score of the classes'
// indicator matrix and prob, average="macro", gives when every class is
// present. A class absent from labels (of no weight) has no average
// precision and is left out of the average; ok is false only if no class
// remains, which cannot happen with an example of positive weight.
//
// MacroAveragePrecision panics as MacroROCAUC does.
func MacroAveragePrecision(prob []float64, labels []int, k int, weights []float64) (ap float64, ok bool) {
	r := macro(prob, labels, k, weights, wantAP)
	return r.AP, r.APOK
}

// Ranking is a classifier's ROC AUC and average precision, and whether
// each is defined.
type Ranking struct {
	ROCAUC, AP  float64
	ROCOK, APOK bool
}

// BinaryRanking returns ROCAUC and AveragePrecision together, sorting the
// scores once for both. It panics as ROCAUC does.
func BinaryRanking(scores []float64, positive []bool, weights []float64) Ranking {
	p := newBinary(scores, positive, weights)
	idx := p.sorted(newIdx(len(scores)))
	var r Ranking
	r.ROCAUC, r.ROCOK = p.rocAUCSorted(idx)
	r.AP, r.APOK = p.averagePrecisionSorted(idx)
	return r
}

// MacroRanking returns MacroROCAUC and MacroAveragePrecision together,
// sorting each class's scores once for both. It panics as MacroROCAUC
// does.
func MacroRanking(prob []float64, labels []int, k int, weights []float64) Ranking {
	return macro(prob, labels, k, weights, wantROC|wantAP)
}

// macro returns the macro averages want asks for (wantROC, wantAP) over
// the one-vs-rest problems of k ≥ 3 classes that have a value, or the
// binary values of class 1 for k = 2, sorting each problem's examples
// once.
func macro(prob []float64, labels []int, k int, weights []float64, want int) Ranking {
	if k < 2 {
		panic(fmt.Sprintf("metric: %d classes, want at least 2", k))
	}
	n := len(labels)
	if len(prob) != n*k {
		panic(fmt.Sprintf("metric: %d probabilities for %d examples of %d classes, want %d", len(prob), n, k, n*k))
	}
	checkWeights(weights, n)
	for i, v := range prob {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("metric: probability of example %d, class %d is %v", i/k, i%k, v))
		}
	}
	for i, l := range labels {
		if l < 0 || l >= k {
			panic(fmt.Sprintf("metric: label %d of example %d is outside 0…%d", l, i, k-1))
		}
	}
	idx := newIdx(n)
	first, last := 0, k-1
	if k == 2 {
		first = 1 // the binary problem of class 1
	}
	var aucSum, apSum float64
	var aucN, apN int
	for c := first; c <= last; c++ {
		p := binary{s: prob, stride: k, off: c, lab: labels, c: c, w: weights}
		idx = p.sorted(idx)
		if want&wantROC != 0 {
			if v, ok := p.rocAUCSorted(idx); ok {
				aucSum += v
				aucN++
			}
		}
		if want&wantAP != 0 {
			if v, ok := p.averagePrecisionSorted(idx); ok {
				apSum += v
				apN++
			}
		}
	}
	var r Ranking
	if aucN > 0 {
		r.ROCAUC, r.ROCOK = aucSum/float64(aucN), true
	}
	if apN > 0 {
		r.AP, r.APOK = apSum/float64(apN), true
	}
	return r
}

// What macro computes.
const (
	wantROC = 1 << iota
	wantAP
)

// binary is one binary problem over n examples: example i scores
// s[i*stride+off], is positive when pos[i] (if pos is not nil) or when
// lab[i] == c (if it is), and weighs w[i] (1 if w is nil).
type binary struct {
	s           []float64
	stride, off int
	pos         []bool
	lab         []int
	c           int
	w           []float64
}

// newBinary checks the arguments of ROCAUC and the others and returns
// their problem.
func newBinary(scores []float64, positive []bool, weights []float64) binary {
	if len(positive) != len(scores) {
		panic(fmt.Sprintf("metric: %d scores but %d labels", len(scores), len(positive)))
	}
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			panic(fmt.Sprintf("metric: score %d is %v", i, s))
		}
	}
	checkWeights(weights, len(scores))
	return binary{s: scores, stride: 1, pos: positive, w: weights}
}

// checkWeights panics unless weights is nil or n non-negative finite
// numbers.
func checkWeights(weights []float64, n int) {
	if weights == nil {
		return
	}
	if len(weights) != n {
		panic(fmt.Sprintf("metric: %d weights for %d examples", len(weights), n))
	}
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			panic(fmt.Sprintf("metric: weight %d is %v", i, w))
		}
	}
}

func (p *binary) score(i int) float64 { return p.s[i*p.stride+p.off] }

func (p *binary) positive(i int) bool {
	if p.pos != nil {
		return p.pos[i]
	}
	return p.lab[i] == p.c
}

func (p *binary) weight(i int) float64 {
	if p.w == nil {
		return 1
	}
	return p.w[i]
}

// n returns the number of examples.
func (p *binary) n() int {
	if p.pos != nil {
		return len(p.pos)
	}
	return len(p.lab)
}

// sorted returns idx[:0] holding the examples of nonzero weight, with
// their scores, in order of decreasing score, and of index among equal
// scores. It sorts the scores beside their indices rather than indices
// that look the scores up: a million random reads per comparison made
// that three times slower.
func (p *binary) sorted(idx []scored) []scored {
	idx = idx[:0]
	for i := range p.n() {
		if p.weight(i) != 0 {
			idx = append(idx, scored{p.score(i), i})
		}
	}
	sortScored(idx, idx[len(idx):cap(idx)])
	return idx
}

// newIdx returns the slice that sorted fills: room for n examples and,
// when sortScored sorts them by radix, as many more for its second buffer.
func newIdx(n int) []scored {
	if n < radixMin {
		return make([]scored, 0, n)
	}
	return make([]scored, 0, 2*n)
}

// byScore orders examples by decreasing score, ties (−0 and +0 are one
// score) by increasing index.
func byScore(a, b scored) int {
	if c := cmp.Compare(b.s, a.s); c != 0 {
		return c
	}
	return cmp.Compare(a.i, b.i)
}

// radixMin is the number of examples from which sortScored sorts by
// radix: below it, the comparison sort is as fast.
const radixMin = 256

// sortScored sorts idx, whose indices increase, into byScore's order,
// using tmp as scratch if it is as long (else allocating it): by
// comparisons when it is short, else by a least-significant-digit radix
// sort of the scores' bits, a byte a pass, stable, so that ties keep
// their increasing indices. On 60,000 examples it takes a tenth of the
// comparison sort's time (BenchmarkSortScored), which was a fifth of
// scoring a 10-class training set at the end of a fit.
func sortScored(idx, tmp []scored) {
	if len(idx) < radixMin {
		slices.SortFunc(idx, byScore)
		return
	}
	var counts [8][256]int
	for _, e := range idx {
		k := descKey(e.s)
		for d := range counts {
			counts[d][byte(k>>(8*d))]++
		}
	}
	if len(tmp) < len(idx) {
		tmp = make([]scored, len(idx))
	}
	src, dst := idx, tmp[:len(idx)]
	for d := range counts {
		c := &counts[d]
		if c[byte(descKey(src[0].s)>>(8*d))] == len(src) {
			continue // every key has this byte
		}
		at := 0
		for b, n := range c {
			c[b] = at
			at += n
		}
		for _, e := range src {
			b := byte(descKey(e.s) >> (8 * d))
			dst[c[b]] = e
			c[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &idx[0] {
		copy(idx, src)
	}
}

// descKey maps a score to a key whose increasing order is the scores'
// decreasing order, −0 and +0 one key.
func descKey(s float64) uint64 {
	k := math.Float64bits(s)
	if s == 0 {
		k = 0
	}
	if k>>63 != 0 {
		k = ^k // negative: the larger the magnitude, the smaller
	} else {
		k |= 1 << 63
	}
	return ^k
}

// scored is an example's score and index.
type scored struct {
	s float64
	i int
}

// totals returns P and N, summed in the order of idx, as sweep sums.
func (p *binary) totals(idx []scored) (tpSum, fpSum float64) {
	for _, e := range idx {
		if p.positive(e.i) {
			tpSum += p.weight(e.i)
		} else {
			fpSum += p.weight(e.i)
		}
	}
	return tpSum, fpSum
}

// distinct returns the number of distinct scores of the sorted examples
// idx.
func (p *binary) distinct(idx []scored) int {
	m := 0
	for j, e := range idx {
		if j+1 == len(idx) || idx[j+1].s != e.s {
			m++
		}
	}
	return m
}

// sweep calls f with TP(τ), FP(τ) and τ for each distinct score τ of the
// sorted examples idx, in decreasing order of τ.
func (p *binary) sweep(idx []scored, f func(tp, fp, tau float64)) {
	tp, fp := 0.0, 0.0
	for j, e := range idx {
		if p.positive(e.i) {
			tp += p.weight(e.i)
		} else {
			fp += p.weight(e.i)
		}
		if j+1 == len(idx) || idx[j+1].s != e.s {
			f(tp, fp, e.s)
		}
	}
}

// rocAUC returns the problem's ROC AUC, sorting into idx.
func (p *binary) rocAUC(idx []scored) (float64, bool) {
	return p.rocAUCSorted(p.sorted(idx))
}

// rocAUCSorted is rocAUC of the examples sorted into idx.
func (p *binary) rocAUCSorted(idx []scored) (float64, bool) {
	tpSum, fpSum := p.totals(idx)
	if tpSum == 0 || fpSum == 0 {
		return 0, false
	}
	area, x0, y0 := 0.0, 0.0, 0.0
	p.sweep(idx, func(tp, fp, _ float64) {
		x, y := fp/fpSum, tp/tpSum
		area += (x - x0) * (y + y0) / 2
		x0, y0 = x, y
	})
	return area, true
}

// averagePrecision returns the problem's average precision, sorting into
// idx.
func (p *binary) averagePrecision(idx []scored) (float64, bool) {
	return p.averagePrecisionSorted(p.sorted(idx))
}

// averagePrecisionSorted is averagePrecision of the examples sorted into
// idx.
func (p *binary) averagePrecisionSorted(idx []scored) (float64, bool) {
	tpSum, _ := p.totals(idx)
	if tpSum == 0 {
		return 0, false
	}
	sum, r0 := 0.0, 0.0
	p.sweep(idx, func(tp, fp, _ float64) {
		r := tp / tpSum
		sum += (r - r0) * precisionOf(tp, fp)
		r0 = r
	})
	return sum, true
}

// precisionOf returns tp/(tp+fp), or 0 if both are 0 (as scikit-learn
// has it; it does not happen here, as examples of weight 0 are left out).
func precisionOf(tp, fp float64) float64 {
	if tp+fp == 0 {
		return 0
	}
	return tp / (tp + fp)
}
