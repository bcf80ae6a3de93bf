package train

import (
	"os"
	"testing"

	"github.com/mlptrain/mlptrain/internal/gemm"
)

// TestMain runs the tests with internal/gemm's governor off, so that a
// test that sets GOMAXPROCS runs the parallel splits it asks for even
// while other test binaries keep the machine's cores busy.
func TestMain(m *testing.M) {
	gemm.Governed(false)
	os.Exit(m.Run())
}
