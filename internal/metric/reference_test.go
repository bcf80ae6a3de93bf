package metric

// The reference values below come from scikit-learn 1.2.1 (Debian's
// python3-sklearn) under /usr/bin/python3, by this script, whose output
// was pasted in as it printed (with Go's quotes around the names):
//
//	import numpy as np
//	from sklearn.preprocessing import label_binarize
//	from sklearn.metrics import roc_auc_score, average_precision_score, roc_curve, precision_recall_curve
//
//	def g(v):  # a Go float literal that round-trips
//	    return repr(float(v))
//
//	def floats(a):
//	    return "[]float64{" + ", ".join(g(x) for x in a) + "}"
//
//	def bools(a):
//	    return "[]bool{" + ", ".join("true" if x else "false" for x in a) + "}"
//
//	binary = [
//	    ("ties", [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.7, 0.1], [0, 0, 1, 1, 1, 0, 1, 1], None),
//	    ("all equal", [0.5] * 6, [1, 0, 0, 1, 0, 0], None),
//	    ("weights", [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3], [1, 0, 1, 1, 0, 1, 0, 0], [1, 2, 0.5, 3, 1, 0.25, 2, 1]),
//	    ("weights with zeros and ties", [0.2, 0.2, 0.9, 0.5, 0.5, 0.1, 0.9], [1, 0, 0, 1, 0, 1, 1], [0, 1.5, 2, 0, 1, 3, 0.5]),
//	    ("perfect", [0.1, 0.2, 0.3, 0.8, 0.9], [0, 0, 0, 1, 1], None),
//	    ("inverse", [0.9, 0.8, 0.7, 0.2, 0.1], [0, 0, 0, 1, 1], None),
//	    ("one positive", [0.3, 0.1, 0.7, 0.4, 0.2, 0.6], [0, 0, 0, 1, 0, 0], None),
//	    ("negative scores", [-3.5, 2, -0.25, 7, -3.5, 0, 2], [0, 1, 0, 1, 1, 0, 0], None),
//	]
//	rng = np.random.default_rng(7)
//	s = np.round(rng.random(40), 1)  # rounding makes ties
//	y = (rng.random(40) < 0.3).astype(int)
//	w = np.round(rng.random(40) * 3, 2)
//	binary.append(("random 40 rounded, weighted", list(s), list(y), list(w)))
//
//	print("// binary cases")
//	for name, s, y, w in binary:
//	    auc = roc_auc_score(y, s, sample_weight=w)
//	    ap = average_precision_score(y, s, sample_weight=w)
//	    print("{name: %r, scores: %s, positive: %s, weights: %s, auc: %s, ap: %s}," % (
//	        name, floats(s), bools(y), "nil" if w is None else floats(w), g(auc), g(ap)))
//
//	print("// curves")
//	for name, s, y, w in [binary[0], binary[3]]:
//	    fpr, tpr, th = roc_curve(y, s, sample_weight=w, drop_intermediate=False)
//	    p, r, pth = precision_recall_curve(y, s, sample_weight=w)
//	    print("{name: %r, scores: %s, positive: %s, weights: %s,\n fpr: %s, tpr: %s, rocThresholds: %s,\n recall: %s, precision: %s, prThresholds: %s}," % (
//	        name, floats(s), bools(y), "nil" if w is None else floats(w),
//	        floats(fpr), floats(tpr), floats(th[1:]), floats(r), floats(p), floats(pth)))
//
//	print("// multiclass cases")
//	def ovr(labels, prob, k, w, f):
//	    vals = []
//	    for c in range(k):
//	        yc = (labels == c).astype(int)
//	        if 0 < yc.sum() < len(yc):  # both classes present
//	            vals.append(f(yc, prob[:, c], sample_weight=w))
//	    return np.mean(vals)
//
//	multi = []
//	rng = np.random.default_rng(11)
//	for name, n, k, missing, weighted in [("3 classes", 12, 3, None, False), ("4 classes weighted", 16, 4, None, True),
//	                                      ("4 classes, class 2 missing", 14, 4, 2, False)]:
//	    logits = rng.normal(size=(n, k))
//	    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
//	    prob = np.round(prob, 3)  # a few ties
//	    labels = rng.integers(0, k, size=n)
//	    if missing is not None:
//	        labels[labels == missing] = (missing + 1) % k
//	    else:
//	        labels[:k] = np.arange(k)  # every class present
//	    w = np.round(rng.random(n) * 2 + 0.1, 2) if weighted else None
//	    auc = ovr(labels, prob, k, w, roc_auc_score)
//	    ap = ovr(labels, prob, k, w, average_precision_score)
//	    if missing is None:  # scikit-learn's own macro one-vs-rest path agrees
//	        Y = label_binarize(labels, classes=range(k))
//	        assert abs(auc - roc_auc_score(Y, prob, average="macro", sample_weight=w)) < 1e-15
//	        assert abs(ap - average_precision_score(Y, prob, average="macro", sample_weight=w)) < 1e-15
//	    print("{name: %r, k: %d, prob: %s, labels: []int{%s}, weights: %s, auc: %s, ap: %s}," % (
//	        name, k, floats(prob.ravel()), ", ".join(str(l) for l in labels), "nil" if w is None else floats(w), g(auc), g(ap)))
//
//	# k = 2: the binary metric of class 1.
//	prob1 = np.array([0.2, 0.7, 0.55, 0.9, 0.3, 0.55, 0.1])
//	labels = np.array([0, 1, 0, 1, 1, 1, 0])
//	prob = np.stack([1 - prob1, prob1], axis=1)
//	print("{name: '2 classes', k: 2, prob: %s, labels: []int{%s}, weights: nil, auc: %s, ap: %s}," % (
//	    floats(prob.ravel()), ", ".join(str(l) for l in labels), g(roc_auc_score(labels, prob1)), g(average_precision_score(labels, prob1))))

// refTol is the largest difference allowed from scikit-learn's value:
// both sum the same terms, in different orders.
const refTol = 1e-12

var binaryCases = []struct {
	name     string
	scores   []float64
	positive []bool
	weights  []float64
	auc, ap  float64
}{
	{name: "ties", scores: []float64{0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.7, 0.1}, positive: []bool{false, false, true, true, true, false, true, true}, weights: nil, auc: 0.6333333333333333, ap: 0.7783333333333333},
	{name: "all equal", scores: []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, positive: []bool{true, false, false, true, false, false}, weights: nil, auc: 0.5, ap: 0.3333333333333333},
	{name: "weights", scores: []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3}, positive: []bool{true, false, true, true, false, true, false, false}, weights: []float64{1.0, 2.0, 0.5, 3.0, 1.0, 0.25, 2.0, 1.0}, auc: 0.7280701754385965, ap: 0.7251441258232431},
	{name: "weights with zeros and ties", scores: []float64{0.2, 0.2, 0.9, 0.5, 0.5, 0.1, 0.9}, positive: []bool{true, false, false, true, false, true, true}, weights: []float64{0.0, 1.5, 2.0, 0.0, 1.0, 3.0, 0.5}, auc: 0.1111111111111111, ap: 0.4035714285714286},
	{name: "perfect", scores: []float64{0.1, 0.2, 0.3, 0.8, 0.9}, positive: []bool{false, false, false, true, true}, weights: nil, auc: 1.0, ap: 1.0},
	{name: "inverse", scores: []float64{0.9, 0.8, 0.7, 0.2, 0.1}, positive: []bool{false, false, false, true, true}, weights: nil, auc: 0.0, ap: 0.325},
	{name: "one positive", scores: []float64{0.3, 0.1, 0.7, 0.4, 0.2, 0.6}, positive: []bool{false, false, false, true, false, false}, weights: nil, auc: 0.6, ap: 0.3333333333333333},
	{name: "negative scores", scores: []float64{-3.5, 2.0, -0.25, 7.0, -3.5, 0.0, 2.0}, positive: []bool{false, true, false, true, true, false, false}, weights: nil, auc: 0.6666666666666666, ap: 0.6984126984126984},
	{name: "random 40 rounded, weighted", scores: []float64{0.6, 0.9, 0.8, 0.2, 0.3, 0.9, 0.0, 0.8, 0.8, 0.5, 0.3, 0.3, 0.3, 0.4, 0.5, 0.6, 1.0, 0.8, 0.6, 1.0, 0.2, 0.2, 0.6, 0.0, 0.0, 0.5, 0.5, 0.9, 0.6, 0.5, 0.5, 0.2, 0.0, 0.2, 0.7, 0.2, 0.4, 0.0, 0.8, 0.2}, positive: []bool{true, false, false, false, false, false, true, false, false, false, false, false, true, false, false, true, false, false, false, false, false, false, false, true, false, true, false, true, false, true, false, false, false, false, true, false, false, false, false, true}, weights: []float64{0.58, 2.78, 1.66, 0.54, 2.65, 1.92, 1.71, 1.13, 1.23, 0.72, 0.11, 2.63, 1.4, 1.64, 0.97, 2.25, 0.08, 1.12, 0.09, 0.37, 2.9, 1.97, 1.28, 1.57, 2.62, 1.03, 1.77, 2.05, 1.07, 1.56, 2.3, 2.73, 0.45, 2.8, 0.02, 2.26, 2.43, 0.41, 1.26, 2.45}, auc: 0.4701674646354408, ap: 0.2509587839917017},
}

var curveCases = []struct {
	name                            string
	scores                          []float64
	positive                        []bool
	weights                         []float64
	fpr, tpr, rocThresholds         []float64 // rocThresholds without the first, +Inf here and the highest score + 1 in scikit-learn 1.2
	recall, precision, prThresholds []float64
}{
	{name: "ties", scores: []float64{0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.7, 0.1}, positive: []bool{false, false, true, true, true, false, true, true}, weights: nil,
		fpr: []float64{0.0, 0.0, 0.0, 0.6666666666666666, 0.6666666666666666, 1.0}, tpr: []float64{0.0, 0.2, 0.4, 0.6, 0.8, 1.0}, rocThresholds: []float64{0.8, 0.7, 0.4, 0.35, 0.1},
		recall: []float64{1.0, 0.8, 0.6, 0.4, 0.2, 0.0}, precision: []float64{0.625, 0.6666666666666666, 0.6, 1.0, 1.0, 1.0}, prThresholds: []float64{0.1, 0.35, 0.4, 0.7, 0.8}},
	{name: "weights with zeros and ties", scores: []float64{0.2, 0.2, 0.9, 0.5, 0.5, 0.1, 0.9}, positive: []bool{true, false, false, true, false, true, true}, weights: []float64{0.0, 1.5, 2.0, 0.0, 1.0, 3.0, 0.5},
		fpr: []float64{0.0, 0.4444444444444444, 0.6666666666666666, 1.0, 1.0}, tpr: []float64{0.0, 0.14285714285714285, 0.14285714285714285, 0.14285714285714285, 1.0}, rocThresholds: []float64{0.9, 0.5, 0.2, 0.1},
		recall: []float64{1.0, 0.14285714285714285, 0.14285714285714285, 0.14285714285714285, 0.0}, precision: []float64{0.4375, 0.1, 0.14285714285714285, 0.2, 1.0}, prThresholds: []float64{0.1, 0.2, 0.5, 0.9}},
}

var multiCases = []struct {
	name    string
	k       int
	prob    []float64
	labels  []int
	weights []float64
	auc, ap float64
}{
	{name: "3 classes", k: 3, prob: []float64{0.124, 0.467, 0.408, 0.311, 0.384, 0.305, 0.366, 0.196, 0.438, 0.027, 0.818, 0.155, 0.559, 0.247, 0.194, 0.339, 0.487, 0.174, 0.263, 0.609, 0.128, 0.099, 0.67, 0.231, 0.121, 0.364, 0.515, 0.194, 0.144, 0.663, 0.659, 0.213, 0.128, 0.345, 0.481, 0.174}, labels: []int{0, 1, 2, 0, 1, 2, 2, 0, 1, 0, 0, 0}, weights: nil, auc: 0.345679012345679, ap: 0.35208233124899796},
	{name: "4 classes weighted", k: 4, prob: []float64{0.71, 0.065, 0.122, 0.102, 0.051, 0.326, 0.487, 0.137, 0.415, 0.236, 0.194, 0.155, 0.398, 0.04, 0.283, 0.279, 0.038, 0.311, 0.171, 0.48, 0.187, 0.284, 0.408, 0.121, 0.368, 0.182, 0.331, 0.12, 0.394, 0.244, 0.111, 0.25, 0.29, 0.494, 0.017, 0.199, 0.249, 0.143, 0.057, 0.551, 0.048, 0.298, 0.621, 0.034, 0.108, 0.04, 0.187, 0.665, 0.733, 0.016, 0.055, 0.196, 0.592, 0.186, 0.058, 0.164, 0.262, 0.217, 0.128, 0.393, 0.406, 0.272, 0.239, 0.083}, labels: []int{0, 1, 2, 3, 0, 0, 3, 0, 3, 1, 3, 0, 2, 3, 1, 2}, weights: []float64{0.42, 1.1, 0.26, 1.32, 0.56, 0.18, 0.33, 1.21, 1.37, 0.75, 1.39, 0.8, 0.36, 0.73, 0.89, 1.93}, auc: 0.4701952196409883, ap: 0.3185504429991863},
	{name: "4 classes, class 2 missing", k: 4, prob: []float64{0.038, 0.075, 0.71, 0.177, 0.188, 0.181, 0.395, 0.237, 0.596, 0.193, 0.107, 0.104, 0.253, 0.133, 0.238, 0.376, 0.418, 0.232, 0.048, 0.303, 0.192, 0.454, 0.273, 0.081, 0.03, 0.457, 0.131, 0.382, 0.707, 0.037, 0.124, 0.133, 0.297, 0.292, 0.208, 0.202, 0.083, 0.316, 0.177, 0.424, 0.102, 0.304, 0.371, 0.223, 0.347, 0.277, 0.162, 0.214, 0.125, 0.302, 0.208, 0.366, 0.073, 0.667, 0.128, 0.132}, labels: []int{3, 3, 1, 0, 1, 3, 3, 3, 0, 3, 3, 3, 1, 1}, weights: nil, auc: 0.5958333333333333, ap: 0.4904536435786435},
	{name: "2 classes", k: 2, prob: []float64{0.8, 0.2, 0.30000000000000004, 0.7, 0.44999999999999996, 0.55, 0.09999999999999998, 0.9, 0.7, 0.3, 0.44999999999999996, 0.55, 0.9, 0.1}, labels: []int{0, 1, 0, 1, 1, 1, 0}, weights: nil, auc: 0.875, ap: 0.8875},
}
