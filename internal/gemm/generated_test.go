package gemm

import (
	"bytes"
	"os"
	"testing"

	"github.com/mlptrain/mlptrain/internal/gemm/internal/gen"
)

// TestGenerated checks that the generated files checked in are what the
// generator (internal/gen) writes now, so that neither an edit by hand nor
// an edit of the generator left unrun goes unnoticed.
func TestGenerated(t *testing.T) {
	files, err := gen.Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		have, err := os.ReadFile(f.Name)
		if err != nil {
			t.Errorf("%v: run go generate ./internal/gemm", err)
			continue
		}
		if line, h, w, ok := firstDiff(have, f.Data); !ok {
			t.Errorf("%s differs from what the generator writes, from line %d:\n\thave %q\n\twant %q\nrun go generate ./internal/gemm", f.Name, line, h, w)
		}
	}
}

// firstDiff reports whether a and b are equal and, if not, the first line
// where they differ (counting from 1) and that line of each ("" past the
// end).
func firstDiff(a, b []byte) (line int, la, lb string, equal bool) {
	if bytes.Equal(a, b) {
		return 0, "", "", true
	}
	as, bs := bytes.SplitAfter(a, []byte("\n")), bytes.SplitAfter(b, []byte("\n"))
	for i := 0; ; i++ {
		x, y := lineAt(as, i), lineAt(bs, i)
		if x != y {
			return i + 1, x, y, false
		}
	}
}

func lineAt(lines [][]byte, i int) string {
	if i < len(lines) {
		return string(lines[i])
	}
	return ""
}
