package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/gradcheck"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

type gradcheckOptions struct {
	cf       *configFlags
	hvp      bool
	tol      float64
	entries  int
	rows     int
	randRows int
	randCols int
	json     bool
	eigIters int
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
differences of exact gradients, checks the symmetry uᵀHv = vᵀHu, and computes
λ_max, the Hessian's largest (most positive) eigenvalue, by the Lanczos
iteration: gradient descent is stable near this point for learning rates
below 2/λ_max. Negative eigenvalues (saddle directions) bound no step. The
iteration stops once the residual ‖Hy − λ_max·y‖ is at most 1e-8·‖H‖. If
--eig-iters steps do not get it there, λ_max is only a lower bound, 2/λ_max
overstates the stable step, and a warning on stderr says so.

Exit status: 0 all pass, 5 any check fails, 2 bad usage or input.`,
		Example: `  mlptrain gradcheck configs/iris.yaml
  mlptrain gradcheck configs/iris.yaml --hvp --json
  mlptrain gradcheck configs/iris.yaml --random-data 8x5 --entries 50`,
		Args: exactArgs(1),
		RunE: interruptible("checking gradients", func(cmd *cobra.Command, args []string) error {
			return runGradcheck(cmd, args[0], o, stdout, stderr)
		}),
	}
	o.cf = addConfigFlags(cmd, map[string][2]string{
		"seed": {"train.seed", "random seed `N` for the point, the batch and the sampled entries"},
		"lr":   {"train.learning_rate", "learning rate `X` to compare with the stable step bound 2/λ_max"},
	})
	f := cmd.Flags()
	f.BoolVar(&o.hvp, "hvp", false, "also check Hessian-vector products and estimate λ_max")
	floatFlag(cmd, &o.tol, "tol", gradcheck.DefaultTol, 0, false, "tolerance on each entry's error", "use a small positive number such as 1e-6")
	entries := intFlag(cmd, &o.entries, "entries", gradcheck.DefaultEntries, 1, math.MaxInt, "entries checked per tensor, sampled when it has more (-1: all)",
		"use -1 to check every entry, or a number such as 200")
	entries.except, entries.want = -1, "must be -1 (all) or at least 1"
	intFlag(cmd, &o.rows, "rows", 16, 1, math.MaxInt, "rows of training data in the batch", "use a number of rows such as 16")
	shapeFlag(cmd, &o.randRows, &o.randCols, "random-data", "check on `ROWSxCOLS` random inputs instead of the config's CSV")
	f.BoolVar(&o.json, "json", false, "print the result as JSON")
	intFlag(cmd, &o.eigIters, "eig-iters", gradcheck.DefaultEigIters, 1, math.MaxInt, "with --hvp, Lanczos steps at most for λ_max (one Hessian-vector product each)",
		"use a number of steps such as 1000")
	addQuietFlag(cmd)
	return cmd
}

func runGradcheck(cmd *cobra.Command, path string, o *gradcheckOptions, stdout, stderr io.Writer) error {
	co := train.CheckOptions{Options: gradcheck.Options{Tol: o.tol, Entries: o.entries, HVP: o.hvp, EigIters: o.eigIters},
		Rows: o.rows, RandomRows: o.randRows, RandomCols: o.randCols}
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
	warnLambda(stderr, rep.HVP)
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
	fmt.Fprintf(w, "gradient check of %s on %s (tol %g)\n", path, src, rep.Tol)
	if rep.TrainPrecision == config.PrecisionFloat32 {
		fmt.Fprintf(w, "checked in float64: train.precision is float32, too coarse for finite differences; the float32 passes are tested against float64 (internal/graph)\n")
	}
	fmt.Fprintln(w)
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
		printLambda(w, h, rep.LearningRate)
	}
	n := len(rep.Params)
	if rep.Pass {
		fmt.Fprintf(w, "\nPASS: %d parameter tensors\n", n)
	} else {
		fmt.Fprintf(w, "\nFAIL\n")
	}
	return nil
}

// printLambda prints λ_max, how the Lanczos iteration ended, and the step
// bound 2/λ_max against the learning rate lr. Unconverged, λ_max is a lower
// bound, so 2/λ_max is an upper bound on the stable step: a learning rate
// above it is still too large, one below it is not known to be stable.
func printLambda(w io.Writer, h *gradcheck.HVPResult, lr float64) {
	const what = "(the most positive curvature; negative eigenvalues bound no step)"
	lambda := float64(h.LambdaMax)
	if math.IsNaN(lambda) {
		fmt.Fprintf(w, "  largest Hessian eigenvalue λ_max: not computed (the Hessian-vector products are not finite)\n")
		return
	}
	rel := "≈"
	if !h.Converged {
		rel = "≥"
	}
	fmt.Fprintf(w, "  largest Hessian eigenvalue λ_max %s %.6g %s\n", rel, lambda, what)
	if h.Converged {
		fmt.Fprintf(w, "  Lanczos iteration: converged in %d steps, residual ‖Hy − λ_max·y‖ %.3g ≤ %.3g\n", h.Iterations, h.Residual, h.ResidualTol)
	} else {
		fmt.Fprintf(w, "  Lanczos iteration: NOT converged in %d steps, residual ‖Hy − λ_max·y‖ %.3g > %.3g: λ_max is only a lower bound\n", h.Iterations, h.Residual, h.ResidualTol)
	}
	switch {
	case h.StepBound == nil && h.Converged:
		fmt.Fprintf(w, "  λ_max ≤ 0: no curvature bound on the step here\n")
	case h.StepBound == nil:
		fmt.Fprintf(w, "  stable gradient-descent step: unknown (λ_max not converged)\n")
	case h.Converged:
		verdict := "below it: stable here"
		if lr >= *h.StepBound {
			verdict = "above it: gradient descent may diverge"
		}
		fmt.Fprintf(w, "  stable gradient-descent step < 2/λ_max = %.6g; learning_rate %g is %s\n", *h.StepBound, lr, verdict)
	default:
		verdict := "below it, which proves nothing: the true bound may be smaller"
		if lr >= *h.StepBound {
			verdict = "above it: gradient descent may diverge"
		}
		fmt.Fprintf(w, "  stable gradient-descent step < 2/λ_max ≤ %.6g (an upper bound only); learning_rate %g is %s\n", *h.StepBound, lr, verdict)
	}
}

// warnLambda warns on stderr when λ_max did not converge.
func warnLambda(stderr io.Writer, h *gradcheck.HVPResult) {
	if h == nil || h.Converged {
		return
	}
	if math.IsNaN(float64(h.LambdaMax)) {
		fmt.Fprintf(stderr, "mlptrain: warning: λ_max not computed: the Hessian-vector products are not finite\n")
		return
	}
	fmt.Fprintf(stderr, "mlptrain: warning: λ_max did not converge in %d Lanczos steps (residual %.3g > %.3g): %.6g is only a lower bound, so 2/λ_max overstates the stable step; raise --eig-iters\n",
		h.Iterations, h.Residual, h.ResidualTol, h.LambdaMax)
}
