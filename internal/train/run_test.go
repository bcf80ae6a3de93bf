package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/runfolder"
)

// readReport reads the run folder's report.json as generic JSON and as
// text.
func readReport(t *testing.T, dir string) (map[string]any, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report.json: %v\n%s", err, b)
	}
	return rep, string(b)
}

func TestFitConfigRunFolder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		csv        func(dir string) (train, test string) // test "" for none
		validation string
		model      string
		wantVal    int // rows in report.validation; 0 for null
	}{
		{"classification without validation", func(dir string) (string, string) {
			return writeTestFile(t, dir, "train.csv", blobsCSV(31, []int{15, 15}, 1)), ""
		}, "0", "{layers: [{units: 3, activation: tanh}, {activation: softmax}]}", 0},
		{"classification with validation and test", func(dir string) (string, string) {
			return writeTestFile(t, dir, "train.csv", blobsCSV(32, []int{20, 20, 20}, 1)),
				writeTestFile(t, dir, "test.csv", blobsCSV(33, []int{4, 5, 6}, 1))
		}, "0.25", "{layers: [{units: 3, activation: tanh}, {activation: softmax}]}", 15},
		{"regression with test", func(dir string) (string, string) {
			return writeTestFile(t, dir, "train.csv", regressionCSV(34, 30, 2, 0.1)),
				writeTestFile(t, dir, "test.csv", regressionCSV(35, 7, 2, 0.1))
		}, "0.2", "{layers: [{units: 3, activation: tanh}, {activation: identity}], loss: squared_error}", 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			train, test := tc.csv(dir)
			target := "class"
			if strings.Contains(tc.model, "squared_error") {
				target = "y"
			}
			out := filepath.Join(dir, "runs", "nested")
			const epochs = 6
			cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, test: %s, target: %s, validation: %s}
model: %s
train: {epochs: %d, batch_size: 8, seed: 7}
output: {dir: %s}
`, q(train), q(test), target, tc.validation, tc.model, epochs, q(out)))
			run, err := FitConfig(t.Context(), cfg, FitOptions{})
			if err != nil {
				t.Fatal(err)
			}

			// report.json
			rep, text := readReport(t, out)
			sum := WeightsSHA256(run.Result.Model)
			for key, want := range map[string]any{
				"schema": 1.0, "stopped": "completed", "epochs_run": float64(epochs), "best_epoch": float64(epochs),
				"seed": 7.0, "model": filepath.Join(out, "model.json"), "weights_sha256": sum,
			} {
				if rep[key] != want {
					t.Errorf("report.json %q = %v, want %v", key, rep[key], want)
				}
			}
			if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
				t.Errorf("weights_sha256 %q is not 64 hex digits", sum)
			}
			if _, ok := rep["seconds"].(float64); !ok {
				t.Errorf("report.json seconds = %v, want a number", rep["seconds"])
			}
			if tr, ok := rep["train"].(map[string]any); !ok || tr["n"] != float64(run.Problem.Train.Len()) {
				t.Errorf("report.json train = %v, want metrics over %d rows", rep["train"], run.Problem.Train.Len())
			}
			if tc.wantVal == 0 {
				if !strings.Contains(text, `"validation": null`) {
					t.Errorf("report.json has no \"validation\": null:\n%s", text)
				}
			} else if v, ok := rep["validation"].(map[string]any); !ok || v["n"] != float64(tc.wantVal) {
				t.Errorf("report.json validation = %v, want metrics over %d rows", rep["validation"], tc.wantVal)
			}
			if test == "" {
				if !strings.Contains(text, `"test": null`) || run.Report.Test != nil {
					t.Errorf("report.json has no \"test\": null:\n%s", text)
				}
			} else {
				n := strings.Count(mustRead(t, test), "\n") - 1
				if v, ok := rep["test"].(map[string]any); !ok || v["n"] != float64(n) || run.Report.Test == nil {
					t.Errorf("report.json test = %v, want metrics over %d rows", rep["test"], n)
				}
			}
			var buf bytes.Buffer
			if err := WriteJSON(&buf, run.Report); err != nil {
				t.Fatal(err)
			}
			if buf.String() != text {
				t.Errorf("report.json differs from the Report:\n%s\nwant\n%s", text, buf.String())
			}

			// model.json
			s, err := LoadModel(filepath.Join(out, "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			if WeightsSHA256(s.Model) != sum {
				t.Error("model.json holds other weights than weights_sha256 says")
			}

			// metrics.csv
			lines := strings.Split(strings.TrimSuffix(mustRead(t, filepath.Join(out, "metrics.csv")), "\n"), "\n")
			if lines[0] != "epoch,train_loss,val_loss,train_accuracy,val_accuracy,seconds" || len(lines) != 1+epochs {
				t.Errorf("metrics.csv has header %q and %d rows, want %d", lines[0], len(lines)-1, epochs)
			}
			for i, l := range lines[1:] {
				if !strings.HasPrefix(l, strconv.Itoa(i+1)+",") {
					t.Errorf("metrics.csv row %d = %q", i+1, l)
				}
			}

			// config.yaml: the resolved config, which parses back to itself.
			y := mustRead(t, filepath.Join(out, "config.yaml"))
			back, err := config.Parse([]byte(y), filepath.Join(out, "config.yaml"), nil, noEnvironment)
			if err != nil {
				t.Fatalf("config.yaml does not parse: %v\n%s", err, y)
			}
			if b2, _ := back.YAML(); string(b2) != y {
				t.Errorf("config.yaml parses to\n%s\nwant\n%s", b2, y)
			}
			if back.Train.Epochs != epochs || back.Train.Seed != 7 || back.Data.Train != train {
				t.Errorf("config.yaml has epochs %d, seed %d, train %q", back.Train.Epochs, back.Train.Seed, back.Data.Train)
			}

			// No temporary files are left behind.
			checkNoTemps(t, out)
		})
	}
}

// checkNoTemps fails unless the run folder dir holds no hidden file: no
// temporary file, and no .mlptrain, which a fit that ends well removes.
func checkNoTemps(t *testing.T, dir string) {
	t.Helper()
	for _, name := range dirNames(t, dir) {
		if strings.HasPrefix(name, ".") {
			t.Errorf("%s left in the run folder (holding %q)", name, dirNames(t, filepath.Join(dir, name)))
		}
	}
}

// dirNames lists the names in dir, sorted; none for a folder that does
// not exist.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFitConfigRefuses checks errors that come before training: the
// progress callback never runs and no run folder appears.
func TestFitConfigRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(36, []int{10, 10}, 1))
	blocker := writeTestFile(t, dir, "blocker", "a regular file\n")
	badTest := writeTestFile(t, dir, "test.csv", "x1,x2,class\n1,2,c0\n3,4,c7\n")
	for _, tc := range []struct {
		name, extra, out string
		file, key, want  string // the *inputerr.Error's File and Key, and a part of it
	}{
		{"output under a regular file", "", filepath.Join(blocker, "run"),
			filepath.Join(blocker, "run"), "output.dir", "cannot write the run folder"},
		{"test file with an unknown class", "test: " + q(badTest), filepath.Join(dir, "run2"),
			badTest, `column "class"`, `unknown class "c7"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: class, %s}
model: {layers: [{activation: softmax}]}
train: {epochs: 3}
output: {dir: %s}
`, q(train), tc.extra, q(tc.out)))
			trained := false
			run, err := FitConfig(t.Context(), cfg, FitOptions{Progress: func(EpochStats, int) { trained = true }})
			var e *inputerr.Error
			if !errors.As(err, &e) || run != nil {
				t.Fatalf("FitConfig = %v, %v (%T); want an *inputerr.Error", run, err, err)
			}
			if e.File != tc.file || e.Key != tc.key || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q at file %q key %q, want file %q key %q containing %q", err, e.File, e.Key, tc.file, tc.key, tc.want)
			}
			if trained {
				t.Error("FitConfig trained before refusing")
			}
			if _, err := os.Stat(tc.out); err == nil {
				t.Errorf("the run folder %s exists", tc.out)
			}
		})
	}
}

// TestFitConfigDiverged checks that a diverged run is written, with its
// error.
func TestFitConfigDiverged(t *testing.T) {
	t.Parallel()
	for _, precision := range []string{"float64", "float32"} {
		t.Run(precision, func(t *testing.T) { testFitConfigDiverged(t, precision) })
	}
}

func testFitConfigDiverged(t *testing.T, precision string) {
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", regressionCSV(37, 30, 1000, 1))
	out := filepath.Join(dir, "run")
	cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: y, validation: 0.2}
model: {layers: [{units: 4, activation: relu}, {activation: identity}], loss: squared_error}
train: {optimizer: gd, learning_rate: 1e6, epochs: 500, precision: %s}
output: {dir: %s}
`, q(train), precision, q(out)))
	run, err := FitConfig(t.Context(), cfg, FitOptions{})
	if !IsDiverged(err) || run == nil {
		t.Fatalf("FitConfig = %v, %v; want the run and a divergence error", run, err)
	}
	rep, _ := readReport(t, out)
	if rep["stopped"] != StopDiverged || rep["epochs_run"] != float64(len(run.Result.History)) {
		t.Errorf("report.json stopped %v after %v epochs, want diverged after %d", rep["stopped"], rep["epochs_run"], len(run.Result.History))
	}
	s, err := LoadModel(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatalf("the diverged run's model.json: %v", err)
	}
	if !allFinite(s.Model) || WeightsSHA256(s.Model) != rep["weights_sha256"] {
		t.Error("model.json does not hold the last finite weights")
	}
	if s.Model.Float32 != (precision == "float32") {
		t.Errorf("model.json of a %s run reads as Float32 = %v", precision, s.Model.Float32)
	}
	lines := strings.Count(mustRead(t, filepath.Join(out, "metrics.csv")), "\n")
	if lines != 1+len(run.Result.History) {
		t.Errorf("metrics.csv has %d lines, want %d", lines, 1+len(run.Result.History))
	}
}

// TestFitConfigReproducible runs one config twice into two folders: the
// same model.json bytes, and the same metrics.csv but for the seconds.
func TestFitConfigReproducible(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(38, []int{12, 14, 10}, 1.5))
	var models, metrics [2]string
	for i := range 2 {
		out := filepath.Join(dir, "run"+strconv.Itoa(i))
		cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0.25, feature_map: {polynomial: 2}}
model: {layers: [{units: 5, activation: relu}, {activation: softmax}]}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 5, epochs: 8, seed: 3}
output: {dir: %s}
`, q(train), q(out)))
		if _, err := FitConfig(t.Context(), cfg, FitOptions{}); err != nil {
			t.Fatal(err)
		}
		models[i] = mustRead(t, filepath.Join(out, "model.json"))
		lines := strings.Split(mustRead(t, filepath.Join(out, "metrics.csv")), "\n")
		for j, l := range lines {
			if k := strings.LastIndexByte(l, ','); k >= 0 {
				lines[j] = l[:k]
			}
		}
		metrics[i] = strings.Join(lines, "\n")
	}
	if models[0] != models[1] {
		t.Error("two runs of one config gave different model.json files")
	}
	if metrics[0] != metrics[1] {
		t.Errorf("two runs of one config gave different metrics:\n%s\n%s", metrics[0], metrics[1])
	}
}

// TestFitConfigPictures checks the Pictures hook: FitConfig calls it once,
// with the Run, after the run's other files are written into the staging
// folder that its config's output.dir then names; its error is
// FitConfig's, without the Run; and without it no picture is drawn.
func TestFitConfigPictures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := writeTestFile(t, dir, "train.csv", blobsCSV(39, []int{10, 10}, 1))
	errPictures := errors.New("no pictures today")
	for _, tc := range []struct {
		name string
		err  error // what Pictures returns; nil for no Pictures at all
	}{
		{"none", nil},
		{"failing", errPictures},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(dir, tc.name)
			cfg := parseTestConfig(t, dir, fmt.Sprintf(`data: {train: %s, target: class, validation: 0}
model: {layers: [{activation: softmax}]}
train: {epochs: 3}
output: {dir: %s}
`, q(train), q(out)))
			var o FitOptions
			calls := 0
			if tc.err != nil {
				o.Pictures = func(r *Run) error {
					calls++
					staging := r.Problem.Config.Output.Dir
					if r.Report.Dir != out || staging != filepath.Join(out, runfolder.MetaDir, runfolder.NextName) || len(r.Result.History) != 3 {
						t.Errorf("Pictures got run %+v in %s, want the run of %s in its staging folder", r.Report, staging, out)
					}
					for _, f := range []string{"model.json", "metrics.csv", "config.yaml", "report.json"} {
						if _, err := os.Stat(filepath.Join(staging, f)); err != nil {
							t.Errorf("when Pictures is called: %v", err)
						}
						if _, err := os.Stat(filepath.Join(out, f)); err == nil {
							t.Errorf("when Pictures is called, %s is already in the run folder", f)
						}
					}
					return tc.err
				}
			}
			run, err := FitConfig(t.Context(), cfg, o)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || run != nil || calls != 1 {
					t.Errorf("FitConfig = %v, %v after %d calls of Pictures; want no run, its error, 1 call", run, err, calls)
				}
				return
			}
			if err != nil || run == nil {
				t.Fatalf("FitConfig = %v, %v", run, err)
			}
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".png") || strings.HasSuffix(e.Name(), ".svg") {
					t.Errorf("%s drawn without Pictures", e.Name())
				}
			}
		})
	}
}
