package runset

import (
	"testing"

	"github.com/mlptrain/mlptrain/internal/sysmem"
)

func TestJobLimit(t *testing.T) {
	t.Parallel()
	l := sysmem.Limit{Bytes: 12 << 30, Source: "--max-memory"}
	for _, tc := range []struct {
		jobs  int
		bytes int64
		src   string
	}{
		{1, 12 << 30, "--max-memory"},
		{3, 4 << 30, "a 3-job share of --max-memory"},
	} {
		if got := JobLimit(&l, tc.jobs); got.Bytes != tc.bytes || got.Source != tc.src {
			t.Errorf("JobLimit(%v, %d) = %+v, want %d bytes from %q", l, tc.jobs, got, tc.bytes, tc.src)
		}
	}
	if got := JobLimit(&sysmem.Limit{}, 4); got.Bytes != 0 {
		t.Errorf("no limit shared: %+v, want none", got)
	}
	if got := JobLimit(nil, 1); got != sysmem.Default() {
		t.Errorf("JobLimit(nil, 1) = %+v, want the default %+v", got, sysmem.Default())
	}
}
