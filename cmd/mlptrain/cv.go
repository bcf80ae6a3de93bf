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
	"github.com/mlptrain/mlptrain/internal/cv"
	"github.com/mlptrain/mlptrain/internal/jsonnum"
	"github.com/mlptrain/mlptrain/internal/runset"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

type cvOptions struct {
	cf     *configFlags
	folds  int
	jobs   int
	out    string
	json   bool
	quiet  bool
	mem    memoryFlag
	shard  string
	shards int
}

func newCVCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &cvOptions{}
	cmd := &cobra.Command{
		Use:   "cv CONFIG --folds K [--shard K/N]",
		Short: "K-fold cross-validation: train one run per fold and report each validation metric's mean ± std",
		Long: `cv estimates how well CONFIG's model generalizes, and how much that varies,
by K-fold cross-validation of its training file (data.train). The rows are
dealt into K folds; fold i's run trains on the other K-1 folds and validates
on fold i. Each fold's run is a whole fit with the config's seed, in its
usual run folder DIR/fold_<i> (i from 0): its encoding, normalization and
feature map are fitted on its training rows only. The config's
data.validation is not used (the fold replaces it; each fold's config.yaml
still shows it); its data.test, if any, is scored by every fold's model.

Folds are stratified for a classifier: each class's rows are shuffled and
dealt round-robin to folds 0, 1, ..., K-1, 0, ..., the count running on from
one class to the next (classes in the model's order), so each fold holds
floor(m/K) or ceil(m/K) of a class of m rows. A regression's rows are
shuffled and dealt the same way as one group. The shuffles draw from stream
5 of the seed (train.seed, --seed), so the folds depend on the seed, K and
the file only. --folds (default 5) must be from 2 to the number of rows, and
for a classifier at most the rows of its smallest class.

The result, on stdout: a table of each fold's validation metrics (loss,
accuracy, macro_f1, roc_auc, pr_auc for a classifier; loss, mse, mae, r2 for
a regression), then each metric's mean ± sample standard deviation over the
folds, and the test metrics' likewise. --json prints cv.json instead:
{"schema": 1, "folds": K, "<metric>": {"mean", "std", "values": [...]}, ...,
"runs": [fold folders], "stopped", "epochs_run", "best_epoch", "n" (per
fold), "test": {...} or null}. A fold that did not finish has null values,
and the mean and std are of the folds that have a value.

DIR is --out, or runs/<config name>-cv (as a sweep's is runs/<config
name>-sweep); the config's output.dir is not used, and --set output.dir or
MLPTRAIN_OUTPUT_DIR is an error. DIR also gets cv.json and cv.png (each
fold's validation loss by epoch). DIR holds one cross-validation: it must be
new, empty or an earlier cv's folder; an earlier cv's fold folders that this
one lacks are removed, and a second cv into DIR while one runs is refused. A
cv folder is not a run folder: fit --out DIR refuses it.

--jobs N trains N folds at once; each fold's result does not depend on
--jobs. With --jobs > 1 a positive train.threads is an error (it sets
GOMAXPROCS, which is process-wide).

--shard K/N trains only the folds i with i mod N = K (K from 0), so that N
processes share the cv and its folder; --shard auto reads K and N from a
Slurm job array or a Kubernetes Indexed Job (with --shards N). The shards
write no cv.json: "mlptrain cv collect DIR" merges them into the files one
process would write. See docs/scale.md.

Exit status: 0 when every fold finished, 2 for a bad config or --folds
(before any training), 3 when a fold diverged (cv.json records it; the means
are of the other folds), 130/143 when interrupted (running folds stop after
their current step, the rest are "not_run"; the files record them).
Progress goes to stderr, one line per fold (--quiet silences it).`,
		Example: `  mlptrain cv configs/iris.yaml --folds 5
  mlptrain cv configs/iris.yaml --folds 10 --jobs 4 --seed 7
  mlptrain cv configs/sine.yaml --folds 5 --set train.epochs=100 --json --quiet | jq '.r2'
  mlptrain cv configs/iris.yaml --folds 5 --out runs/iris-cv5 --set train.l2=0.001`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCV(cmd, args[0], o, stdout, stderr)
		},
	}
	o.cf = addConfigFlags(cmd, map[string][2]string{
		"epochs": {"train.epochs", "number of epochs `N` of every fold (train.epochs)"},
		"seed":   {"train.seed", "random seed `N` of the folds and of every fold's run (train.seed)"},
	})
	f := cmd.Flags()
	intFlag(cmd, &o.folds, "folds", 5, 2, math.MaxInt, "the number of folds `K` (at least 2)", "use --folds 5 or 10")
	intFlag(cmd, &o.jobs, "jobs", 1, 0, math.MaxInt, "train `N` folds at once (0: one per core)", "use 0 for one fold per core, or 1 for one at a time")
	f.StringVar(&o.out, "out", "", "cv folder `DIR` (default runs/<config name>-cv)")
	f.BoolVar(&o.json, "json", false, "print cv.json instead of the table")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress on stderr")
	f.StringVar(&o.shard, "shard", "", "run only shard `K/N` of the folds (fold i when i mod N = K, K from 0), or auto: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX")
	intFlag(cmd, &o.shards, "shards", 0, 0, runset.MaxShards, "the number of shards `N` for --shard auto in a Kubernetes Indexed Job (its completions)", "give the Job's completions, e.g. --shards 3")
	o.mem.add(cmd)
	cmd.AddCommand(newCVCollectCmd(stdout, stderr))
	return cmd
}

func runCV(cmd *cobra.Command, path string, o *cvOptions, stdout, stderr io.Writer) error {
	ov, err := manyRunsOverrides(cmd, o.cf, o.out, "cv", "fold", "the cv folder")
	if err != nil {
		return err
	}
	shard, err := parseShard(cmd, o.shard, o.shards)
	if err != nil {
		return err
	}
	limit := o.mem.resolve()
	load := func(ov []config.Override) (*config.Config, error) { return config.Load(path, ov) }
	c, err := train.Interruptible(cmd.Context(), "reading the data", func() (*cv.CV, error) { return cv.Plan(load, ov, o.folds, o.out, *limit) })
	if err != nil {
		return err
	}
	jobs, err := c.Jobs(o.jobs)
	if err != nil {
		return err
	}
	co := cv.Options{Jobs: jobs, MemoryLimit: limit}
	if !o.quiet {
		how := "plain folds"
		if c.Classify {
			how = "stratified"
		}
		if shard != nil {
			fmt.Fprintf(stderr, "cv of %s: %s (%s): %d of %d folds of %d rows (%s, seed %d), %s → %s\n", path, shard, shard.From,
				(c.K+shard.N-1-shard.K)/shard.N, c.K, c.N, how, c.Seed, jobsText(jobs), c.Dir)
		} else {
			fmt.Fprintf(stderr, "cv of %s: %d folds of %d rows (%s, seed %d), %s → %s\n", path, c.K, c.N, how, c.Seed, jobsText(jobs), c.Dir)
		}
		if v := c.Folds[0].Config.Data.Validation; v != "" && v != "0" {
			fmt.Fprintf(stderr, "mlptrain: note: data.validation (%s) is not used: each fold validates on its own rows\n", v)
		}
		warned := map[string]bool{}
		co.Done = func(r *cv.Result, finished, total int) {
			for _, w := range r.Warnings {
				if !warned[w] {
					warned[w] = true
					fmt.Fprintf(stderr, "mlptrain: warning: %s\n", w)
				}
			}
			fmt.Fprintf(stderr, "[%d/%d] fold %d: %s\n", finished, total, r.Index, foldOutcome(r))
		}
	}
	var rep *cv.Report
	if shard != nil {
		rep, err = c.RunShard(cmd.Context(), co, *shard)
	} else {
		rep, err = c.Run(cmd.Context(), co)
	}
	if rep == nil {
		return err
	}
	if o.json {
		if werr := train.WriteJSON(stdout, rep); werr != nil {
			return werr
		}
	} else {
		printCVTable(stdout, rep)
		if shard != nil {
			fmt.Fprintf(stdout, "%s: its folds only; when every shard has run: mlptrain cv collect %s\n", shard, rep.Dir)
		}
	}
	return err
}

func newCVCollectCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &collectOptions{}
	cmd := &cobra.Command{
		Use:   "collect DIR",
		Short: "Merge the shards of a cross-validation (cv --shard K/N) into cv.json and cv.png",
		Long: `collect merges the shards of a cross-validation that ran as separate
processes (cv --shard K/N, or --shard auto in a Slurm job array or a
Kubernetes Indexed Job) into the cv folder DIR, their shared --out. It writes
exactly the cv.json and cv.png one process would have written, and prints the
table, or with --json cv.json.

It refuses, with exit status 2, a folder without shards (not a cv's folder,
or an unsharded cv's) and shards of two different cross-validations (another
config, --set, --folds, seed or number of shards), naming both manifests and
what differs.

A fold without a result (its shard has not run, is still running, was
interrupted, or failed) is recorded as its shard left it and listed on
stderr; the means are of the other folds. Exit status: 0 when every fold has
a result, 4 when some are missing (run their shards again, then collect
again; --allow-missing exits 0), 3 when a fold diverged, 2 for a folder it
cannot merge.`,
		Example: `  mlptrain cv configs/iris.yaml --folds 4 --out runs/iris-cv --shard 0/2
  mlptrain cv configs/iris.yaml --folds 4 --out runs/iris-cv --shard 1/2
  mlptrain cv collect runs/iris-cv`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCVCollect(args[0], o, stdout, stderr)
		},
	}
	o.add(cmd, "folds")
	return cmd
}

func runCVCollect(dir string, o *collectOptions, stdout, stderr io.Writer) error {
	rep, info, err := cv.Collect(dir)
	if err != nil {
		return err
	}
	if !o.quiet {
		var lines []string
		for _, m := range info.Missing {
			lines = append(lines, fmt.Sprintf("fold %d: %s", m.Index, m.Why))
		}
		warnMissing(stderr, lines, "folds")
	}
	if o.json {
		if err := train.WriteJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		printCVTable(stdout, rep)
	}
	if len(info.Missing) > 0 && !o.allowMissing {
		return missingError(len(info.Missing), "folds", dir)
	}
	var diverged []int
	for i, s := range rep.Stopped {
		if s == "diverged" {
			diverged = append(diverged, i)
		}
	}
	if diverged != nil {
		return &cv.DivergedError{Folds: diverged}
	}
	return nil
}

// foldOutcome is a progress line's account of a finished fold.
func foldOutcome(r *cv.Result) string {
	s := fmt.Sprintf("%s after %d epochs in %.1fs", r.Stopped, r.EpochsRun, r.Seconds)
	if m := r.Validation; m != nil {
		s += "  val_loss " + fmtMetric(float64(m.Loss))
		for _, name := range []string{"accuracy", "r2"} {
			if v, ok := m.Value(name); ok {
				s += "  val_" + name + " " + fmtMetric(v)
			}
		}
	}
	return s
}

// printCVTable prints each fold's validation metrics, then each metric's
// mean ± std over the folds, and the test metrics' likewise.
func printCVTable(w io.Writer, rep *cv.Report) {
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	head := []string{"fold", "stopped", "epochs", "n"}
	for _, m := range rep.Validation {
		head = append(head, m.Name)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for i := range rep.Runs {
		row := []string{strconv.Itoa(i), rep.Stopped[i], strconv.Itoa(rep.EpochsRun[i]), strconv.Itoa(rep.N[i])}
		for _, m := range rep.Validation {
			row = append(row, statText(m.Values[i]))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	for line := range strings.Lines(tb.String()) {
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
	summary := func(what string, ms cv.Metrics) {
		fmt.Fprintf(w, "%s, mean ± std over %d folds:\n", what, rep.Folds)
		width := 0
		for _, m := range ms {
			width = max(width, len(m.Name))
		}
		for _, m := range ms {
			fmt.Fprintf(w, "  %-*s  %s ± %s\n", width, m.Name, statText(m.Mean), statText(m.Std))
		}
	}
	summary("validation", rep.Validation)
	if rep.Test != nil {
		summary("test (each fold's model)", rep.Test)
	}
	fmt.Fprintf(w, "cv folder: %s\n", rep.Dir)
}

// statText formats a metric, or "-" when it is missing.
func statText(v jsonnum.Float) string {
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		return "-"
	}
	return fmtMetric(float64(v))
}
