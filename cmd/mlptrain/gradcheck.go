package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mlptrain/mlptrain/internal/gradcheck"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

type gradcheckOptions struct {
	cf         *configFlags
	hvp        bool
	tol        float64
	entries    int
	rows       int
	randomData string
	json       bool
}

func newGradcheckCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &gradcheckOptions{}
	cmd := &cobra.Command{
		Use:   "gradcheck CONFIG",
		Short: "Compare backprop's gradients with central finite differences",
		Long: `gradcheck builds the model of CONFIG at a random point of its parameter space,
takes a small batch of its training data (or random data), and compares the
gradient of the loss that backpropagation computes with central finite
differences, entry by entry, for every parameter tensor (a seeded random
sample of --entries entries when a tensor is larger).

The error of an entry is |analytic − numeric| / max(1, |analytic|, |numeric|):
relative above 1, absolute below. Entries whose difference quotient straddles
a kink (ReLU at 0, the hard threshold) are counted as skipped, never failed.

With --hvp it also checks exact Hessian-vector products against central
differences of exact gradients, checks the symmetry uᵀHv = vᵀHu, and estimates
the Hessian's largest eigenvalue λ_max by power iteration: gradient descent
is stable near this point for learning rates below 2/λ_max.

Exit status: 0 all pass, 5 any check fails, 2 bad usage or input.`,
		Example: `  mlptrain gradcheck configs/iris.yaml
  mlptrain gradcheck configs/iris.yaml --hvp --json
  mlptrain gradcheck configs/iris.yaml --random-data 8x5 --entries 50`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGradcheck(cmd, args[0], o, stdout, stderr)
		},
	}
	o.cf = addConfigFlags(cmd, map[string][2]string{
		"seed": {"train.seed", "random seed `N` for the point, the batch and the sampled entries"},
		"lr":   {"train.learning_rate", "learning rate `X` to compare with the stable step bound 2/λ_max"},
	})
	f := cmd.Flags()
	f.BoolVar(&o.hvp, "hvp", false, "also check Hessian-vector products and estimate λ_max")
	f.Float64Var(&o.tol, "tol", gradcheck.DefaultTol, "tolerance on each entry's error")
	f.IntVar(&o.entries, "entries", gradcheck.DefaultEntries, "entries checked per tensor, sampled when it has more (-1: all)")
	f.IntVar(&o.rows, "rows", 16, "rows of training data in the batch")
	f.StringVar(&o.randomData, "random-data", "", "check on `ROWSxCOLS` random inputs instead of the config's CSV")
	f.BoolVar(&o.json, "json", false, "print the result as JSON")
	addQuietFlag(cmd)
	return cmd
}

// parseShape parses "ROWSxCOLS".
func parseShape(s string) (rows, cols int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		rows, err = strconv.Atoi(a)
		if err == nil {
			cols, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || rows < 1 || cols < 1 {
		return 0, 0, usagef("--random-data %q: want ROWSxCOLS with positive numbers, e.g. 16x4", s)
	}
	return rows, cols, nil
}

func runGradcheck(cmd *cobra.Command, path string, o *gradcheckOptions, stdout, stderr io.Writer) error {
	if !(o.tol > 0) || math.IsInf(o.tol, 0) {
		return usagef("--tol %g: want a positive number, e.g. 1e-6", o.tol)
	}
	if o.entries == 0 || o.entries < -1 {
		return usagef("--entries %d: want a positive number, or -1 for all", o.entries)
	}
	if o.rows < 1 {
		return usagef("--rows %d: want a positive number", o.rows)
	}
	co := train.CheckOptions{Options: gradcheck.Options{Tol: o.tol, Entries: o.entries, HVP: o.hvp}, Rows: o.rows}
	if o.randomData != "" {
		var err error
		if co.RandomRows, co.RandomCols, err = parseShape(o.randomData); err != nil {
			return err
		}
	}
	cfg, err := o.cf.loadConfig(cmd, path)
	if err != nil {
		return err
	}
	rep, err := train.GradCheck(cfg, co)
	if err != nil {
		return err
	}
	if o.json {
		if err := train.WriteJSON(stdout, gradcheckJSON{Schema: 1, CheckReport: rep}); err != nil {
			return err
		}
	} else if err := printGradcheck(stdout, path, rep); err != nil {
		return err
	}
	if !rep.Pass {
		for _, p := range rep.Params {
			if !p.Pass {
				fmt.Fprintf(stderr, "mlptrain: gradient check failed: %s[%d,%d]: analytic %.10g, numeric %.10g (error %.3g > tol %g)\n",
					p.Name, p.WorstIndex[0], p.WorstIndex[1], p.Analytic, p.Numeric, p.MaxRelErr, rep.Tol)
			}
		}
		if h := rep.HVP; h != nil && !h.Pass {
			fmt.Fprintf(stderr, "mlptrain: Hessian-vector product check failed: worst %s[%d,%d] error %.3g, symmetry error %.3g (tol %g)\n",
				h.WorstParam, h.WorstIndex[0], h.WorstIndex[1], h.MaxRelErr, h.SymmetryErr, rep.Tol)
		}
		return errGradCheckFailed
	}
	return nil
}

type gradcheckJSON struct {
	Schema int `json:"schema"`
	*train.CheckReport
}

func passFail(ok bool) string {
	if ok {
		return "pass"
	}
	return "FAIL"
}

func printGradcheck(w io.Writer, path string, rep *train.CheckReport) error {
	src := fmt.Sprintf("%d rows of %s", rep.Rows, rep.Data)
	if rep.Data == "random" {
		src = fmt.Sprintf("%d rows of random data", rep.Rows)
	}
	fmt.Fprintf(w, "gradient check of %s on %s (tol %g)\n\n", path, src, rep.Tol)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "param\tshape\tchecked\tskipped\tmax abs err\tmax rel err\tworst\tanalytic\tnumeric\tresult")
	for _, p := range rep.Params {
		fmt.Fprintf(tw, "%s\t%d×%d\t%d\t%d\t%.2e\t%.2e\t[%d,%d]\t%.8g\t%.8g\t%s\n",
			p.Name, p.Shape[0], p.Shape[1], p.Checked, p.Skipped, p.MaxAbsErr, p.MaxRelErr,
			p.WorstIndex[0], p.WorstIndex[1], p.Analytic, p.Numeric, passFail(p.Pass))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if h := rep.HVP; h != nil {
		fmt.Fprintf(w, "\nHessian-vector products: %s\n", passFail(h.Pass))
		if h.Skipped {
			fmt.Fprintf(w, "  vs central differences of gradients: skipped (every direction tried crossed a kink)\n")
		} else {
			fmt.Fprintf(w, "  vs central differences of gradients: max rel err %.2e (worst %s[%d,%d])\n", h.MaxRelErr, h.WorstParam, h.WorstIndex[0], h.WorstIndex[1])
		}
		fmt.Fprintf(w, "  symmetry uᵀHv = vᵀHu: rel err %.2e\n", h.SymmetryErr)
		fmt.Fprintf(w, "  largest Hessian eigenvalue λ_max ≈ %.6g (power iteration, %d steps)\n", h.LambdaMax, h.Iterations)
		if h.StepBound != nil {
			verdict := "below it: stable here"
			if rep.LearningRate >= *h.StepBound {
				verdict = "above it: gradient descent may diverge"
			}
			fmt.Fprintf(w, "  stable gradient-descent step < 2/λ_max = %.6g; learning_rate %g is %s\n", *h.StepBound, rep.LearningRate, verdict)
		} else {
			fmt.Fprintf(w, "  λ_max ≤ 0: no curvature bound on the step here\n")
		}
	}
	n := len(rep.Params)
	if rep.Pass {
		fmt.Fprintf(w, "\nPASS: %d parameter tensors\n", n)
	} else {
		fmt.Fprintf(w, "\nFAIL\n")
	}
	return nil
}
