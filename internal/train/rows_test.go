package train

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
)

// TestPrepareRows checks that rows given explicitly prepare the problem
// that the same rows drawn by data.validation do: the encoding, the
// scaler and the sets are fitted on the training rows alone.
func TestPrepareRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 1))
	var b strings.Builder
	b.WriteString("x,color,label\n")
	for i := range 30 {
		fmt.Fprintf(&b, "%g,%s,c%d\n", 10*rng.NormFloat64()+3, []string{"red", "blue", "green"}[i%3], i%2)
	}
	csv := writeTestFile(t, dir, "t.csv", b.String())
	text := fmt.Sprintf(`data: {train: %s, target: label, validation: 0.3}
model: {layers: [{units: 3, activation: tanh}, {activation: softmax}], loss: cross_entropy}
`, strconv.Quote(csv))
	cfg, err := config.Parse([]byte(text), filepath.Join(dir, "c.yaml"), nil, noEnvironment)
	if err != nil {
		t.Fatal(err)
	}
	want, err := PrepareWithin(cfg, MemoryLimit{})
	if err != nil {
		t.Fatal(err)
	}
	n, labels, classes, err := TrainingTargets(cfg, MemoryLimit{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 30 || len(labels) != 30 || !reflect.DeepEqual(classes, []string{"c0", "c1"}) {
		t.Fatalf("TrainingTargets = %d, %d labels, %q", n, len(labels), classes)
	}
	tr, va := data.Split(n, 0.3, labels, rand.New(rand.NewPCG(cfg.Train.Seed, streamSplit)))
	got, err := PrepareRows(cfg, MemoryLimit{}, &Rows{N: n, Train: tr, Val: va})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"scaler", got.Scaler, want.Scaler}, {"encoding", got.Encoding, want.Encoding},
		{"training set", got.Train, want.Train}, {"validation set", got.Val, want.Val}, {"classes", got.Classes, want.Classes},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("PrepareRows: %s differs from data.validation's split of the same rows", c.what)
		}
	}

	// Training rows in another order keep it (split by copies, not in
	// place): the lines of the training set come reversed.
	rev := slices.Clone(tr)
	slices.Reverse(rev)
	back, err := PrepareRows(cfg, MemoryLimit{}, &Rows{N: n, Train: rev, Val: va})
	if err != nil {
		t.Fatal(err)
	}
	wantLines := slices.Clone(want.Train.Lines)
	slices.Reverse(wantLines)
	if !slices.Equal(back.Train.Lines, wantLines) || !reflect.DeepEqual(back.Val.Lines, want.Val.Lines) {
		t.Errorf("reversed training rows: lines %v, want %v", back.Train.Lines, wantLines)
	}

	if _, err := PrepareRows(cfg, MemoryLimit{}, &Rows{N: n + 1, Train: tr, Val: va}); err == nil || !strings.Contains(err.Error(), "dealt for 31") {
		t.Errorf("rows for another file: error %v", err)
	}
}
