package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/cpufeat"
	"github.com/mlptrain/mlptrain/internal/gemm"
)

// Numeric goldens (fit, eval, predict and gradcheck output) are written by
// the vector kernels, AVX2 and AVX-512, which give the same bits (gemm's
// TestAsmKernelsAgree, vmath's tests). On a CPU that runs them the output
// must equal the golden byte for byte. The portable kernels (arm64, old
// x86, or go test -tags purego) round differently, so there the numbers
// need only agree within numAbsTol + numRelTol·max(|a|,|b|), plus one unit
// of the last digit printed, and the text around them exactly; and -update
// refuses to write goldens, which would then break every AVX machine.
const (
	numRelTol = 1e-6
	numAbsTol = 1e-9
)

// goldenFamily names the kernel family that writes the numeric goldens.
const goldenFamily = "avx2/avx-512"

// runsGoldenFamily reports whether this test binary's products and
// elementwise kernels are the golden family's.
func runsGoldenFamily() bool { return cpufeat.AVX2FMA() && gemm.Kernel() != "go2x4" }

// checkNumericGolden compares got with testdata/name as checkGolden does on
// the golden family's kernels, and number by number within the tolerances
// off it. There, the JSON fields named in rounding (such as gradcheck's
// worst_index, which a rounding of 1e-12 can move to another entry) are
// dropped from both sides first.
func checkNumericGolden(t *testing.T, name string, got []byte, rounding ...string) {
	t.Helper()
	if runsGoldenFamily() {
		checkGolden(t, name, got)
		return
	}
	path := filepath.Join(testdataDir, name)
	if *update {
		t.Fatalf("not updating %s: numeric goldens are written by the %s kernels, and this run uses %s", path, goldenFamily, gemm.Kernel())
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rounding) > 0 {
		want, got = dropJSONFields(t, want, rounding), dropJSONFields(t, got, rounding)
	}
	if msg := numericDiff(string(want), string(got)); msg != "" {
		t.Errorf("output differs from %s beyond the tolerances of the portable kernels (%s):\n%s", path, gemm.Kernel(), msg)
	}
}

// dropJSONFields removes the named fields from every object in doc and
// indents the result as the CLI does.
func dropJSONFields(t *testing.T, doc []byte, names []string) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("golden: %v", err)
	}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, n := range names {
				delete(v, n)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// numberRE matches a decimal number as Go and the CLI print it; hexRE a
// SHA-256 digest, which differs with any bit of the weights.
var (
	numberRE = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?`)
	hexRE    = regexp.MustCompile(`\b[0-9a-f]{64}\b`)
)

// numericDiff describes the first place where got differs from want
// beyond the tolerances, or returns "": the text between numbers must be
// equal, digests are not compared, and numbers agree within numAbsTol +
// numRelTol·max(|a|,|b|) + a unit in the last printed place of either.
func numericDiff(want, got string) string {
	want, got = hexRE.ReplaceAllString(want, "SHA256"), hexRE.ReplaceAllString(got, "SHA256")
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	if len(wl) != len(gl) {
		return fmt.Sprintf("%d lines, want %d", len(gl), len(wl))
	}
	for i := range wl {
		wn, gn := numberRE.FindAllStringIndex(wl[i], -1), numberRE.FindAllStringIndex(gl[i], -1)
		if len(wn) != len(gn) || numberRE.ReplaceAllString(wl[i], "#") != numberRE.ReplaceAllString(gl[i], "#") {
			return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q", i+1, wl[i], gl[i])
		}
		for j := range wn {
			ws, gs := wl[i][wn[j][0]:wn[j][1]], gl[i][gn[j][0]:gn[j][1]]
			a, errA := strconv.ParseFloat(ws, 64)
			b, errB := strconv.ParseFloat(gs, 64)
			if errA != nil || errB != nil {
				return fmt.Sprintf("line %d: cannot compare %q and %q", i+1, ws, gs)
			}
			tol := numAbsTol + numRelTol*max(math.Abs(a), math.Abs(b)) + max(lastPlace(ws), lastPlace(gs))
			if math.Abs(a-b) > tol {
				return fmt.Sprintf("line %d: %s, want %s (±%.3g)\n  want: %q\n  got:  %q", i+1, gs, ws, tol, wl[i], gl[i])
			}
		}
	}
	return ""
}

// lastPlace returns a unit in the last decimal place s was printed with
// when it has few digits (0.9333: 1e-4), as a rounded figure can move by
// one there; 0 for an integer, which must be equal, and for a number
// printed in full (15 significant digits or more, as encoding/json
// prints), whose rounding numRelTol covers.
func lastPlace(s string) float64 {
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	e := 0
	if exp != "" {
		e, _ = strconv.Atoi(exp)
	}
	intPart, frac, isDecimal := strings.Cut(strings.TrimPrefix(mant, "-"), ".")
	if !isDecimal && exp == "" {
		return 0 // an integer: a count, a class index, a shape
	}
	if len(strings.TrimLeft(intPart+frac, "0")) >= 15 {
		return 0
	}
	return math.Pow10(e - len(frac))
}

// TestNumericDiff checks the comparison used off the golden family: it
// must fail on a number beyond the tolerance and on changed text, and
// pass roundings.
func TestNumericDiff(t *testing.T) {
	t.Parallel()
	for i, test := range []struct {
		want, got string
		ok        bool
	}{
		{`"loss": 0.058709527730318366,`, `"loss": 0.058709527730318324,`, true},
		{`loss 0.08549  accuracy 0.9792`, `loss 0.08550  accuracy 0.9792`, true},
		{`"max_abs_err": 3.5601861736456186e-11,`, `"max_abs_err": 3.170122497841987e-11,`, true},
		{`"loss": 0.058709527730318366,`, `"loss": 0.05871,`, true},
		{`"loss": 0.058709527730318366,`, `"loss": 0.05875,`, false},
		{`"loss": 0.0587095,`, `"loss": 0.0588095,`, false},
		{`loss 0.08549  accuracy 0.9792`, `loss 0.08549  accuracy 0.9583`, false},
		{`setosa,0.99`, `versicolor,0.99`, false},
		{`[2, 3]`, `[2, 3, 4]`, false},
		{`"confusion_matrix": [10, 0]`, `"confusion_matrix": [9, 1]`, false},
		{"a 1\nb 2", "a 1", false},
		{`"weights_sha256": "` + strings.Repeat("ab", 32) + `"`, `"weights_sha256": "` + strings.Repeat("cd", 32) + `"`, true},
	} {
		if msg := numericDiff(test.want, test.got); (msg == "") != test.ok {
			t.Errorf("unexpected result for test %d: numericDiff(%q, %q) = %q, want ok %v", i, test.want, test.got, msg, test.ok)
		}
	}
}
