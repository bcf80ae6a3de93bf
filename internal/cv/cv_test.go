package cv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/train"
)

// statTol is the tolerance of the mean and std against their definitions.
const statTol = 1e-12

// noEnvironment is an empty environment for config.Parse.
func noEnvironment(string) (string, bool) { return "", false }

// testLoader writes a small classification CSV (three classes of 6, 9 and
// 12 rows, two features) and returns a loader of its config.
func testLoader(t *testing.T, dir string) Loader {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 1))
	var b strings.Builder
	b.WriteString("x1,x2,label\n")
	for c, m := range []int{6, 9, 12} {
		for range m {
			fmt.Fprintf(&b, "%g,%g,c%d\n", float64(c)+0.5*rng.NormFloat64(), float64(-c)+0.5*rng.NormFloat64(), c)
		}
	}
	csv := filepath.Join(dir, "train.csv")
	if err := os.WriteFile(csv, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf(`data: {train: %s, target: label, validation: 0.2}
model: {layers: [{units: 5, activation: tanh}, {activation: softmax}], loss: cross_entropy}
train: {optimizer: adam, learning_rate: 0.02, batch_size: 4, epochs: 8, seed: 3}
`, strconv.Quote(csv))
	path := filepath.Join(dir, "small.yaml")
	return func(ov []config.Override) (*config.Config, error) {
		return config.Parse([]byte(text), path, ov, noEnvironment)
	}
}

func TestDeal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		counts []int // rows per class; nil labels for one group of this many
		k      int
	}{
		{"regression", []int{23}, 5},
		{"stratified", []int{6, 9, 12}, 4},
		{"stratified k = smallest", []int{3, 10, 7}, 3},
		{"two folds", []int{5, 5}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var labels []int
			n := 0
			for c, m := range tc.counts {
				n += m
				for range m {
					labels = append(labels, c)
				}
			}
			if len(tc.counts) == 1 {
				labels = nil
			}
			// Interleave the classes, as a file does.
			if labels != nil {
				rand.New(rand.NewPCG(1, 1)).Shuffle(n, func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
			}
			fold := Deal(n, tc.k, labels, rand.New(rand.NewPCG(9, Stream)))
			again := Deal(n, tc.k, labels, rand.New(rand.NewPCG(9, Stream)))
			if !slices.Equal(fold, again) {
				t.Errorf("Deal is not a function of its arguments and the stream")
			}
			sizes := make([]int, tc.k)
			for _, f := range fold {
				sizes[f]++
			}
			if slices.Max(sizes)-slices.Min(sizes) > 1 {
				t.Errorf("fold sizes %v differ by more than one", sizes)
			}
			for c, m := range tc.counts {
				per := make([]int, tc.k)
				for r, f := range fold {
					if labels == nil || labels[r] == c {
						per[f]++
					}
				}
				for i, p := range per {
					if p != m/tc.k && p != (m+tc.k-1)/tc.k {
						t.Errorf("class %d (%d rows): fold %d holds %d, want %d or %d", c, m, i, p, m/tc.k, (m+tc.k-1)/tc.k)
					}
				}
			}
			tr, va := Rows(fold, 1)
			if len(tr)+len(va) != n || !slices.IsSorted(tr) || !slices.IsSorted(va) || len(va) != sizes[1] {
				t.Errorf("Rows(fold, 1) = %d training and %d validation rows of %d", len(tr), len(va), n)
			}
		})
	}
}

// TestDealRule pins the rule the documentation states: groups shuffled in
// class order by one stream, dealt round-robin with one running count.
func TestDealRule(t *testing.T) {
	t.Parallel()
	labels := []int{1, 0, 1, 0, 1, 1, 0}
	rng := rand.New(rand.NewPCG(4, Stream))
	g0, g1 := []int{1, 3, 6}, []int{0, 2, 4, 5}
	rng.Shuffle(len(g0), func(i, j int) { g0[i], g0[j] = g0[j], g0[i] })
	rng.Shuffle(len(g1), func(i, j int) { g1[i], g1[j] = g1[j], g1[i] })
	want := make([]int, len(labels))
	for i, r := range append(g0, g1...) {
		want[r] = i % 3
	}
	if got := Deal(len(labels), 3, labels, rand.New(rand.NewPCG(4, Stream))); !slices.Equal(got, want) {
		t.Errorf("Deal = %v, want %v", got, want)
	}
}

func TestCheckFolds(t *testing.T) {
	t.Parallel()
	labels := []int{0, 0, 0, 1, 1, 2, 2, 2, 2}
	classes := []string{"a", "b", "c"}
	for _, tc := range []struct {
		name   string
		k, n   int
		labels []int
		want   string
	}{
		{"ok", 2, 9, labels, ""},
		{"one fold", 1, 9, labels, "want at least 2 folds, got 1"},
		{"more than rows", 10, 9, nil, "10 folds of f.csv, which has 9 rows"},
		{"more than the smallest class", 3, 9, labels, `class "b" has 2 rows`},
		{"regression", 9, 9, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckFolds(tc.k, tc.n, tc.labels, classes, "f.csv")
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckFolds(%d) = %v, want nil", tc.k, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--folds") || !inputerr.Is(err)):
				t.Errorf("CheckFolds(%d) = %v, want an input error naming --folds with %q", tc.k, err, tc.want)
			}
		})
	}
}

func TestNewStat(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for i, tc := range []struct {
		values    []float64
		mean, std float64
	}{
		{[]float64{1, 2, 3, 4}, 2.5, math.Sqrt(5.0 / 3)},
		{[]float64{1, nan, 3}, 2, math.Sqrt2},
		{[]float64{5, nan}, 5, nan},
		{[]float64{nan, nan}, nan, nan},
	} {
		s := NewStat(tc.values)
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"mean", float64(s.Mean), tc.mean}, {"std", float64(s.Std), tc.std}} {
			if math.IsNaN(c.want) != math.IsNaN(c.got) || (!math.IsNaN(c.want) && math.Abs(c.got-c.want) > statTol) {
				t.Errorf("unexpected %s for test %d: got: %v want: %v", c.what, i, c.got, c.want)
			}
		}
	}
}

// runCV plans and runs a cv of k folds into out.
func runCV(t *testing.T, load Loader, k int, out string, jobs int) *Report {
	t.Helper()
	c, err := Plan(load, nil, k, out, train.MemoryLimit{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Run(t.Context(), Options{Jobs: jobs})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRunJobs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := testLoader(t, dir)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	ra := runCV(t, load, 3, a, 1)
	rb := runCV(t, load, 3, b, 3)
	for i := range 3 {
		ma, err := os.ReadFile(filepath.Join(a, "fold_"+strconv.Itoa(i), "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		mb, err := os.ReadFile(filepath.Join(b, "fold_"+strconv.Itoa(i), "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ma, mb) {
			t.Errorf("fold %d: model.json differs between --jobs 1 and --jobs 3", i)
		}
	}
	ja, _ := json.Marshal(ra)
	jb, _ := json.Marshal(rb)
	ja = bytes.ReplaceAll(ja, []byte(a), nil)
	jb = bytes.ReplaceAll(jb, []byte(b), nil)
	if !bytes.Equal(ja, jb) {
		t.Errorf("cv.json differs between --jobs 1 and --jobs 3:\n%s\n%s", ja, jb)
	}

	// The document: INTERFACE.md's fields, each fold's rows, and the
	// folder's entries.
	var doc map[string]any
	data, err := os.ReadFile(filepath.Join(a, "cv.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema"] != 1.0 || doc["folds"] != 3.0 || len(doc["runs"].([]any)) != 3 || doc["test"] != nil {
		t.Errorf("cv.json: schema %v, folds %v, runs %v, test %v", doc["schema"], doc["folds"], doc["runs"], doc["test"])
	}
	for _, m := range MetricNames(true) {
		st, ok := doc[m].(map[string]any)
		if !ok || len(st["values"].([]any)) != 3 || st["mean"] == nil {
			t.Errorf("cv.json: %s is %v", m, doc[m])
		}
	}
	if got, want := ra.N, []int{9, 9, 9}; !slices.Equal(got, want) {
		t.Errorf("validation rows per fold %v, want %v", got, want)
	}
	es, _ := os.ReadDir(a)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if want := []string{"cv.json", "cv.png", "fold_0", "fold_1", "fold_2"}; !slices.Equal(names, want) {
		t.Errorf("the cv folder holds %q, want %q", names, want)
	}

	// Fewer folds into the same folder: the earlier cv's extra fold goes.
	runCV(t, load, 2, a, 2)
	if _, err := os.Stat(filepath.Join(a, "fold_2")); !os.IsNotExist(err) {
		t.Errorf("a 2-fold cv left the earlier cv's fold_2 (%v)", err)
	}
}

func TestRunRefusesFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := testLoader(t, dir)
	for _, tc := range []struct {
		name, file, want string
	}{
		{"a project", "notes.txt", `not a cv folder: it holds "notes.txt"`},
		{"a sweep folder", "sweep.json", `not a cv folder: it holds "sweep.json"`},
		{"a run folder", "model.json", `not a cv folder but a fit's run folder`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name)
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, tc.file), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Plan(load, nil, 2, out, train.MemoryLimit{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Run(t.Context(), Options{Jobs: 1})
			if !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("cv into %s: error %v, want %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := testLoader(t, dir)
	c, err := Plan(load, nil, 3, filepath.Join(dir, "cv"), train.MemoryLimit{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rep, err := c.Run(ctx, Options{Jobs: 1})
	if err == nil || rep == nil {
		t.Fatalf("an interrupted cv: report %v, error %v", rep, err)
	}
	for i, s := range rep.Stopped {
		if s != StopNotRun && s != train.StopInterrupted {
			t.Errorf("fold %d of an interrupted cv: %s", i, s)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "cv", "cv.json")); err != nil {
		t.Errorf("an interrupted cv wrote no cv.json: %v", err)
	}
}
