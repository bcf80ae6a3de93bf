package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/runset"
	"github.com/mlptrain/mlptrain/internal/sweep"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

type sweepOptions struct {
	cf     *configFlags
	grids  []string
	ranges []string
	random int
	by     string
	jobs   int
	out    string
	json   bool
	quiet  bool
	mem    memoryFlag
	shard  string
	shards int
}

// MaxRandom is the largest --random N.
const MaxRandom = sweep.MaxPoints

func newSweepCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &sweepOptions{}
	cmd := &cobra.Command{
		Use:   "sweep CONFIG [--grid KEY=V1,V2,...]... [--random N --range KEY=SPEC...] [--shard K/N]",
		Short: "Train one run per point of a hyperparameter grid or random search and pick the best by validation loss or --by METRIC",
		Long: `sweep chooses a hyperparameter with a validation set. It trains one run of
CONFIG per point of the Cartesian product of the --grid flags (each KEY a
config key as --set takes it), scores every run on its training and
validation sets, and names the point with the lowest validation loss (the
first of equals) as the best; --by accuracy, roc_auc or pr_auc (classifiers)
picks the point with the highest validation accuracy, ROC AUC or average
precision instead (a point whose validation set has one class has no roc_auc
and cannot be picked by it), --by r2 the highest validation R², and --by mse
or mae the lowest validation MSE or MAE (regressions).

Keys include a layer's by index, model.layers.0.units or
model.layers.1.activation, and model.depth (the number of hidden layers: the
last hidden layer is repeated, or layers dropped from the end, before the
output layer) and model.width (every hidden layer's units), so widths and
depths can be searched: --grid model.depth=1,2,3 --grid model.width=8,32.

--random N --range KEY=SPEC draws N random points for the --range keys
(repeatable), each SPEC one of log:A:B (log-uniform, 0 < A < B), lin:A:B
(uniform), int:A:B (a whole number from A to B, both included) and
choice:a|b|c; drawn numbers keep 4 significant digits. The draws come from
the config's seed (train.seed, or --seed) on a stream of their own, so the
same command draws the same points. With --grid too, every grid point is
combined with the same N draws: N times the grid's points in all.

Points are numbered in the order of nested loops over the grids as given: the
first grid varies slowest, then the draws in the order drawn. Each point is a
whole fit with the same seed and writes its usual run folder,
DIR/<index>_<key=value,...>. DIR is --out, or
runs/<config name>-sweep; the config file's output.dir is not used, and
--set output.dir or MLPTRAIN_OUTPUT_DIR is an error. DIR also gets
sweep.csv and sweep.json (the table; sweep.json is what --json prints) and,
when exactly one numeric key is swept, sweep.png: validation and training
loss (or the --by metric) against that key, the best point ringed; with
exactly two numeric keys, sweep.png is a heat map of the validation loss (or
the --by metric) over the two, with log axes for log: ranges and for values
spanning two decades or more, and the best point ringed: cells for a grid,
coloured markers for random points.

DIR holds one sweep: it must be new, empty or an earlier sweep's folder
(anything else, such as a fit's run folder, is refused). An earlier sweep's
point folders that this one lacks are removed once it has trained, and a
second sweep into DIR while one runs is refused.

The config must have validation data (data.validation a fraction > 0 or a
CSV): picking by training loss would favour the most flexible model, the one
that overfits best. The losses are those of the model each run keeps, so with
early stopping they are the best epoch's.

--jobs N trains N points at once. Each point's result does not depend on
--jobs. train.threads sets GOMAXPROCS, which is process-wide, so with
--jobs > 1 a positive train.threads is an error: keep --jobs 1, or set
train.threads=0.

--shard K/N trains only the points i with i mod N = K (K from 0, as
SLURM_ARRAY_TASK_ID of sbatch --array=0-2 counts), so that N processes on one
machine or many share the sweep and its folder DIR; --shard auto reads K and N
from a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a
Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N). Each shard
records its points in DIR/.mlptrain/shard-K-of-N.json and writes no
sweep.json: "mlptrain sweep collect DIR" merges the shards into the files one
process would write. A shard run again resumes (its finished points are kept).
Every shard must be given the same command apart from --shard. See
docs/scale.md.

A diverged point is recorded (stopped "diverged", losses null) and the sweep
goes on. On Ctrl-C the running points stop after their current step
("interrupted") and the rest are not started ("not_run"); the table and files
record them. Exit status: 0 when at least one point finished, 2 for a bad
config, --grid or --range (before any training), 3 when every point
diverged, 130/143 when interrupted. Progress goes to stderr, one line per
point (--quiet silences it); the table or, with --json, the report to
stdout.`,
		Example: `  mlptrain sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --set train.epochs=200
  mlptrain sweep configs/iris.yaml --grid train.l2=0,0.001,0.01 --grid train.batch_size=8,32 --jobs 4
  mlptrain sweep configs/iris.yaml --grid train.learning_rate=0.01,0.05,0.2 --by roc_auc
  mlptrain sweep configs/sine.yaml --grid model.depth=1,2,3 --grid model.width=4,16,64 --by r2
  mlptrain sweep configs/sine.yaml --random 20 --range train.learning_rate=log:1e-4:1e-1 --range model.layers.0.units=int:4:64
  mlptrain sweep configs/sine.yaml --grid train.seed=1,2,3 --json --quiet | jq '.points[.best].params'
  mlptrain sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --out runs/lr --shard auto   # in sbatch --array=0-2
  mlptrain sweep collect runs/lr`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSweep(cmd, args[0], o, stdout, stderr)
		},
	}
	o.cf = addConfigFlags(cmd, map[string][2]string{
		"epochs": {"train.epochs", "number of epochs `N` of every point (train.epochs)"},
		"seed":   {"train.seed", "random seed `N` of every point (train.seed)"},
	})
	f := cmd.Flags()
	f.StringArrayVar(&o.grids, "grid", nil, "sweep a config key over values: `KEY=V1,V2,...` (repeatable; the product is swept)")
	f.StringArrayVar(&o.ranges, "range", nil, "draw a config key for --random: `KEY=SPEC`, SPEC log:A:B, lin:A:B, int:A:B or choice:a|b|c (repeatable)")
	intFlag(cmd, &o.random, "random", 0, 0, MaxRandom, "draw `N` random points from the --range keys (for each --grid point)", "draw some points, e.g. --random 20")
	f.StringVar(&o.by, "by", "loss", "pick the best point by this validation `METRIC`: loss (lowest), accuracy, roc_auc, pr_auc (highest; classifiers), r2 (highest), mse, mae (lowest; regressions)")
	intFlag(cmd, &o.jobs, "jobs", 1, 0, math.MaxInt, "train `N` points at once (0: one per core)", "use 0 for one point per core, or 1 for one at a time")
	f.StringVar(&o.out, "out", "", "sweep folder `DIR` (default runs/<config name>-sweep)")
	f.BoolVar(&o.json, "json", false, "print the JSON report instead of the table")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress on stderr")
	f.StringVar(&o.shard, "shard", "", "run only shard `K/N` of the points (point i when i mod N = K, K from 0), or auto: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX")
	intFlag(cmd, &o.shards, "shards", 0, 0, runset.MaxShards, "the number of shards `N` for --shard auto in a Kubernetes Indexed Job (its completions)", "give the Job's completions, e.g. --shards 3")
	o.mem.add(cmd)
	cmd.AddCommand(newSweepCollectCmd(stdout, stderr))
	return cmd
}

func runSweep(cmd *cobra.Command, path string, o *sweepOptions, stdout, stderr io.Writer) error {
	ov, err := manyRunsOverrides(cmd, o.cf, o.out, "the sweep", "point", "the sweep's folder")
	if err != nil {
		return err
	}
	shard, err := parseShard(cmd, o.shard, o.shards)
	if err != nil {
		return err
	}
	search, err := sweep.ParseSearch(o.grids, o.ranges, o.random, ov)
	if err != nil {
		return usageError{err: err}
	}
	by, err := sweep.ParseBy(o.by)
	if err != nil {
		return usageError{err: err}
	}
	load := func(ov []config.Override) (*config.Config, error) { return config.Load(path, ov) }
	sw, err := train.Interruptible(cmd.Context(), "reading the config", func() (*sweep.Sweep, error) { return sweep.PlanSearch(load, ov, search, o.out) })
	if err != nil {
		return err
	}
	sw.By = by
	if err := sw.CheckBy(); err != nil {
		return usageError{err: err}
	}

	jobs, err := sw.Jobs(o.jobs)
	if err != nil {
		return err
	}
	so := sweep.Options{Jobs: jobs}
	so.MemoryLimit = o.mem.resolve()
	if !o.quiet {
		if shard != nil {
			own := (len(sw.Points) + shard.N - 1 - shard.K) / shard.N
			fmt.Fprintf(stderr, "sweep of %s over %s: %s (%s): %d of %d points, %s → %s\n", path, strings.Join(sw.Keys, ", "), shard, shard.From, own, len(sw.Points), jobsText(jobs), sw.Dir)
		} else {
			fmt.Fprintf(stderr, "sweep of %s over %s: %d points, %s → %s\n", path, strings.Join(sw.Keys, ", "), len(sw.Points), jobsText(jobs), sw.Dir)
		}
		warned := map[string]bool{}
		so.Done = func(r *sweep.Result, finished, total int) {
			for _, w := range r.Warnings {
				if !warned[w] {
					warned[w] = true
					fmt.Fprintf(stderr, "mlptrain: warning: %s\n", w)
				}
			}
			fmt.Fprintf(stderr, "[%d/%d] #%d %s: %s\n", finished, total, r.Index, r.Params, pointOutcome(r))
		}
	}
	var rep *sweep.Report
	if shard != nil {
		rep, err = sw.RunShard(cmd.Context(), so, *shard)
	} else {
		rep, err = sw.Run(cmd.Context(), so)
	}
	if rep == nil {
		return err
	}
	if o.json {
		if werr := train.WriteJSON(stdout, rep); werr != nil {
			return werr
		}
	} else {
		printSweepTable(stdout, rep)
	}
	return err
}

// jobsText says how many points train at once.
func jobsText(jobs int) string {
	if jobs == 1 {
		return "one at a time"
	}
	return strconv.Itoa(jobs) + " at a time"
}

// pointOutcome is a progress line's account of a finished point.
func pointOutcome(r *sweep.Result) string {
	s := fmt.Sprintf("%s after %d epochs in %.1fs", r.Stopped, r.EpochsRun, r.Seconds)
	if r.Finished() {
		s += "  train_loss " + fmtMetric(float64(r.TrainLoss)) + "  val_loss " + fmtMetric(float64(r.ValLoss))
		for _, m := range []struct {
			name string
			v    *jsonnum.Float
		}{{"val_accuracy", r.ValAccuracy}, {"val_roc_auc", r.ValROCAUC}, {"val_pr_auc", r.ValPRAUC}} {
			if m.v != nil {
				s += "  " + m.name + " " + fmtMetric(float64(*m.v))
			}
		}
	}
	return s
}

// printSweepTable prints the sweep's table, the best point and the files.
func printSweepTable(w io.Writer, rep *sweep.Report) {
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	head := append([]string{"#"}, rep.Keys...)
	head = append(head, "stopped", "epochs", "train_loss", "val_loss")
	if rep.Classes {
		head = append(head, "train_acc", "val_acc")
	}
	// The --by metric, if not one of those.
	byCol := rep.By != sweep.By && rep.By != "val_accuracy"
	if byCol {
		head = append(head, rep.By)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	opt := func(f *jsonnum.Float) string {
		if f == nil {
			return "-"
		}
		return fmtMetric(float64(*f))
	}
	for _, p := range rep.Points {
		row := []string{strconv.Itoa(p.Index)}
		for _, pa := range p.Params {
			row = append(row, pa.Text)
		}
		row = append(row, p.Stopped, strconv.Itoa(p.EpochsRun), lossText(p.TrainLoss), lossText(p.ValLoss))
		if rep.Classes {
			row = append(row, opt(p.TrainAccuracy), opt(p.ValAccuracy))
		}
		if byCol {
			_, v := byValue(&p, rep.By)
			row = append(row, v)
		}
		mark := ""
		if rep.Best != nil && *rep.Best == p.Index {
			mark = "<- best"
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t"+mark)
	}
	tw.Flush()
	for line := range strings.Lines(tb.String()) {
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
	what, _ := byValue(nil, rep.By)
	if rep.Best != nil {
		var b sweep.Result
		for _, p := range rep.Points {
			if p.Index == *rep.Best {
				b = p
			}
		}
		_, v := byValue(&b, rep.By)
		fmt.Fprintf(w, "best by %s: #%d %s (%s %s)\n", what, b.Index, b.Params, rep.By, v)
	} else {
		why := "no point finished"
		if rep.By != sweep.By {
			why = "no finished point has one"
		}
		fmt.Fprintf(w, "best by %s: none (%s)\n", what, why)
	}
	fmt.Fprintf(w, "sweep folder: %s\n", rep.Dir)
	if rep.Shard != nil {
		fmt.Fprintf(w, "shard %d of %d: its points only; when every shard has run: mlptrain sweep collect %s\n", rep.Shard.K, rep.Shard.N, rep.Dir)
	}
}

// byValue names the measure of column by ("validation roc_auc") and
// formats p's value of it ("-" when it has none; p may be nil).
func byValue(p *sweep.Result, by string) (name, value string) {
	name = "validation " + strings.TrimPrefix(by, "val_")
	if p == nil {
		return name, ""
	}
	var f *jsonnum.Float
	switch by {
	case "val_accuracy":
		f = p.ValAccuracy
	case "val_roc_auc":
		f = p.ValROCAUC
	case "val_pr_auc":
		f = p.ValPRAUC
	case "val_r2":
		f = p.ValR2
	case "val_mse":
		f = p.ValMSE
	case "val_mae":
		f = p.ValMAE
	default:
		return name, lossText(p.ValLoss)
	}
	if f == nil {
		return name, "-"
	}
	return name, lossText(*f)
}

// lossText formats a loss, or "-" when it is missing.
func lossText(v jsonnum.Float) string {
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		return "-"
	}
	return fmtMetric(float64(v))
}

func newSweepCollectCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &collectOptions{}
	cmd := &cobra.Command{
		Use:   "collect DIR",
		Short: "Merge the shards of a sweep (sweep --shard K/N) into sweep.json, sweep.csv and sweep.png",
		Long: `collect merges the shards of a sweep that ran as separate processes (sweep
--shard K/N, or --shard auto in a Slurm job array or a Kubernetes Indexed Job)
into the sweep's folder DIR, their shared --out. It writes exactly the files
one process would have written, sweep.csv, sweep.png and sweep.json (which
names the points' folders as the shards' --out did), and prints the table, or
with --json the report.

It reads each shard's manifest (DIR/.mlptrain/shard-K-of-N.json) and refuses,
with exit status 2, a folder without shards (not a sweep's folder, or an
unsharded sweep's) and shards of two different sweeps (another config,
--set, grid, range, seed or number of shards), naming both manifests and what
differs.

A point without a result (its shard has not run, is still running, was
interrupted, or failed) is recorded as its shard left it (not_run,
interrupted) and listed on stderr; the best point is the best of the others.
Exit status: 0 when every point has a result (finished or diverged), 4 when
some are missing (run their shards again, which resumes them, then collect
again; --allow-missing exits 0), 3 when every point diverged, 2 for a folder
it cannot merge.`,
		Example: `  mlptrain sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --out runs/lr --shard 0/2
  mlptrain sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --out runs/lr --shard 1/2
  mlptrain sweep collect runs/lr
  mlptrain sweep collect runs/lr --json --quiet | jq '.points[.best].params'`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSweepCollect(args[0], o, stdout, stderr)
		},
	}
	o.add(cmd, "points")
	return cmd
}

func runSweepCollect(dir string, o *collectOptions, stdout, stderr io.Writer) error {
	rep, info, err := sweep.Collect(dir)
	if err != nil {
		return err
	}
	if !o.quiet {
		var lines []string
		for _, m := range info.Missing {
			lines = append(lines, fmt.Sprintf("#%d %s: %s", m.Index, m.Params, m.Why))
		}
		warnMissing(stderr, lines, "points")
	}
	if o.json {
		if err := train.WriteJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		printSweepTable(stdout, rep)
	}
	switch {
	case len(info.Missing) > 0 && !o.allowMissing:
		return missingError(len(info.Missing), "points", dir)
	case len(info.Missing) == 0 && rep.Best == nil && len(rep.Points) > 0:
		return &sweep.DivergedError{Points: len(rep.Points)}
	}
	return nil
}
