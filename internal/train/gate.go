package train

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrNoMetric is returned by Gate.Check when the metrics lack the gate's
// metric (accuracy of a regression): a usage error, not a missed gate.
var ErrNoMetric = errors.New("no such metric")

// Gate is a quality gate: a metric that must not fall below (Under) or
// rise above its limit.
type Gate struct {
	Metric string
	Limit  float64
	Under  bool // --fail-under: fail when the metric is below Limit
}

// Higher-is-better metrics take --fail-under; lower-is-better --fail-over.
var (
	underMetrics = []string{"accuracy", "r2", "macro_f1", "roc_auc", "pr_auc"}
	overMetrics  = []string{"loss", "mse", "mae"}
)

// ParseGate parses "METRIC=X" for --fail-under (under) or --fail-over.
func ParseGate(s string, under bool) (Gate, error) {
	flag, allowed := "--fail-over", overMetrics
	if under {
		flag, allowed = "--fail-under", underMetrics
	}
	name, val, ok := strings.Cut(s, "=")
	g := Gate{Metric: strings.TrimSpace(name), Under: under}
	var err error
	if ok {
		g.Limit, err = strconv.ParseFloat(strings.TrimSpace(val), 64)
	}
	if !ok || err != nil || math.IsNaN(g.Limit) {
		return g, fmt.Errorf("%s %q: want METRIC=NUMBER, e.g. %s %s=%s", flag, s, flag, allowed[0], map[bool]string{true: "0.9", false: "0.5"}[under])
	}
	for _, a := range allowed {
		if a == g.Metric {
			return g, nil
		}
	}
	return g, fmt.Errorf("%s %q: unknown metric %q (want one of %s)", flag, s, g.Metric, strings.Join(allowed, ", "))
}

// Applies returns an error if the gate's metric is not one a model of
// that kind reports (classify: a classifier, with loss, accuracy,
// macro_f1, roc_auc and pr_auc; else a regression, with loss, mse, mae
// and r2), so that a command can refuse it before any work.
func (g Gate) Applies(classify bool) error {
	kind, has := "a regression", []string{"loss", "mse", "mae", "r2"}
	if classify {
		kind, has = "a classifier", []string{"loss", "accuracy", "macro_f1", "roc_auc", "pr_auc"}
	}
	for _, m := range has {
		if m == g.Metric {
			return nil
		}
	}
	flag := "--fail-over"
	if g.Under {
		flag = "--fail-under"
	}
	return noMetricError(fmt.Sprintf("%s %s: %s has no %s (it reports %s)", flag, g.Metric, kind, g.Metric, strings.Join(has, ", ")))
}

// noMetricError is an ErrNoMetric with its own message.
type noMetricError string

func (e noMetricError) Error() string { return string(e) }
func (e noMetricError) Unwrap() error { return ErrNoMetric }

// value returns the gate's metric from m, and whether m has it. A
// classifier's roc_auc and pr_auc are nil where undefined (a set of one
// class), so m has them when it is a classifier's (Accuracy is set).
func (g Gate) value(m *Metrics) (float64, bool) {
	switch g.Metric {
	case "roc_auc", "pr_auc":
		v := m.ROCAUC
		if g.Metric == "pr_auc" {
			v = m.PRAUC
		}
		if v != nil {
			return float64(*v), true
		}
		return math.NaN(), m.Accuracy != nil
	case "loss":
		return float64(m.Loss), true
	case "accuracy":
		if m.Accuracy != nil {
			return float64(*m.Accuracy), true
		}
	case "macro_f1":
		if len(m.PerClass) > 0 {
			var s float64
			for _, c := range m.PerClass {
				s += float64(c.F1)
			}
			return s / float64(len(m.PerClass)), true
		}
	case "r2":
		if m.R2 != nil {
			return float64(*m.R2), true
		}
	case "mse":
		if m.MSE != nil {
			return float64(*m.MSE), true
		}
	case "mae":
		if m.MAE != nil {
			return float64(*m.MAE), true
		}
	}
	return 0, false
}

// Check returns nil if m passes the gate, else an error saying by how
// much it missed; a metric m does not have (accuracy of a regression) is
// an error too, wrapping ErrNoMetric. A NaN metric never passes, and a
// classifier's roc_auc or pr_auc that is undefined on set (it holds one
// class only) misses the gate.
func (g Gate) Check(m *Metrics, set string) error {
	v, ok := g.value(m)
	if !ok {
		return fmt.Errorf("quality gate %s: the %s metrics have no %s: %w", g.Metric, set, g.Metric, ErrNoMetric)
	}
	if (g.Metric == "roc_auc" && m.ROCAUC == nil) || (g.Metric == "pr_auc" && m.PRAUC == nil) {
		return fmt.Errorf("quality gate missed: %s is undefined on %s: one class only", g.Metric, set)
	}
	if g.Under && !(v >= g.Limit) {
		return fmt.Errorf("quality gate missed: %s %s = %.6g is below %g", set, g.Metric, v, g.Limit)
	}
	if !g.Under && !(v <= g.Limit) {
		return fmt.Errorf("quality gate missed: %s %s = %.6g is above %g", set, g.Metric, v, g.Limit)
	}
	return nil
}
