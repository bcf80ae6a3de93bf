package sweep

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/plot"
	"github.com/mlptrain/mlptrain/internal/runset"
	"github.com/mlptrain/mlptrain/internal/train"
)

// MaxPoints is the largest number of points a sweep may have.
const MaxPoints = 10_000

// StopNotRun is the state of a sweep point that an interruption kept from
// starting, beside a fit's Stopped values.
const StopNotRun = "not_run"

// By is the default measure by which a sweep picks its best point, the
// validation loss (lowest best); ParseBy gives the others.
const By = "val_loss"

// byMetrics maps the names --by takes (the metric names of a fit's
// report) to the validation column a sweep picks its best point by.
var byMetrics = map[string]string{
	"loss": "val_loss", "val_loss": "val_loss",
	"accuracy": "val_accuracy", "val_accuracy": "val_accuracy",
	"roc_auc": "val_roc_auc", "val_roc_auc": "val_roc_auc",
	"pr_auc": "val_pr_auc", "val_pr_auc": "val_pr_auc",
	"r2": "val_r2", "val_r2": "val_r2",
	"mse": "val_mse", "val_mse": "val_mse",
	"mae": "val_mae", "val_mae": "val_mae",
}

// regressionOnly reports whether column by exists for regressions only.
func regressionOnly(by string) bool { return by == "val_r2" || by == "val_mse" || by == "val_mae" }

// LowerBetter reports whether the lowest value of column by (ParseBy; ""
// is By) is the best: the losses, mse and mae; for the others the
// highest is.
func LowerBetter(by string) bool { return by == "" || by == By || by == "val_mse" || by == "val_mae" }

// ParseBy returns the column of sweep.csv that --by metric names:
// val_loss for loss (the lowest is best), val_accuracy for accuracy,
// val_roc_auc for roc_auc and val_pr_auc for pr_auc (the highest is
// best; classifiers), val_r2 for r2 (the highest is best), val_mse for
// mse and val_mae for mae (the lowest is best; regressions); the column's
// own name is taken too. It returns an
// *inputerr.Error naming --by for any other name.
func ParseBy(metric string) (string, error) {
	if c, ok := byMetrics[strings.TrimSpace(metric)]; ok {
		return c, nil
	}
	return "", &inputerr.Error{Key: "--by", Err: fmt.Errorf("unknown metric %q", metric),
		Hint: "pick by loss (the default), accuracy, roc_auc or pr_auc (classifiers), or r2, mse or mae (regressions), each on the validation set"}
}

// classifierOnly reports whether column by exists for classifiers only.
func classifierOnly(by string) bool { return by != "" && by != By && !regressionOnly(by) }

// Grid is one swept key with its values, as --grid KEY=V1,V2,... gives
// them. Values are kept as text; config loading parses them by the key's
// type.
type Grid struct {
	Key    string
	Values []string
}

// gridError is a malformed --grid.
func gridError(spec, hint, format string, args ...any) error {
	return &inputerr.Error{Key: "--grid " + spec, Err: fmt.Errorf(format, args...), Hint: hint}
}

// ParseGrid parses one --grid KEY=V1,V2,... Space around the key and the
// values is dropped. It returns an *inputerr.Error naming the flag when
// there is no "=", the key is empty, a value is empty, or a value is given
// twice.
func ParseGrid(spec string) (Grid, error) {
	k, vs, ok := strings.Cut(spec, "=")
	k = config.CanonKey(k)
	const example = "write KEY=V1,V2,..., e.g. --grid train.learning_rate=0.001,0.01,0.1"
	if !ok || k == "" {
		return Grid{}, gridError(spec, example, "want KEY=V1,V2,...")
	}
	if strings.TrimSpace(vs) == "" {
		return Grid{}, gridError(spec, example, "no values for %s", k)
	}
	g := Grid{Key: k}
	seen := map[string]bool{}
	for v := range strings.SplitSeq(vs, ",") {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			return Grid{}, gridError(spec, "separate values with single commas, as in 1,3,9", "empty value in the list of %s", k)
		case seen[v]:
			return Grid{}, gridError(spec, "give each value once", "value %q is given twice", v)
		}
		seen[v] = true
		g.Values = append(g.Values, v)
	}
	return g, nil
}

// ParseGrids parses every --grid and checks the keys: none may be given by
// two grids, by one of fixed (the keys that other flags such as --set
// set), be output.dir (each point has its own folder), or be a list
// (data.target, data.features), whose own commas would be ambiguous. It
// does not check that a key exists or that its values fit; loading the
// config does. Errors are *inputerr.Error values naming the flag.
func ParseGrids(specs []string, fixed []config.Override) ([]Grid, error) {
	s, err := ParseSearch(specs, nil, 0, fixed)
	return s.Grids, err
}

// Product returns the points of the grids' Cartesian product, each as one
// value per grid, in the order of nested loops over the grids as given:
// the first grid's key varies slowest, the last one's fastest. With no
// grids it returns one empty point.
func Product(grids []Grid) [][]string {
	points := [][]string{{}}
	for _, g := range grids {
		next := make([][]string, 0, len(points)*len(g.Values))
		for _, p := range points {
			for _, v := range g.Values {
				next = append(next, append(p[:len(p):len(p)], v))
			}
		}
		points = next
	}
	return points
}

// Param is one key's value at a sweep point: as the user wrote it, and as
// the config holds it (a float64, int, uint64, bool or string).
type Param struct {
	Key   string
	Text  string
	Value any
}

// Params are a point's values in the order of the grids. They encode as
// a JSON object in that order, numbers as numbers.
type Params []Param

// MarshalJSON encodes ps as an object in order.
func (ps Params) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(p.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(p.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// String returns "key=value,key=value" with the values as written.
func (ps Params) String() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Key + "=" + p.Text
	}
	return strings.Join(parts, ",")
}

// Point is one planned run of a sweep.
type Point struct {
	Index  int
	Params Params
	Dir    string // the run folder, under the sweep's folder
	Config *config.Config
}

// Sweep is a planned sweep: one resolved config per point of the grids'
// product, each writing its run folder under Dir.
type Sweep struct {
	File string // the config file, for the report
	Name string // the config's name, for titles
	Dir  string
	// By is the column of sweep.csv whose best value picks the best
	// point (ParseBy); "" means By, the validation loss.
	By     string
	Keys   []string
	Points []Point
	// Search is what was swept: the grids, and the ranges of the drawn
	// points.
	Search Search
	// Seed is the config's seed, which drew the random points.
	Seed uint64
	// ConfigSum is the SHA-256 of the resolved config (config.YAML) that
	// every point varies, for shards to check that they run one sweep.
	ConfigSum string
}

// Loader resolves the config with the given overrides, as config.Load
// does for a config file.
type Loader func(overrides []config.Override) (*config.Config, error)

// DefaultDir returns the sweep folder used when none is given:
// runs/<config name>-sweep.
func DefaultDir(cfg *config.Config) string {
	return filepath.Join("runs", cfg.Name+"-sweep")
}

// Plan is PlanSearch of the grids alone.
func Plan(load Loader, overrides []config.Override, grids []Grid, dir string) (*Sweep, error) {
	return PlanSearch(load, overrides, Search{Grids: grids}, dir)
}

// PlanSearch resolves one config per point of the search (Search.Points,
// drawn with the seed of the config as overrides leave it): load with the
// overrides, then the point's values, then output.dir set to the point's
// folder dir/<index>_<key=value,...>. Every grid value, and every drawn
// value, is first loaded on its own, so that a bad key or value is
// reported naming its --grid or --range flag; a range of fractions (log,
// lin) for a whole-number key is refused. Every point must have
// validation data, since the sweep picks its best point by validation
// loss. Errors are *inputerr.Error values; no training happens here.
func PlanSearch(load Loader, overrides []config.Override, search Search, dir string) (*Sweep, error) {
	n := search.size()
	if n < 0 {
		what := "the grids have"
		if len(search.Ranges) > 0 {
			what = "the search has"
		}
		key := "--grid"
		if len(search.Ranges) > 0 {
			key = "--random"
		}
		return nil, &inputerr.Error{Key: key, Err: fmt.Errorf("%s more than %d points", what, MaxPoints), Hint: "sweep fewer values at a time"}
	}
	base, err := load(overrides)
	if err != nil {
		return nil, err
	}
	if dir == "" {
		dir = DefaultDir(base)
	}
	s := &Sweep{File: base.File, Name: base.Name, Dir: dir, Search: search, Keys: search.Keys(), Seed: base.Train.Seed}
	if y, err := base.YAML(); err == nil {
		sum := sha256.Sum256(y)
		s.ConfigSum = hex.EncodeToString(sum[:])
	}
	one := func(key, v, flag string) error {
		ov := append(overrides[:len(overrides):len(overrides)], config.Override{Key: key, Value: v, Source: "--grid"})
		if _, err := load(ov); err != nil {
			return renameGridFlag(err, flag)
		}
		return nil
	}
	for _, g := range search.Grids {
		for _, v := range g.Values {
			if err := one(g.Key, v, "--grid "+g.Key+"="+v); err != nil {
				return nil, err
			}
		}
	}
	points := search.Points(base.Train.Seed)
	ng := len(search.Grids)
	for j, r := range search.Ranges {
		if v, ok := base.Value(r.Key); ok && (r.Kind == RangeLog || r.Kind == RangeLin) && isWhole(v) {
			return nil, rangeError(r.Spec, fmt.Sprintf("use int:%g:%g", math.Ceil(r.Lo), math.Floor(r.Hi)),
				"%s is a whole number, but %s draws fractions", r.Key, r.Kind)
		}
		tried := map[string]bool{}
		for _, p := range points {
			if v := p[ng+j]; !tried[v] {
				tried[v] = true
				if err := one(r.Key, v, "--range "+r.Spec); err != nil {
					return nil, err
				}
			}
		}
	}
	width := len(strconv.Itoa(n - 1))
	for i, values := range points {
		ov := overrides[:len(overrides):len(overrides)]
		ps := make(Params, len(values))
		for j, v := range values {
			ps[j] = Param{Key: s.Keys[j], Text: v}
			ov = append(ov, config.Override{Key: s.Keys[j], Value: v, Source: "--grid"})
		}
		pdir := filepath.Join(dir, fmt.Sprintf("%0*d_%s", width, i, sanitize(ps.String())))
		ov = append(ov, config.Override{Key: "output.dir", Value: pdir, Source: "--out"})
		cfg, err := load(ov)
		if err != nil {
			return nil, renameGridFlag(err, "--grid point "+ps.String())
		}
		if err := needValidation(cfg, ps); err != nil {
			return nil, err
		}
		for j := range ps {
			if v, ok := cfg.Value(ps[j].Key); ok {
				ps[j].Value = v
			} else {
				ps[j].Value = ps[j].Text
			}
		}
		s.Points = append(s.Points, Point{Index: i, Params: ps, Dir: pdir, Config: cfg})
	}
	return s, nil
}

// isWhole reports whether v is an int or uint.
func isWhole(v any) bool {
	r := reflect.ValueOf(v)
	return r.CanInt() || r.CanUint()
}

// renameGridFlag replaces the flag name "--grid" in an input error with
// the fuller name, such as "--grid train.epochs=ten".
func renameGridFlag(err error, name string) error {
	var ie *inputerr.Error
	if errors.As(err, &ie) && ie.Key == "--grid" {
		c := *ie
		c.Key = name
		return &c
	}
	return err
}

// needValidation returns an error unless cfg has validation data.
func needValidation(cfg *config.Config, ps Params) error {
	d := cfg.Data
	frac, isFrac := d.ValidationFraction()
	if (isFrac && frac > 0) || (!isFrac && d.Validation != "") {
		return nil
	}
	what := "the config has no validation data (data.validation is " + strconv.Quote(d.Validation) + ")"
	for _, p := range ps {
		if p.Key == "data.validation" {
			what = "point " + ps.String() + " has no validation data"
		}
	}
	return &inputerr.Error{File: cfg.File, Key: "data.validation",
		Err:  fmt.Errorf("a sweep picks its best point by validation loss, but %s; picking by training loss would reward the most flexible model, which overfits best", what),
		Hint: "hold out a fraction, e.g. --set data.validation=0.2, or name a validation CSV"}
}

// sanitize keeps s usable as a folder name on any system: letters, digits
// and . _ - = , + are kept, anything else becomes _, and it is cut to 100
// bytes.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._-=,+", c) >= 0
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) > 100 {
		b = b[:100]
	}
	return string(b)
}

// isNumber reports whether v is an int, uint or float.
func isNumber(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// toFloat returns the number v as a float64.
func toFloat(v any) float64 {
	r := reflect.ValueOf(v)
	switch {
	case r.CanInt():
		return float64(r.Int())
	case r.CanUint():
		return float64(r.Uint())
	case r.CanFloat():
		return r.Float()
	}
	return math.NaN()
}

// Result is the outcome of one sweep point, as sweep.json records it.
// Losses, accuracies, ROC AUCs and average precisions (pr_auc) are those
// of the model the point's model.json holds, scored on the training and
// validation sets; they are null unless the point finished (completed or
// stopped early), and roc_auc and pr_auc also where undefined (a set of
// one class). Accuracies, roc_auc and pr_auc are present for
// classification only, r2, mse and mae (over all targets; r2 their mean)
// for regression only.
type Result struct {
	Index         int            `json:"index"`
	Params        Params         `json:"params"`
	Dir           string         `json:"dir"`
	TrainLoss     jsonnum.Float  `json:"train_loss"`
	ValLoss       jsonnum.Float  `json:"val_loss"`
	TrainAccuracy *jsonnum.Float `json:"train_accuracy,omitempty"`
	ValAccuracy   *jsonnum.Float `json:"val_accuracy,omitempty"`
	TrainROCAUC   *jsonnum.Float `json:"train_roc_auc,omitempty"`
	ValROCAUC     *jsonnum.Float `json:"val_roc_auc,omitempty"`
	TrainPRAUC    *jsonnum.Float `json:"train_pr_auc,omitempty"`
	ValPRAUC      *jsonnum.Float `json:"val_pr_auc,omitempty"`
	TrainR2       *jsonnum.Float `json:"train_r2,omitempty"`
	ValR2         *jsonnum.Float `json:"val_r2,omitempty"`
	TrainMSE      *jsonnum.Float `json:"train_mse,omitempty"`
	ValMSE        *jsonnum.Float `json:"val_mse,omitempty"`
	TrainMAE      *jsonnum.Float `json:"train_mae,omitempty"`
	ValMAE        *jsonnum.Float `json:"val_mae,omitempty"`
	Stopped       string         `json:"stopped"`
	EpochsRun     int            `json:"epochs_run"`
	BestEpoch     int            `json:"best_epoch"`

	// Seconds is the point's wall time, for progress only: sweep.json
	// leaves it out so that it is the same for any --jobs.
	Seconds float64 `json:"-"`
	// Err is the divergence error of a diverged point.
	Err error `json:"-"`
	// Warnings are the point's data warnings, for stderr.
	Warnings []string `json:"-"`
}

// Finished reports whether the point trained to the end or stopped early,
// so that its losses count.
func (r *Result) Finished() bool {
	return r.Stopped == train.StopCompleted || r.Stopped == train.StopEarlyStopping
}

// Report is sweep.json, and what sweep --json prints. Best is the
// index of the finished point with the best value of the column By (the
// lowest validation loss, or the highest validation accuracy, roc_auc or
// pr_auc; the first of equals), or null when no point has one.
type Report struct {
	Schema int      `json:"schema"`
	Config string   `json:"config"`
	Dir    string   `json:"dir"`
	Keys   []string `json:"keys"`
	Points []Result `json:"points"`
	Best   *int     `json:"best"`
	By     string   `json:"by"`
	// Random is the number of points drawn from Ranges (each KEY=SPEC as
	// --range gave it) for each point of the grids; both are left out of
	// a sweep of grids alone.
	Random int      `json:"random,omitempty"`
	Ranges []string `json:"ranges,omitempty"`
	// Shard is the shard whose points alone the report holds (sweep
	// --shard); left out of a whole sweep's report.
	Shard   *ShardInfo `json:"shard,omitempty"`
	Classes bool       `json:"-"` // whether the points are classifiers
}

// BestPoint returns the index of the finished point with the best finite
// value of column by (ParseBy; "" is By): the lowest validation loss, or
// the highest validation accuracy, roc_auc or pr_auc; the first one of
// equals, or -1 when there is none.
func BestPoint(points []Result, by string) int {
	best, bv := -1, 0.0
	for i := range points {
		p := &points[i]
		v := p.value(by)
		if !p.Finished() || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if !LowerBetter(by) {
			v = -v // higher is better
		}
		if best < 0 || v < bv {
			best, bv = i, v
		}
	}
	return best
}

// value returns the point's value of column by (ParseBy; "" is By), or
// NaN where it has none.
func (r *Result) value(by string) float64 {
	var f *jsonnum.Float
	switch by {
	case "", By:
		return float64(r.ValLoss)
	case "val_accuracy":
		f = r.ValAccuracy
	case "val_roc_auc":
		f = r.ValROCAUC
	case "val_pr_auc":
		f = r.ValPRAUC
	case "val_r2":
		f = r.ValR2
	case "val_mse":
		f = r.ValMSE
	case "val_mae":
		f = r.ValMAE
	}
	if f == nil {
		return math.NaN()
	}
	return float64(*f)
}

// CheckBy returns an *inputerr.Error naming --by when the sweep picks its
// best point by a classifier's metric (accuracy, roc_auc, pr_auc) and a
// point is a regression, or by a regression's (r2, mse, mae) and a point
// is a classifier. Run calls it first.
func (s *Sweep) CheckBy() error {
	if regressionOnly(s.By) {
		for _, p := range s.Points {
			if train.Classify(p.Config.Model.Loss) {
				m := strings.TrimPrefix(s.By, "val_")
				return &inputerr.Error{File: p.Config.File, Key: "--by " + m,
					Err:  fmt.Errorf("a classifier has no %s (its loss is %s)", m, p.Config.Model.Loss),
					Hint: "pick a classifier's best point by loss, accuracy, roc_auc or pr_auc"}
			}
		}
	}
	if !classifierOnly(s.By) {
		return nil
	}
	for _, p := range s.Points {
		if !train.Classify(p.Config.Model.Loss) {
			m := strings.TrimPrefix(s.By, "val_")
			return &inputerr.Error{File: p.Config.File, Key: "--by " + m,
				Err:  fmt.Errorf("a regression has no %s (its loss is %s)", m, p.Config.Model.Loss),
				Hint: "pick a regression's best point by loss (leave out --by), r2, mse or mae"}
		}
	}
	return nil
}

// Options control Run.
type Options struct {
	// Jobs is the number of points trained at once; 0 means GOMAXPROCS.
	Jobs int
	// Started, if not nil, is called when a point starts training, and
	// Done when it has finished, with the number finished so far. Calls
	// come from one goroutine at a time.
	Started func(p *Point)
	Done    func(r *Result, finished, total int)
	// MemoryLimit, if not nil, bounds the memory of the points trained at
	// once, in place of train.DefaultMemoryLimit: each of the jobs gets an
	// equal share.
	MemoryLimit *train.MemoryLimit
}

// DivergedError says that every point of a sweep diverged.
type DivergedError struct{ Points int }

func (e *DivergedError) Error() string {
	return fmt.Sprintf("all %d points of the sweep diverged (training diverged at every point); sweep.json records them (hint: try smaller learning rates)", e.Points)
}

// Unwrap returns train.ErrDiverged.
func (e *DivergedError) Unwrap() error { return train.ErrDiverged }

// Run trains every point, o.Jobs at a time, and writes sweep.csv,
// sweep.json and, when exactly one numeric key is swept, sweep.png into
// the sweep's folder (with two numeric keys, sweep.png is a heat map). Each point is a whole fit (train.FitConfig) with its
// own config, seed and data, sharing nothing with the others, so its
// results do not depend on Jobs.
//
// The sweep's folder holds one sweep. Run refuses, with an
// *inputerr.Error naming the folder, one that holds anything but an
// earlier sweep (a fit's run folder, a project), and one that another
// sweep is writing (it locks the folder). It sets the earlier sweep's
// table aside while it trains and, once it has, removes the earlier
// sweep's point folders that it does not have, then writes its own
// table, sweep.json last: the folder never holds a sweep.json that lists
// other folders than its own. A sweep that fails before any point wrote
// its folder puts the earlier table back.
//
// A diverged point is recorded with null losses and does not stop the
// sweep; if every point diverges, Run returns the report with a
// *DivergedError. Cancelling ctx stops the running points after their
// current step (recorded as interrupted) and starts no more (not_run);
// Run then writes the files and returns the report with ctx's cause. Any
// other failure of a point stops the sweep and is returned without a
// report. With Jobs > 1, a point whose train.threads is positive is an
// error: it would set GOMAXPROCS, which is process-wide, under the other
// points' feet.
func (s *Sweep) Run(ctx context.Context, o Options) (*Report, error) {
	if err := s.CheckBy(); err != nil {
		return nil, err
	}
	jobs, err := s.Jobs(o.Jobs)
	if err != nil {
		return nil, err
	}
	f := s.folder()
	lock, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	stale, err := s.checkFolder(f)
	if err != nil {
		return nil, err
	}
	// An earlier sharded sweep's state: refused while a shard runs, else
	// replaced with the rest of that sweep.
	if err := f.DropShards(); err != nil {
		return nil, err
	}
	if err := f.SetAside(); err != nil {
		return nil, err
	}

	limit := runset.JobLimit(o.MemoryLimit, jobs)
	results := make([]Result, len(s.Points))
	for i, p := range s.Points {
		results[i] = Result{Index: p.Index, Params: p.Params, Dir: p.Dir, Stopped: StopNotRun,
			TrainLoss: jsonnum.Float(math.NaN()), ValLoss: jsonnum.Float(math.NaN())}
	}
	hooks := runset.Hooks{}
	if o.Started != nil {
		hooks.Started = func(i int) { o.Started(&s.Points[i]) }
	}
	if o.Done != nil {
		hooks.Done = func(i, finished int) { o.Done(&results[i], finished, len(s.Points)) }
	}
	fatal := runset.Each(ctx, jobs, len(s.Points), hooks, func(ctx context.Context, i int) error {
		p := &s.Points[i]
		r, err := runPoint(ctx, p, limit)
		if err != nil {
			return fmt.Errorf("sweep point %s: %w", p.Params, err)
		}
		results[i] = *r
		return nil
	})
	if fatal != nil {
		if !slices.ContainsFunc(results, func(r Result) bool { return r.Stopped != StopNotRun }) {
			f.Restore() // no point wrote its folder: the earlier sweep is whole
		}
		return nil, fatal
	}

	rep := s.report(results, len(s.Points) > 0 && train.Classify(s.Points[0].Config.Model.Loss))
	if err := removeStale(f, stale, results); err != nil {
		return nil, err
	}
	if err := s.write(rep); err != nil {
		return nil, err
	}
	f.DropPrevious()
	if ctx.Err() != nil {
		return rep, context.Cause(ctx)
	}
	if rep.Best == nil {
		return rep, &DivergedError{Points: len(results)}
	}
	return rep, nil
}

// report is the sweep's report of results (every point's, or a shard's),
// whose points are classifiers if classes.
func (s *Sweep) report(results []Result, classes bool) *Report {
	rep := &Report{Schema: 1, Config: s.File, Dir: s.Dir, Keys: s.Keys, Points: results, By: s.by(), Classes: classes}
	if len(s.Search.Ranges) > 0 {
		rep.Random = s.Search.Random
		for _, r := range s.Search.Ranges {
			rep.Ranges = append(rep.Ranges, r.Spec)
		}
	}
	if b := BestPoint(results, rep.By); b >= 0 {
		rep.Best = &results[b].Index
	}
	return rep
}

// by returns s.By, or By when it is empty.
func (s *Sweep) by() string {
	if s.By == "" {
		return By
	}
	return s.By
}

// Jobs returns the number of points that Run trains at once for the
// option jobs (0 means GOMAXPROCS), at most the number of points. When that
// is more than one, a point with a positive train.threads is an error, an
// *inputerr.Error naming --jobs: Fit would set GOMAXPROCS, which is
// process-wide, under the other points' feet.
func (s *Sweep) Jobs(jobs int) (int, error) {
	return runset.Jobs(jobs, len(s.Points), func(i int) int { return s.Points[i].Config.Train.Threads }, "points")
}

// runPoint trains one point. It returns an error only for failures other
// than divergence and interruption.
func runPoint(ctx context.Context, p *Point, limit train.MemoryLimit) (*Result, error) {
	r := &Result{Index: p.Index, Params: p.Params, Dir: p.Dir,
		TrainLoss: jsonnum.Float(math.NaN()), ValLoss: jsonnum.Float(math.NaN())}
	classify := train.Classify(p.Config.Model.Loss)
	if classify {
		r.TrainAccuracy, r.ValAccuracy = jsonnum.Ptr(math.NaN()), jsonnum.Ptr(math.NaN())
		r.TrainROCAUC, r.ValROCAUC = jsonnum.Ptr(math.NaN()), jsonnum.Ptr(math.NaN())
		r.TrainPRAUC, r.ValPRAUC = jsonnum.Ptr(math.NaN()), jsonnum.Ptr(math.NaN())
	} else {
		r.TrainR2, r.ValR2 = jsonnum.Ptr(math.NaN()), jsonnum.Ptr(math.NaN())
		r.TrainMSE, r.ValMSE = jsonnum.Ptr(math.NaN()), jsonnum.Ptr(math.NaN())
		r.TrainMAE, r.ValMAE = jsonnum.Ptr(math.NaN()), jsonnum.Ptr(math.NaN())
	}
	start := time.Now()
	run, err := train.FitConfig(ctx, p.Config, train.FitOptions{Pictures: plot.Run, MemoryLimit: &limit})
	r.Seconds = time.Since(start).Seconds()
	if run == nil {
		if err == nil {
			err = errors.New("no result")
		}
		return nil, err
	}
	if err != nil && !train.IsDiverged(err) {
		return nil, err
	}
	rep := run.Report
	r.Stopped, r.EpochsRun, r.BestEpoch, r.Err, r.Warnings = rep.Stopped, rep.EpochsRun, rep.BestEpoch, err, run.Problem.Warnings
	if !r.Finished() {
		return r, nil
	}
	r.TrainLoss = rep.Train.Loss
	copyMetrics(rep.Train, r.TrainAccuracy, r.TrainROCAUC, r.TrainPRAUC, r.TrainR2, r.TrainMSE, r.TrainMAE)
	if rep.Validation != nil {
		r.ValLoss = rep.Validation.Loss
		copyMetrics(rep.Validation, r.ValAccuracy, r.ValROCAUC, r.ValPRAUC, r.ValR2, r.ValMSE, r.ValMAE)
	}
	return r, nil
}

// copyMetrics copies into acc, roc and pr (each nil for a regression,
// else NaN until set), and r2, mse and mae (nil for a classifier), the
// accuracy, ROC AUC, average precision, R², MSE and MAE of m that it has.
func copyMetrics(m *train.Metrics, acc, roc, pr, r2, mse, mae *jsonnum.Float) {
	for _, c := range []struct{ dst, src *jsonnum.Float }{{acc, m.Accuracy}, {roc, m.ROCAUC}, {pr, m.PRAUC}, {r2, m.R2}, {mse, m.MSE}, {mae, m.MAE}} {
		if c.dst != nil && c.src != nil {
			*c.dst = *c.src
		}
	}
}

// write writes sweep.csv, sweep.png for one or two numeric keys, and
// sweep.json.
func (s *Sweep) write(rep *Report) error {
	if err := atomicfile.Write(filepath.Join(s.Dir, "sweep.csv"), func(w io.Writer) error { return WriteCSV(w, rep) }); err != nil {
		return err
	}
	if err := s.plot(rep); err != nil {
		return err
	}
	// Last: sweep.json names the point folders, which are all in place.
	return atomicfile.Write(filepath.Join(s.Dir, "sweep.json"), func(w io.Writer) error { return train.WriteJSON(w, rep) })
}

// plot writes sweep.png when exactly one numeric key is swept, or the
// heat map of two.
func (s *Sweep) plot(rep *Report) error {
	png := filepath.Join(s.Dir, "sweep.png")
	if len(rep.Keys) == 2 && len(rep.Points) > 0 && isNumber(rep.Points[0].Params[0].Value) && isNumber(rep.Points[0].Params[1].Value) {
		return s.heat(png, rep)
	}
	if len(rep.Keys) != 1 || len(rep.Points) == 0 || !isNumber(rep.Points[0].Params[0].Value) {
		// No plot; drop one left by an earlier sweep into this folder.
		if err := os.Remove(png); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	// The measure that picks the best point: the loss, or the metric of
	// --by, of both sets.
	metric := "loss"
	if rep.By != "" && rep.By != By {
		metric = strings.TrimPrefix(rep.By, "val_")
	}
	n := len(rep.Points)
	xs, tr, va := make([]float64, n), make([]float64, n), make([]float64, n)
	for i, p := range rep.Points {
		xs[i] = toFloat(p.Params[0].Value)
		tr[i], va[i] = p.values(metric)
	}
	best := -1
	if rep.Best != nil {
		best = *rep.Best
	}
	missing := "diverged (no loss)"
	for _, p := range rep.Points {
		if p.Stopped == train.StopInterrupted || p.Stopped == StopNotRun {
			missing = "diverged or not finished (no loss)"
		}
	}
	if metric != "loss" {
		missing = "no " + metric + " (diverged, not finished or one class)"
	}
	return plot.Sweep(png, s.Name+" — "+metric+" against "+rep.Keys[0], rep.Keys[0], metric, xs, tr, va, best, missing)
}

// heat writes sweep.png, the heat map of the validation metric of rep.By
// over the two numeric keys. An axis is logarithmic for a log: range, and
// for a grid key whose values are positive and span a decade or more (so
// that 4,16,64 get cells of one size).
func (s *Sweep) heat(png string, rep *Report) error {
	n := len(rep.Points)
	xs, ys, vs := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range rep.Points {
		p := &rep.Points[i]
		xs[i], ys[i] = toFloat(p.Params[0].Value), toFloat(p.Params[1].Value)
		vs[i] = math.NaN()
		if p.Finished() {
			vs[i] = p.value(rep.By)
		}
	}
	logAxis := func(key string, v []float64) bool {
		if kind := s.Search.rangeKind(key); kind != "" {
			return kind == RangeLog
		}
		lo, hi := slices.Min(v), slices.Max(v)
		return lo > 0 && hi/lo >= sweepLogAxis
	}
	metric := "validation " + strings.TrimPrefix(rep.By, "val_")
	o := plot.HeatOptions{
		Title: s.Name + " — " + metric, XName: rep.Keys[0], YName: rep.Keys[1], Metric: metric,
		LogX: logAxis(rep.Keys[0], xs), LogY: logAxis(rep.Keys[1], ys),
		LowerBetter: LowerBetter(rep.By), Best: -1,
	}
	if rep.Best != nil {
		o.Best = *rep.Best
	}
	return plot.SweepHeat(png, xs, ys, vs, o)
}

// sweepLogAxis is the ratio max/min of a grid key's values, all positive,
// at and above which the heat map's axis is logarithmic: a decade.
const sweepLogAxis = 10

// values returns the point's training and validation metric (loss,
// accuracy, roc_auc or pr_auc), NaN where it has none.
func (r *Result) values(metric string) (train, val float64) {
	opt := func(f *jsonnum.Float) float64 {
		if f == nil {
			return math.NaN()
		}
		return float64(*f)
	}
	switch metric {
	case "accuracy":
		return opt(r.TrainAccuracy), opt(r.ValAccuracy)
	case "roc_auc":
		return opt(r.TrainROCAUC), opt(r.ValROCAUC)
	case "pr_auc":
		return opt(r.TrainPRAUC), opt(r.ValPRAUC)
	case "r2":
		return opt(r.TrainR2), opt(r.ValR2)
	case "mse":
		return opt(r.TrainMSE), opt(r.ValMSE)
	case "mae":
		return opt(r.TrainMAE), opt(r.ValMAE)
	}
	return float64(r.TrainLoss), float64(r.ValLoss)
}

// WriteCSV writes the sweep's table as CSV: index, one column per
// key, stopped, epochs_run, best_epoch, train_loss, val_loss,
// train_accuracy, val_accuracy, train_roc_auc, val_roc_auc,
// train_pr_auc, val_pr_auc (empty for regression and where there is no
// value), best (1 for the best point by rep.By, else 0), dir, then
// train_r2, val_r2, train_mse, val_mse, train_mae, val_mae (empty for
// classification and where there is no value), added after dir so that
// the columns before keep their places.
func WriteCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	header := append([]string{"index"}, rep.Keys...)
	header = append(header, "stopped", "epochs_run", "best_epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy",
		"train_roc_auc", "val_roc_auc", "train_pr_auc", "val_pr_auc", "best", "dir",
		"train_r2", "val_r2", "train_mse", "val_mse", "train_mae", "val_mae")
	if err := cw.Write(header); err != nil {
		return err
	}
	opt := func(f *jsonnum.Float) string {
		if f == nil {
			return ""
		}
		return cell(float64(*f))
	}
	for _, p := range rep.Points {
		row := []string{strconv.Itoa(p.Index)}
		for _, pa := range p.Params {
			row = append(row, pa.Text)
		}
		best := "0"
		if rep.Best != nil && *rep.Best == p.Index {
			best = "1"
		}
		row = append(row, p.Stopped, strconv.Itoa(p.EpochsRun), strconv.Itoa(p.BestEpoch),
			finiteCell(float64(p.TrainLoss)), finiteCell(float64(p.ValLoss)), opt(p.TrainAccuracy), opt(p.ValAccuracy),
			opt(p.TrainROCAUC), opt(p.ValROCAUC), opt(p.TrainPRAUC), opt(p.ValPRAUC), best, p.Dir,
			opt(p.TrainR2), opt(p.ValR2), opt(p.TrainMSE), opt(p.ValMSE), opt(p.TrainMAE), opt(p.ValMAE))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell formats v as metrics.csv does: empty for NaN.
func cell(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return train.FormatFloat(v)
}

// finiteCell is cell, but also empty for ±Inf.
func finiteCell(v float64) string {
	if math.IsInf(v, 0) {
		return ""
	}
	return cell(v)
}
