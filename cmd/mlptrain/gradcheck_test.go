package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// hvpDoc is the part of gradcheck's JSON that the λ_max tests read.
type hvpDoc struct {
	HVP *struct {
		Pass        bool     `json:"pass"`
		LambdaMax   *float64 `json:"lambda_max"`
		StepBound   *float64 `json:"step_bound"`
		Converged   bool     `json:"converged"`
		Iterations  int      `json:"iterations"`
		Residual    *float64 `json:"residual"`
		ResidualTol *float64 `json:"residual_tol"`
	} `json:"hvp"`
}

func parseHVP(t *testing.T, stdout string) hvpDoc {
	t.Helper()
	var doc hvpDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("gradcheck --json: %v", err)
	}
	if doc.HVP == nil || doc.HVP.LambdaMax == nil || doc.HVP.Residual == nil || doc.HVP.ResidualTol == nil {
		t.Fatalf("gradcheck --hvp --json: hvp %+v, want lambda_max, residual and residual_tol", doc.HVP)
	}
	return doc
}

// On diabetes with seed 179 the top eigenvalues are 273.35, 208.66 and
// −269.52: 300 steps of power iteration gave 256.1.
func TestGradcheckLambdaMax(t *testing.T) {
	chdirRoot(t)
	args := []string{"gradcheck", "configs/diabetes.yaml", "--hvp", "--seed", "179", "--json"}
	first := mustRun(t, args...)
	if again := mustRun(t, args...); again.stdout != first.stdout {
		t.Fatalf("mlptrain %s is not deterministic:\n%s", strings.Join(args, " "), lineDiff(first.stdout, again.stdout))
	}
	if first.stderr != "" {
		t.Errorf("stderr = %q, want empty", first.stderr)
	}
	h := parseHVP(t, first.stdout).HVP
	// The dense Hessian's largest eigenvalue is 273.347 (to 6 digits).
	if !h.Converged || *h.LambdaMax < 273.3465 || *h.LambdaMax > 273.3475 || *h.Residual > *h.ResidualTol {
		t.Errorf("λ_max %v converged %v residual %v tol %v, want 273.347 converged", *h.LambdaMax, h.Converged, *h.Residual, *h.ResidualTol)
	}
	if h.StepBound == nil || *h.StepBound != 2 / *h.LambdaMax {
		t.Errorf("step bound %v, want 2/λ_max", h.StepBound)
	}

	r := mustRun(t, "gradcheck", "configs/diabetes.yaml", "--hvp", "--seed", "179")
	for _, want := range []string{
		`λ_max ≈ 273\.347 \(the most positive curvature; negative eigenvalues bound no step\)`,
		`Lanczos iteration: converged in [0-9]+ steps, residual`,
		`stable gradient-descent step < 2/λ_max = 0\.0073167; learning_rate 0\.05 is above it`,
	} {
		if !regexp.MustCompile(want).MatchString(r.stdout) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestGradcheckLambdaNotConverged(t *testing.T) {
	chdirRoot(t)
	const warning = "mlptrain: warning: λ_max did not converge in 10 Lanczos steps"
	r := mustRun(t, "gradcheck", "configs/diabetes.yaml", "--hvp", "--seed", "179", "--eig-iters", "10", "--json")
	h := parseHVP(t, r.stdout).HVP
	if h.Converged || h.Iterations != 10 || !(*h.Residual > *h.ResidualTol) || !h.Pass {
		t.Errorf("10 steps: converged %v, iterations %d, residual %v, tol %v, pass %v; want false, 10, residual > tol, pass",
			h.Converged, h.Iterations, *h.Residual, *h.ResidualTol, h.Pass)
	}
	if *h.LambdaMax > 273.3475 {
		t.Errorf("unconverged λ_max %v above the true 273.347: not a lower bound", *h.LambdaMax)
	}
	if !strings.Contains(r.stderr, warning) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr = %q, want one line starting %q", r.stderr, warning)
	}

	// The table says so too, and --quiet does not silence the warning.
	r = mustRun(t, "gradcheck", "configs/diabetes.yaml", "--hvp", "--seed", "179", "--eig-iters", "10", "--quiet", "--lr", "0.001")
	for _, want := range []string{
		`λ_max ≥ 27[0-9]\.[0-9]+ \(the most positive`,
		`Lanczos iteration: NOT converged in 10 steps, residual .* > .*: λ_max is only a lower bound`,
		`stable gradient-descent step < 2/λ_max ≤ 0\.00[0-9]+ \(an upper bound only\); learning_rate 0\.001 is below it, which proves nothing`,
	} {
		if !regexp.MustCompile(want).MatchString(r.stdout) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, warning) {
		t.Errorf("with --quiet, stderr = %q, want the warning", r.stderr)
	}
}

func TestGradcheckEigItersUsage(t *testing.T) {
	chdirRoot(t)
	r := runCLI(t, "gradcheck", "configs/iris.yaml", "--hvp", "--eig-iters", "0")
	if r.code != exitInput || !strings.HasPrefix(r.stderr, "mlptrain: --eig-iters: must be at least 1, got 0 (hint: ") {
		t.Errorf("--eig-iters 0: exit %d, stderr %q; want %d and a message naming the flag", r.code, r.stderr, exitInput)
	}
}
