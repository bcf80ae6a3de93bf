// Package metric computes the ranking metrics of a classifier, which
// judge its scores rather than its decisions and so suit imbalanced
// classes: the area under the ROC curve (ROCAUC), the average precision
// (AveragePrecision), the curves themselves for plotting (ROCCurve,
// PRCurve), and their macro one-vs-rest averages over the classes of a
// multiclass model (MacroROCAUC, MacroAveragePrecision). Each gives the
// value that scikit-learn's function of the same meaning gives
// (roc_auc_score, average_precision_score, roc_curve with
// drop_intermediate=False, precision_recall_curve), to within rounding.
//
// The package imports the standard library alone. Its functions are pure:
// they leave their arguments unmodified and allocate one index slice (and
// the curves they return). Sorting makes them O(n log n).
//
// # Notation
//
//	symbol      meaning
//	n           the number of examples
//	k           the number of classes (MacroROCAUC, MacroAveragePrecision)
//	sᵢ          example i's score: larger means more likely positive
//	yᵢ ∈ {0,1}  example i's class, 1 for positive
//	wᵢ ≥ 0      example i's weight, 1 when weights is nil
//	τ           a threshold: the examples with sᵢ ≥ τ are called positive
//	TP(τ)       Σ wᵢ over the positives with sᵢ ≥ τ (true positives)
//	FP(τ)       Σ wᵢ over the negatives with sᵢ ≥ τ (false positives)
//	P, N        Σ wᵢ over all positives, over all negatives
//	TPR, FPR    TP/P and FP/N, the ROC curve's Y and X
//	R, Prec     TP/P (recall) and TP/(TP+FP) (precision), the PR curve's X and Y
//	τ₁ > … > τₘ the distinct scores, the thresholds at which the curves have points
//
// # Definitions
//
// With TP₀ = FP₀ = 0 and TPⱼ, FPⱼ the counts at τⱼ,
//
//	ROC AUC = Σⱼ (FPRⱼ − FPRⱼ₋₁)·(TPRⱼ + TPRⱼ₋₁)/2
//	AP      = Σⱼ (Rⱼ − Rⱼ₋₁)·Precⱼ
//
// The ROC area is the trapezoid rule over the distinct thresholds, so that a
// positive and a negative of equal score count half a correctly ordered
// pair: ROC AUC is the weighted probability that a random positive scores
// above a random negative, ties counting ½. The average precision is a
// step sum, not a trapezoid: the precision at each threshold weighs the
// recall gained there (linear interpolation of a PR curve is
// optimistic).
//
// # Undefined values
//
// The ROC AUC needs both classes (P > 0 and N > 0) and the average
// precision needs positives (P > 0); otherwise the functions return
// ok = false (and the curve functions nil) rather than NaN. An example of
// weight 0 takes no part, as scikit-learn drops it. A non-finite score, a
// negative or non-finite weight, and slices of different lengths are
// programmer errors: the functions panic with a message that starts
// "metric: ".
//
// # Classes
//
// A binary classifier's positive class is the second of its two classes
// in sorted order, and its score is that class's probability (INTERFACE.md),
// so MacroROCAUC and MacroAveragePrecision with k = 2 give the binary
// metric of class 1 against class 0. With k ≥ 3 they average the k
// one-vs-rest problems (class c positive, score the probability of c),
// leaving out a class whose problem is undefined.
package metric
