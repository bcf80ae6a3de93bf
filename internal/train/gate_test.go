package train

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/jsonnum"
)

func TestParseGate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		under bool
		want  Gate
		err   string // in the error; "" for none
	}{
		{"accuracy=0.9", true, Gate{Metric: "accuracy", Limit: 0.9, Under: true}, ""},
		{" r2 = 0.8 ", true, Gate{Metric: "r2", Limit: 0.8, Under: true}, ""},
		{"macro_f1=1", true, Gate{Metric: "macro_f1", Limit: 1, Under: true}, ""},
		{"roc_auc=0.8", true, Gate{Metric: "roc_auc", Limit: 0.8, Under: true}, ""},
		{"pr_auc=0.75", true, Gate{Metric: "pr_auc", Limit: 0.75, Under: true}, ""},
		{"roc_auc=0.8", false, Gate{}, `--fail-over "roc_auc=0.8": unknown metric "roc_auc"`},
		{"loss=1", false, Gate{Metric: "loss", Limit: 1}, ""},
		{"mse=1e-3", false, Gate{Metric: "mse", Limit: 1e-3}, ""},
		{"mae=-0.5", false, Gate{Metric: "mae", Limit: -0.5}, ""},
		{"accuracy", true, Gate{}, `--fail-under "accuracy": want METRIC=NUMBER`},
		{"accuracy=abc", true, Gate{}, `--fail-under "accuracy=abc": want METRIC=NUMBER`},
		{"accuracy=", true, Gate{}, "--fail-under"},
		{"accuracy=NaN", true, Gate{}, "--fail-under"},
		{"=0.9", true, Gate{}, `unknown metric ""`},
		{"loss=1", true, Gate{}, `--fail-under "loss=1": unknown metric "loss" (want one of accuracy, r2, macro_f1, roc_auc, pr_auc)`},
		{"accuracy=0.9", false, Gate{}, `--fail-over "accuracy=0.9": unknown metric "accuracy" (want one of loss, mse, mae)`},
		{"Accuracy=0.9", true, Gate{}, "unknown metric"},
		{"loss", false, Gate{}, "--fail-over"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			g, err := ParseGate(tc.in, tc.under)
			if tc.err == "" {
				if err != nil || g != tc.want {
					t.Errorf("ParseGate(%q, %v) = %+v, %v; want %+v", tc.in, tc.under, g, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseGate(%q, %v) error %v, want one containing %q", tc.in, tc.under, err, tc.err)
			}
		})
	}
}

func TestGateCheck(t *testing.T) {
	t.Parallel()
	class := &Metrics{N: 10, Loss: 0.3, Accuracy: jsonnum.Ptr(0.9),
		PerClass: []ClassMetrics{{Class: "a", F1: 0.5}, {Class: "b", F1: 1}}, ROCAUC: jsonnum.Ptr(0.85), PRAUC: jsonnum.Ptr(0.7)}
	// One class only: accuracy, but no roc_auc or pr_auc.
	oneClass := &Metrics{N: 10, Loss: 0.3, Accuracy: jsonnum.Ptr(1),
		PerClass: []ClassMetrics{{Class: "a", F1: 1}, {Class: "b"}}}
	reg := &Metrics{N: 10, Loss: 0.25, MSE: jsonnum.Ptr(0.5), MAE: jsonnum.Ptr(0.4), R2: jsonnum.Ptr(0.8)}
	nan := &Metrics{N: 10, Loss: jsonnum.Float(math.NaN()), Accuracy: jsonnum.Ptr(math.NaN()), R2: jsonnum.Ptr(math.NaN())}
	for _, tc := range []struct {
		name string
		gate Gate
		m    *Metrics
		err  string // in the error; "" to pass
	}{
		{"accuracy at the limit", Gate{"accuracy", 0.9, true}, class, ""},
		{"accuracy above", Gate{"accuracy", 0.5, true}, class, ""},
		{"accuracy just below", Gate{"accuracy", math.Nextafter(0.9, 1), true}, class, "quality gate missed: validation accuracy = 0.9 is below 0.9"},
		{"loss at the limit", Gate{"loss", 0.3, false}, class, ""},
		{"loss just above", Gate{"loss", math.Nextafter(0.3, 0), false}, class, "validation loss = 0.3 is above 0.2999"},
		{"macro_f1 at the limit", Gate{"macro_f1", 0.75, true}, class, ""},
		{"macro_f1 below", Gate{"macro_f1", 0.8, true}, class, "macro_f1 = 0.75 is below 0.8"},
		{"roc_auc at the limit", Gate{"roc_auc", 0.85, true}, class, ""},
		{"roc_auc below", Gate{"roc_auc", 0.9, true}, class, "quality gate missed: validation roc_auc = 0.85 is below 0.9"},
		{"pr_auc above", Gate{"pr_auc", 0.5, true}, class, ""},
		{"pr_auc below", Gate{"pr_auc", 0.75, true}, class, "validation pr_auc = 0.7 is below 0.75"},
		{"roc_auc of one class", Gate{"roc_auc", 0, true}, oneClass, "quality gate missed: roc_auc is undefined on validation: one class only"},
		{"pr_auc of one class", Gate{"pr_auc", math.Inf(-1), true}, oneClass, "quality gate missed: pr_auc is undefined on validation: one class only"},
		{"roc_auc of a regression", Gate{"roc_auc", 0.5, true}, reg, "the validation metrics have no roc_auc"},
		{"r2 at the limit", Gate{"r2", 0.8, true}, reg, ""},
		{"r2 below", Gate{"r2", 0.81, true}, reg, "is below 0.81"},
		{"mse at the limit", Gate{"mse", 0.5, false}, reg, ""},
		{"mae above", Gate{"mae", 0.3, false}, reg, "mae = 0.4 is above 0.3"},
		{"NaN accuracy", Gate{"accuracy", 0, true}, nan, "quality gate missed"},
		{"NaN accuracy, -Inf limit", Gate{"accuracy", math.Inf(-1), true}, nan, "quality gate missed"},
		{"NaN loss", Gate{"loss", math.Inf(1), false}, nan, "quality gate missed"},
		{"NaN r2", Gate{"r2", -1e300, true}, nan, "quality gate missed"},
		{"r2 of a classification", Gate{"r2", 0.5, true}, class, "the validation metrics have no r2"},
		{"accuracy of a regression", Gate{"accuracy", 0.5, true}, reg, "have no accuracy"},
		{"macro_f1 of a regression", Gate{"macro_f1", 0.5, true}, reg, "have no macro_f1"},
		{"mse of a classification", Gate{"mse", 0.5, false}, class, "have no mse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.gate.Check(tc.m, "validation")
			if tc.err == "" {
				if err != nil {
					t.Errorf("%+v.Check = %v, want a pass", tc.gate, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%+v.Check = %v, want an error containing %q", tc.gate, err, tc.err)
			}
			// A miss is exit 4; ErrNoMetric is a usage error (exit 2).
			if miss := !strings.Contains(tc.err, "have no"); err != nil && miss == errors.Is(err, ErrNoMetric) {
				t.Errorf("%+v.Check = %v: errors.Is(ErrNoMetric) = %v, want %v", tc.gate, err, !miss, miss)
			}
		})
	}
}

// TestGateApplies checks which gates a classifier and a regression model
// take, so that fit and eval refuse the others before any work.
func TestGateApplies(t *testing.T) {
	t.Parallel()
	for i, test := range []struct {
		metric   string
		under    bool
		classify bool
		ok       bool
	}{
		{"accuracy", true, true, true},
		{"macro_f1", true, true, true},
		{"roc_auc", true, true, true},
		{"pr_auc", true, true, true},
		{"roc_auc", true, false, false},
		{"pr_auc", true, false, false},
		{"loss", false, true, true},
		{"r2", true, true, false},
		{"mse", false, true, false},
		{"r2", true, false, true},
		{"mae", false, false, true},
		{"accuracy", true, false, false},
		{"macro_f1", true, false, false},
	} {
		err := Gate{Metric: test.metric, Under: test.under}.Applies(test.classify)
		if (err == nil) != test.ok || (err != nil && (!errors.Is(err, ErrNoMetric) || strings.Contains(err.Error(), "no such metric"))) {
			t.Errorf("unexpected result for test %d: Gate %s (classify %v).Applies = %v, want ok %v", i, test.metric, test.classify, err, test.ok)
		}
	}
}
