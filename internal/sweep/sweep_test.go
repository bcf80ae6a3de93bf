package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/train"
)

func TestParseGrid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec    string
		want    Grid
		wantErr string // a substring of the error; "" for none
	}{
		{"train.learning_rate=0.001,0.01,0.1", Grid{"train.learning_rate", []string{"0.001", "0.01", "0.1"}}, ""},
		{" train.epochs = 5 , 10 ", Grid{"train.epochs", []string{"5", "10"}}, ""},
		{"train.optimizer=adam", Grid{"train.optimizer", []string{"adam"}}, ""},
		{"data.validation=a=b,c", Grid{"data.validation", []string{"a=b", "c"}}, ""},
		{"train.learning_rate", Grid{}, "want KEY=V1,V2"},
		{"=0.1,0.2", Grid{}, "want KEY=V1,V2"},
		{"train.learning_rate=", Grid{}, "no values"},
		{"train.learning_rate=  ", Grid{}, "no values"},
		{"train.learning_rate=0.1,,0.2", Grid{}, "empty value"},
		{"train.learning_rate=0.1,", Grid{}, "empty value"},
		{"train.learning_rate=,0.1", Grid{}, "empty value"},
		{"train.learning_rate=0.1,0.2,0.1", Grid{}, `value "0.1" is given twice`},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			t.Parallel()
			g, err := ParseGrid(tc.spec)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseGrid(%q) error = %v, want one containing %q", tc.spec, err, tc.wantErr)
				}
				var ie *inputerr.Error
				if !errors.As(err, &ie) || !strings.HasPrefix(ie.Key, "--grid ") {
					t.Errorf("ParseGrid(%q) error %v does not name the --grid flag", tc.spec, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseGrid(%q): %v", tc.spec, err)
			}
			if !reflect.DeepEqual(g, tc.want) {
				t.Errorf("ParseGrid(%q) = %+v, want %+v", tc.spec, g, tc.want)
			}
		})
	}
}

func TestParseGrids(t *testing.T) {
	t.Parallel()
	set := func(k, v string) config.Override {
		return config.Override{Key: k, Value: v, Source: "--set " + k + "=" + v}
	}
	for _, tc := range []struct {
		name    string
		specs   []string
		fixed   []config.Override
		want    []Grid
		wantErr string
	}{
		{"two keys", []string{"train.learning_rate=0.1,0.2", "train.l2=0,0.01"}, []config.Override{set("train.epochs", "5")},
			[]Grid{{"train.learning_rate", []string{"0.1", "0.2"}}, {"train.l2", []string{"0", "0.01"}}}, ""},
		{"none", nil, nil, nil, "no grid to sweep"},
		{"duplicate key", []string{"train.l2=0", "train.l2=0.1"}, nil, nil, "train.l2 is also given by --grid train.l2=0"},
		{"key also given by --set", []string{"train.epochs=5,10"}, []config.Override{set("train.epochs", "3")}, nil,
			"train.epochs is also given by --set train.epochs=3"},
		{"key also given by a shorthand", []string{"train.epochs=5,10"}, []config.Override{{Key: "train.epochs", Value: "3", Source: "--epochs"}}, nil,
			"also given by --epochs"},
		{"output.dir", []string{"output.dir=a,b"}, nil, nil, "output.dir cannot be swept"},
		{"list key", []string{"data.features=x1,x2"}, nil, nil, "data.features is a list"},
		{"target list", []string{"data.target=y"}, nil, nil, "data.target is a list"},
		{"syntax", []string{"train.l2"}, nil, nil, "want KEY=V1,V2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gs, err := ParseGrids(tc.specs, tc.fixed)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseGrids(%q) error = %v, want one containing %q", tc.specs, err, tc.wantErr)
				}
				if !inputerr.Is(err) {
					t.Errorf("ParseGrids(%q) error %v is not an input error", tc.specs, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseGrids(%q): %v", tc.specs, err)
			}
			if !reflect.DeepEqual(gs, tc.want) {
				t.Errorf("ParseGrids(%q) = %+v, want %+v", tc.specs, gs, tc.want)
			}
		})
	}
}

func TestProduct(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		grids []Grid
		want  [][]string
	}{
		{"none", nil, [][]string{{}}},
		{"one", []Grid{{"a", []string{"1", "2", "3"}}}, [][]string{{"1"}, {"2"}, {"3"}}},
		{"nested loops, first slowest", []Grid{{"a", []string{"1", "2"}}, {"b", []string{"x", "y", "z"}}},
			[][]string{{"1", "x"}, {"1", "y"}, {"1", "z"}, {"2", "x"}, {"2", "y"}, {"2", "z"}}},
		{"three", []Grid{{"a", []string{"1", "2"}}, {"b", []string{"x"}}, {"c", []string{"p", "q"}}},
			[][]string{{"1", "x", "p"}, {"1", "x", "q"}, {"2", "x", "p"}, {"2", "x", "q"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Product(tc.grids)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Product(%v) = %v, want %v", tc.grids, got, tc.want)
			}
		})
	}
}

func TestBestPoint(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	pt := func(stopped string, val float64) Result {
		return Result{Stopped: stopped, ValLoss: jsonnum.Float(val), TrainLoss: jsonnum.Float(val / 2)}
	}
	for _, tc := range []struct {
		name   string
		points []Result
		want   int
	}{
		{"none", nil, -1},
		{"lowest", []Result{pt("completed", 0.3), pt("completed", 0.1), pt("completed", 0.2)}, 1},
		{"ties go to the first", []Result{pt("completed", 0.3), pt("completed", 0.1), pt("completed", 0.1)}, 1},
		{"early stopping counts", []Result{pt("completed", 0.3), pt("early_stopping", 0.2)}, 1},
		{"diverged skipped", []Result{pt("completed", 0.3), pt("diverged", 0.0)}, 0},
		{"interrupted and not run skipped", []Result{pt("interrupted", 0.1), pt(StopNotRun, 0.0), pt("completed", 0.5)}, 2},
		{"not finite skipped", []Result{pt("completed", nan), pt("completed", math.Inf(1)), pt("completed", 7)}, 2},
		{"all diverged", []Result{pt("diverged", nan), pt("diverged", nan)}, -1},
		{"not the training loss", []Result{
			{Stopped: "completed", TrainLoss: 0.01, ValLoss: 0.5},
			{Stopped: "completed", TrainLoss: 0.2, ValLoss: 0.3},
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, by := range []string{"", By} {
				if got := BestPoint(tc.points, by); got != tc.want {
					t.Errorf("BestPoint(%q) = %d, want %d", by, got, tc.want)
				}
			}
		})
	}
}

// TestBestPointBy checks the best point by a classifier's validation
// metric: the highest, the first of equals, only among finished points
// that have one.
func TestBestPointBy(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	pt := func(stopped string, loss, acc float64, roc, pr *jsonnum.Float) Result {
		return Result{Stopped: stopped, ValLoss: jsonnum.Float(loss), ValAccuracy: jsonnum.Ptr(acc), ValROCAUC: roc, ValPRAUC: pr,
			TrainROCAUC: jsonnum.Ptr(1), TrainPRAUC: jsonnum.Ptr(1)}
	}
	f := jsonnum.Ptr
	points := []Result{
		pt("completed", 0.2, 0.9, f(0.8), f(0.7)),               // lowest loss, highest accuracy
		pt("completed", 0.3, 0.8, f(0.9), f(0.6)),               // highest roc_auc
		pt("completed", 0.4, 0.8, f(0.85), f(0.75)),             // highest pr_auc
		pt("diverged", nan, nan, f(nan), f(nan)),                // diverged
		pt("interrupted", 0.1, 1, f(1), f(1)),                   // not finished
		pt("completed", 0.5, 0.9, nil, nil),                     // one class: undefined
		pt("early_stopping", 0.45, 0.7, f(0.9), f(math.Inf(1))), // ties roc_auc; Inf skipped
	}
	for _, tc := range []struct {
		by   string
		want int
	}{
		{"val_loss", 0},
		{"val_accuracy", 0},
		{"val_roc_auc", 1},
		{"val_pr_auc", 2},
	} {
		if got := BestPoint(points, tc.by); got != tc.want {
			t.Errorf("BestPoint(%q) = %d, want %d", tc.by, got, tc.want)
		}
	}
	if got := BestPoint(points[3:6], "val_roc_auc"); got != -1 {
		t.Errorf("BestPoint of no finished point with a roc_auc = %d, want -1", got)
	}
}

func TestParseBy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, err string }{
		{"loss", "val_loss", ""},
		{"val_loss", "val_loss", ""},
		{"accuracy", "val_accuracy", ""},
		{"roc_auc", "val_roc_auc", ""},
		{" pr_auc ", "val_pr_auc", ""},
		{"val_pr_auc", "val_pr_auc", ""},
		{"r2", "val_r2", ""},
		{"mse", "val_mse", ""},
		{"val_mae", "val_mae", ""},
		{"rmse", "", `--by: unknown metric "rmse"`},
		{"ROC_AUC", "", "unknown metric"},
		{"", "", "unknown metric"},
	} {
		got, err := ParseBy(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) {
			t.Errorf("ParseBy(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseBy(%q) error %v, want one containing %q", tc.in, err, tc.err)
		}
	}
}

func TestSanitize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"train.learning_rate=0.001", "train.learning_rate=0.001"},
		{"data.train=../x/y.csv,train.l2=1e-3", "data.train=.._x_y.csv,train.l2=1e-3"},
		{"train.optimizer=a b:c*?", "train.optimizer=a_b_c__"},
		{strings.Repeat("x", 150), strings.Repeat("x", 100)},
	} {
		if got := sanitize(tc.in); got != tc.want {
			t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// sweepTestConfig writes a small regression problem into dir and returns
// a Loader for its config, plus extra YAML lines for train.
func sweepTestLoader(t *testing.T, dir, trainExtra string) Loader {
	t.Helper()
	csvPath := writeTestFile(t, dir, "train.csv", regressionCSV(41, 40, 2, 0.3))
	text := fmt.Sprintf(`data: {train: %s, target: y, validation: 0.25}
model: {layers: [{units: 4, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 8, epochs: 15, seed: 3%s}
`, q(csvPath), trainExtra)
	path := filepath.Join(dir, "small.yaml")
	return func(ov []config.Override) (*config.Config, error) {
		return config.Parse([]byte(text), path, ov, noEnvironment)
	}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, "")
	grids := []Grid{{"train.learning_rate", []string{"0.01", "1e-1"}}, {"train.optimizer", []string{"sgd", "adam"}}, {"train.batch_size", []string{"4"}}}
	fixed := []config.Override{{Key: "train.epochs", Value: "7", Source: "--set train.epochs=7"}}
	out := filepath.Join(dir, "sw")
	s, err := Plan(load, fixed, grids, out)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "small" || s.Dir != out || !slices.Equal(s.Keys, []string{"train.learning_rate", "train.optimizer", "train.batch_size"}) {
		t.Errorf("sweep name %q, dir %q, keys %q", s.Name, s.Dir, s.Keys)
	}
	wantDirs := []string{
		"0_train.learning_rate=0.01,train.optimizer=sgd,train.batch_size=4",
		"1_train.learning_rate=0.01,train.optimizer=adam,train.batch_size=4",
		"2_train.learning_rate=1e-1,train.optimizer=sgd,train.batch_size=4",
		"3_train.learning_rate=1e-1,train.optimizer=adam,train.batch_size=4",
	}
	if len(s.Points) != len(wantDirs) {
		t.Fatalf("%d points, want %d", len(s.Points), len(wantDirs))
	}
	for i, p := range s.Points {
		if p.Index != i || p.Dir != filepath.Join(out, wantDirs[i]) || p.Config.Output.Dir != p.Dir {
			t.Errorf("point %d: index %d, dir %q, output.dir %q; want dir %q", i, p.Index, p.Dir, p.Config.Output.Dir, wantDirs[i])
		}
		if p.Config.Train.Epochs != 7 || p.Config.Train.BatchSize != 4 {
			t.Errorf("point %d: epochs %d, batch size %d; want 7, 4", i, p.Config.Train.Epochs, p.Config.Train.BatchSize)
		}
	}
	p2 := s.Points[2]
	if p2.Config.Train.LearningRate != 0.1 || p2.Config.Train.Optimizer != "sgd" {
		t.Errorf("point 2: learning rate %g, optimizer %q", p2.Config.Train.LearningRate, p2.Config.Train.Optimizer)
	}
	b, err := json.Marshal(p2.Params)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"train.learning_rate":0.1,"train.optimizer":"sgd","train.batch_size":4}`; string(b) != want {
		t.Errorf("params JSON %s, want %s", b, want)
	}

	// The default folder.
	s, err = Plan(load, nil, grids[:1], "")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("runs", "small-sweep"); s.Dir != want || !strings.HasPrefix(s.Points[0].Dir, want+string(filepath.Separator)) {
		t.Errorf("default dir %q, point dir %q; want under %q", s.Dir, s.Points[0].Dir, want)
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, "")
	out := filepath.Join(dir, "sw")
	for _, tc := range []struct {
		name    string
		fixed   []config.Override
		grids   []Grid
		wantKey string // the input error's Key
		wantErr string
	}{
		{"unknown key", nil, []Grid{{"train.learnin_rate", []string{"0.1"}}}, "--grid train.learnin_rate=0.1", `did you mean "train.learning_rate"`},
		{"bad value", nil, []Grid{{"train.epochs", []string{"5", "ten"}}}, "--grid train.epochs=ten", "whole number"},
		{"out of range", nil, []Grid{{"train.learning_rate", []string{"0.1", "-1"}}}, "--grid train.learning_rate=-1", ""},
		{"section", nil, []Grid{{"train", []string{"1"}}}, "--grid train=1", "section"},
		{"no validation", []config.Override{{Key: "data.validation", Value: "0"}}, []Grid{{"train.epochs", []string{"5"}}}, "data.validation", "validation loss"},
		{"no validation at a point", nil, []Grid{{"data.validation", []string{"0.25", "0"}}}, "data.validation", "point data.validation=0 has no validation data"},
		{"bad --set", []config.Override{{Key: "train.epochs", Value: "x", Source: "--set train.epochs=x"}}, []Grid{{"train.l2", []string{"0"}}}, "--set train.epochs", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Plan(load, tc.fixed, tc.grids, out)
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Plan error %v, want an *inputerr.Error", err)
			}
			if ie.Key != tc.wantKey || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Plan error %q (key %q), want key %q and text %q", err, ie.Key, tc.wantKey, tc.wantErr)
			}
		})
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Plan created %s", out)
	}
}

// readSweepJSON returns the sweep's sweep.json with the folder replaced by
// DIR.
func readSweepJSON(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), dir, "DIR")
}

func TestSweepRunDeterministicAcrossJobs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, "")
	grids := []Grid{{"train.learning_rate", []string{"0.003", "0.3"}}, {"train.l2", []string{"0", "0.01"}}}
	var docs []string
	var reps []*Report
	for _, jobs := range []int{1, 2, 4} {
		out := filepath.Join(dir, fmt.Sprintf("jobs%d", jobs))
		s, err := Plan(load, nil, grids, out)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var done []int
		rep, err := s.Run(t.Context(), Options{Jobs: jobs, Done: func(r *Result, finished, total int) {
			mu.Lock()
			defer mu.Unlock()
			if total != 4 || finished != len(done)+1 {
				t.Errorf("Done(%d, %d, %d) after %d calls", r.Index, finished, total, len(done))
			}
			done = append(done, r.Index)
		}})
		if err != nil {
			t.Fatalf("jobs %d: %v", jobs, err)
		}
		slices.Sort(done)
		if !slices.Equal(done, []int{0, 1, 2, 3}) {
			t.Errorf("jobs %d: Done for points %v", jobs, done)
		}
		docs = append(docs, readSweepJSON(t, out))
		reps = append(reps, rep)
		// Two numeric keys: sweep.png is their heat map.
		for _, name := range []string{"sweep.csv", "sweep.json", "sweep.png"} {
			if _, err := os.Stat(filepath.Join(out, name)); err != nil {
				t.Error(err)
			}
		}
	}
	for i := 1; i < len(docs); i++ {
		if docs[i] != docs[0] {
			t.Errorf("sweep.json differs between runs of the same sweep:\n%s\n---\n%s", docs[0], docs[i])
		}
		for j, p := range reps[i].Points {
			a, err := os.ReadFile(filepath.Join(reps[0].Points[j].Dir, "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(p.Dir, "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("point %d: model.json differs between --jobs runs", j)
			}
		}
	}

	// The report: every point finished, the best is the argmin.
	rep := reps[0]
	if rep.Schema != 1 || rep.By != "val_loss" || rep.Best == nil || len(rep.Points) != 4 {
		t.Fatalf("report: %+v", rep)
	}
	best := 0
	for i, p := range rep.Points {
		if p.Stopped != train.StopCompleted || p.EpochsRun != 15 || !finite(float64(p.ValLoss)) || !finite(float64(p.TrainLoss)) {
			t.Errorf("point %d: %+v", i, p)
		}
		if p.TrainAccuracy != nil || p.ValAccuracy != nil {
			t.Errorf("point %d: accuracies for a regression", i)
		}
		if p.ValLoss < rep.Points[best].ValLoss {
			best = i
		}
	}
	if *rep.Best != best {
		t.Errorf("best %d, want %d", *rep.Best, best)
	}

	// sweep.csv agrees.
	f, err := os.Open(filepath.Join(rep.Dir, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"index", "train.learning_rate", "train.l2", "stopped", "epochs_run", "best_epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy",
		"train_roc_auc", "val_roc_auc", "train_pr_auc", "val_pr_auc", "best", "dir",
		"train_r2", "val_r2", "train_mse", "val_mse", "train_mae", "val_mae"}
	if !slices.Equal(rows[0], wantHeader) || len(rows) != 5 {
		t.Fatalf("sweep.csv header %q and %d rows", rows[0], len(rows))
	}
	for i, row := range rows[1:] {
		wantBest := "0"
		if i == best {
			wantBest = "1"
		}
		if row[1] != rep.Points[i].Params[0].Text || row[14] != wantBest || row[7] != cell(float64(rep.Points[i].ValLoss)) {
			t.Errorf("sweep.csv row %d: %q", i+1, row)
		}
	}
}

func TestSweepRunDiverged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, ", l2: 0")
	fixed := []config.Override{{Key: "train.optimizer", Value: "gd"}, {Key: "train.epochs", Value: "100"}}

	// One point diverges, the sweep goes on.
	s, err := Plan(load, fixed, []Grid{{"train.learning_rate", []string{"0.01", "1e6"}}}, filepath.Join(dir, "some"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Run(t.Context(), Options{Jobs: 2})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.Points[1].Stopped != train.StopDiverged || rep.Best == nil || *rep.Best != 0 {
		t.Fatalf("points %+v, best %v", rep.Points, rep.Best)
	}
	doc := readSweepJSON(t, rep.Dir)
	var parsed struct {
		Points []map[string]any `json:"points"`
	}
	if err := json.Unmarshal([]byte(doc), &parsed); err != nil {
		t.Fatal(err)
	}
	if p := parsed.Points[1]; p["train_loss"] != nil || p["val_loss"] != nil || p["stopped"] != "diverged" {
		t.Errorf("diverged point in sweep.json: %v", p)
	}
	if _, err := os.Stat(filepath.Join(rep.Dir, "sweep.png")); err != nil {
		t.Errorf("sweep.png: %v", err)
	}

	// Every point diverges: the report, and an error that train.IsDiverged.
	s, err = Plan(load, fixed, []Grid{{"train.learning_rate", []string{"1e5", "1e6"}}}, filepath.Join(dir, "all"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err = s.Run(t.Context(), Options{Jobs: 1})
	var de *DivergedError
	if !train.IsDiverged(err) || !errors.As(err, &de) || de.Points != 2 {
		t.Fatalf("Run error %v, want a *DivergedError for 2 points", err)
	}
	if rep == nil || rep.Best != nil {
		t.Fatalf("report %+v, want one with no best", rep)
	}
	if !strings.Contains(readSweepJSON(t, rep.Dir), `"best": null`) {
		t.Errorf("sweep.json does not say best: null")
	}
}

func TestSweepRunInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, "")
	s, err := Plan(load, nil, []Grid{{"train.seed", []string{"1", "2", "3"}}}, filepath.Join(dir, "sw"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rep, err := s.Run(ctx, Options{Jobs: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error %v, want context.Canceled", err)
	}
	if rep == nil || rep.Best != nil {
		t.Fatalf("report %+v, want one with no best", rep)
	}
	for _, p := range rep.Points {
		if p.Stopped != StopNotRun && p.Stopped != train.StopInterrupted {
			t.Errorf("point %d stopped %q after cancellation", p.Index, p.Stopped)
		}
	}
	if _, err := os.Stat(filepath.Join(rep.Dir, "sweep.json")); err != nil {
		t.Errorf("sweep.json: %v", err)
	}
}

func TestSweepJobsThreads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, ", threads: 2")
	s, err := Plan(load, nil, []Grid{{"train.seed", []string{"1", "2"}}}, filepath.Join(dir, "sw"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		jobs, want int
		err        bool
	}{{1, 1, false}, {2, 0, true}, {0, 0, runtime.GOMAXPROCS(0) > 1}, {8, 0, true}} {
		if tc.jobs == 0 && !tc.err {
			tc.want = 1
		}
		got, err := s.Jobs(tc.jobs)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("Jobs(%d) = %d, %v; want %d, error %v", tc.jobs, got, err, tc.want, tc.err)
		}
		var ie *inputerr.Error
		if err != nil && (!errors.As(err, &ie) || ie.Key != "--jobs" || !strings.Contains(err.Error(), "train.threads")) {
			t.Errorf("Jobs(%d) error %v, want an input error naming --jobs and train.threads", tc.jobs, err)
		}
	}
	if _, err := s.Run(t.Context(), Options{Jobs: 2}); !inputerr.Is(err) {
		t.Errorf("Run with --jobs 2 and train.threads 2: error %v, want an input error", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sw")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Run trained or wrote despite the error")
	}
}

// TestSweepRunBy sweeps a binary classifier by roc_auc: the report names
// the column, its best point has the highest validation ROC AUC, and
// sweep.csv and sweep.png are written; a regression is refused before
// any training.
func TestSweepRunBy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(43, 1))
	var b strings.Builder
	b.WriteString("x1,x2,label\n")
	for i := range 60 {
		c := i % 2
		fmt.Fprintf(&b, "%g,%g,%s\n", float64(c)+rng.NormFloat64(), rng.NormFloat64(), []string{"no", "yes"}[c])
	}
	csvPath := writeTestFile(t, dir, "bin.csv", b.String())
	text := fmt.Sprintf(`data: {train: %s, target: label, validation: 0.3}
model: {layers: [{units: 3, activation: tanh}, {units: 1, activation: logistic}], loss: binary_cross_entropy}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 8, epochs: 5, seed: 3}
`, q(csvPath))
	load := func(ov []config.Override) (*config.Config, error) {
		return config.Parse([]byte(text), filepath.Join(dir, "bin.yaml"), ov, noEnvironment)
	}
	s, err := Plan(load, nil, []Grid{{"train.learning_rate", []string{"0.0001", "0.01", "0.1"}}}, filepath.Join(dir, "sw"))
	if err != nil {
		t.Fatal(err)
	}
	s.By = "val_roc_auc"
	rep, err := s.Run(t.Context(), Options{Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.By != "val_roc_auc" || rep.Best == nil {
		t.Fatalf("by %q, best %v; want val_roc_auc and a best point", rep.By, rep.Best)
	}
	best := -1
	for i, p := range rep.Points {
		if p.ValROCAUC == nil || p.TrainROCAUC == nil || p.ValPRAUC == nil || p.TrainPRAUC == nil {
			t.Fatalf("point %d lacks roc_auc or pr_auc: %+v", i, p)
		}
		if best < 0 || *p.ValROCAUC > *rep.Points[best].ValROCAUC {
			best = i
		}
	}
	if *rep.Best != best {
		t.Errorf("best %d, want %d (the highest val_roc_auc)", *rep.Best, best)
	}
	for _, name := range []string{"sweep.csv", "sweep.png", "sweep.json"} {
		if _, err := os.Stat(filepath.Join(rep.Dir, name)); err != nil {
			t.Error(err)
		}
	}
	if got := readSweepJSON(t, rep.Dir); !strings.Contains(got, `"by": "val_roc_auc"`) || !strings.Contains(got, `"val_pr_auc": `) {
		t.Errorf("sweep.json lacks by val_roc_auc or val_pr_auc:\n%s", got)
	}

	reg, err := Plan(sweepTestLoader(t, dir, ""), nil, []Grid{{"train.seed", []string{"1", "2"}}}, filepath.Join(dir, "reg"))
	if err != nil {
		t.Fatal(err)
	}
	reg.By = "val_pr_auc"
	var ie *inputerr.Error
	if _, err := reg.Run(t.Context(), Options{}); !errors.As(err, &ie) || ie.Key != "--by pr_auc" || !strings.Contains(err.Error(), "a regression has no pr_auc") {
		t.Errorf("a regression swept by pr_auc: %v, want an input error naming --by pr_auc", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "reg")); err == nil {
		t.Error("a refused sweep made its folder")
	}
}

// TestSweepRunByRegression picks a regression's best point by r2 (the
// highest) and by mae (the lowest), and refuses r2 for a classifier.
func TestSweepRunByRegression(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, by := range []string{"val_r2", "val_mae"} {
		s, err := Plan(sweepTestLoader(t, dir, ""), nil, []Grid{{"train.learning_rate", []string{"0.0001", "0.01", "0.1"}}}, filepath.Join(dir, by))
		if err != nil {
			t.Fatal(err)
		}
		s.By = by
		rep, err := s.Run(t.Context(), Options{Jobs: 1})
		if err != nil {
			t.Fatal(err)
		}
		best := -1
		for i, p := range rep.Points {
			if p.ValR2 == nil || p.TrainR2 == nil || p.ValMSE == nil || p.ValMAE == nil || p.TrainMAE == nil || p.ValAccuracy != nil {
				t.Fatalf("point %d: want r2, mse and mae and no accuracy: %+v", i, p)
			}
			if v, b := p.value(by), 0.0; best >= 0 {
				b = rep.Points[best].value(by)
				if (by == "val_r2" && v > b) || (by == "val_mae" && v < b) {
					best = i
				}
			} else {
				best = i
			}
		}
		if rep.Best == nil || *rep.Best != best {
			t.Errorf("--by %s: best %v, want %d", by, rep.Best, best)
		}
		if got := readSweepJSON(t, rep.Dir); !strings.Contains(got, `"val_r2": `) || !strings.Contains(got, `"train_mae": `) {
			t.Errorf("sweep.json lacks val_r2 or train_mae:\n%s", got)
		}
	}
}
