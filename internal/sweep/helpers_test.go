package sweep

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Helpers of this package's tests, as internal/train's tests have them.

// writeTestFile writes content to dir/name and returns the path.
func writeTestFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// noEnvironment is an empty environment for config.Parse, so that the
// tests ignore any MLPTRAIN_* variables of the shell running them.
func noEnvironment(string) (string, bool) { return "", false }

// q quotes a path for a YAML config.
func q(path string) string { return strconv.Quote(path) }

// regressionCSV returns a CSV "x1,x2,y" of n rows with y = a·x1 − x2 + 1
// plus noise of the given size, from a seeded stream.
func regressionCSV(seed uint64, n int, a, noise float64) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("x1,x2,y\n")
	for range n {
		x1, x2 := 2*rng.Float64()-1, 3*rng.NormFloat64()+5
		fmt.Fprintf(&b, "%g,%g,%g\n", x1, x2, a*x1-x2+1+noise*rng.NormFloat64())
	}
	return b.String()
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// contextCancelled returns a context that is already cancelled.
func contextCancelled(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx, cancel
}
