package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/plot"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"github.com/spf13/cobra"
)

// gateFlags are --fail-under and --fail-over.
type gateFlags struct{ under, over []string }

func (g *gateFlags) add(cmd *cobra.Command, on string) {
	cmd.Flags().StringArrayVar(&g.under, "fail-under", nil, "exit 4 if `METRIC=X` ("+on+") is below X: accuracy, r2, macro_f1, roc_auc, pr_auc (repeatable; roc_auc and pr_auc miss where undefined, on one class)")
	cmd.Flags().StringArrayVar(&g.over, "fail-over", nil, "exit 4 if `METRIC=X` ("+on+") is above X: loss, mse, mae (repeatable)")
}

func (g *gateFlags) parse() ([]train.Gate, error) {
	var gates []train.Gate
	for _, list := range []struct {
		vals  []string
		under bool
	}{{g.under, true}, {g.over, false}} {
		for _, s := range list.vals {
			gt, err := train.ParseGate(s, list.under)
			if err != nil {
				return nil, usageError{err: err}
			}
			gates = append(gates, gt)
		}
	}
	return gates, nil
}

// gatesApply refuses, before any work, a gate whose metric a model of that
// kind does not report (r2 of a classifier).
func gatesApply(gates []train.Gate, classify bool) error {
	for _, g := range gates {
		if err := g.Applies(classify); err != nil {
			return usageError{err: err}
		}
	}
	return nil
}

// check applies the gates to m, returning a gateError for the first miss.
func checkGates(gates []train.Gate, m *train.Metrics, set string) error {
	for _, g := range gates {
		if err := g.Check(m, set); errors.Is(err, train.ErrNoMetric) {
			return usageError{err: err}
		} else if err != nil {
			return gateError{err}
		}
	}
	return nil
}

type fitOptions struct {
	cf     *configFlags
	resume string
	gates  gateFlags
	mem    memoryFlag
	json   bool
	quiet  bool
	every  int
}

func newFitCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &fitOptions{}
	cmd := &cobra.Command{
		Use:   "fit CONFIG",
		Short: "Train the model a config describes and write its run folder",
		Long: `fit reads CONFIG (YAML), trains its model on its CSV data by gradient descent,
and writes the run folder (output.dir, or --out): model.json, metrics.csv,
loss.png and loss.svg (with the best epoch marked), config.yaml (the resolved
config), report.json, checkpoint.json, lr.png (the learning rate by epoch,
with a train.schedule), roc.png and pr.png (the ROC and precision-recall
curves of the train, validation and test sets, for 2 classes), and
boundary.png (2 inputs, classification) or fit.png (1 input, regression).

Ctrl-C (or SIGTERM) stops after the current step, writes the run folder and
a checkpoint, and exits 130 (143; SIGHUP 129); a second one exits at once. --resume RUN_DIR
continues from the checkpoint and ends with the same model.json, byte for
byte, as a run never interrupted; train.epochs may be raised to train longer.

Progress goes to stderr (--quiet silences it), the summary or, with --json, the
report to stdout. Exit status: 0 success, 2 bad config or data, 3 training
diverged (the last finite weights are kept), 4 a quality gate missed.

` + vocab.Help(),
		Example: `  mlptrain fit configs/iris.yaml
  mlptrain fit configs/iris.yaml --epochs 50 --lr 0.1 --out runs/try --json
  mlptrain fit configs/iris.yaml --quiet --fail-under accuracy=0.9
  mlptrain fit configs/xor.yaml --quiet --fail-under roc_auc=0.9 --fail-under pr_auc=0.9
  mlptrain fit configs/iris.yaml --resume runs/iris`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFit(cmd, args[0], o, stdout, stderr)
		},
	}
	o.cf = addConfigFlags(cmd, map[string][2]string{
		"out":        {"output.dir", "run folder `DIR` (output.dir)"},
		"epochs":     {"train.epochs", "number of epochs `N` (train.epochs)"},
		"seed":       {"train.seed", "random seed `N` (train.seed)"},
		"lr":         {"train.learning_rate", "learning rate `X` (train.learning_rate)"},
		"batch-size": {"train.batch_size", "minibatch size `N`, 0 for the full set (train.batch_size)"},
	})
	o.gates.add(cmd, "on validation, else train")
	o.mem.add(cmd)
	f := cmd.Flags()
	f.StringVar(&o.resume, "resume", "", "continue the interrupted run in `RUN_DIR` from its checkpoint.json")
	f.BoolVar(&o.json, "json", false, "print the JSON report instead of the summary")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress on stderr")
	intFlag(cmd, &o.every, "progress-every", 0, 0, math.MaxInt, "print progress every `N` epochs when stderr is not a terminal (0: about 20 lines)",
		"use 0 for about 20 lines, or N for a line every N epochs")
	return cmd
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func fmtMetric(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.4g", v)
}

// progress returns a reporter that prints a line every few epochs, or
// redraws one status line on a terminal.
func progress(w io.Writer, every int) func(train.EpochStats, int) {
	tty := isTerminal(w)
	start := time.Now()
	return func(s train.EpochStats, epochs int) {
		line := fmt.Sprintf("epoch %d/%d  train_loss %s  val_loss %s", s.Epoch, epochs, fmtMetric(s.TrainLoss), fmtMetric(s.ValLoss))
		if !math.IsNaN(s.ValAcc) {
			line += "  val_accuracy " + fmtMetric(s.ValAcc)
		} else if !math.IsNaN(s.TrainAcc) {
			line += "  train_accuracy " + fmtMetric(s.TrainAcc)
		}
		if tty {
			done := float64(s.Epoch) / float64(epochs)
			eta := time.Duration(float64(time.Since(start)) * (1 - done) / done).Round(time.Second)
			const width = 20
			bar := strings.Repeat("█", int(done*width)) + strings.Repeat("·", width-int(done*width))
			fmt.Fprintf(w, "\r\033[K%s %s  ETA %s", bar, line, eta)
			if s.Epoch == epochs {
				fmt.Fprintln(w)
			}
			return
		}
		n := every
		if n <= 0 {
			n = max(1, epochs/20)
		}
		if s.Epoch%n == 0 || s.Epoch == 1 || s.Epoch == epochs {
			fmt.Fprintln(w, line)
		}
	}
}

func runFit(cmd *cobra.Command, path string, o *fitOptions, stdout, stderr io.Writer) error {
	gates, err := o.gates.parse()
	if err != nil {
		return err
	}
	if o.resume != "" {
		if out := cmd.Flags().Lookup("out"); out.Changed && filepath.Clean(out.Value.String()) != filepath.Clean(o.resume) {
			return usagef("--resume %s and --out %s: a resumed run continues in its own folder", o.resume, out.Value.String())
		}
		o.cf.extra = append(o.cf.extra, config.Override{Key: "output.dir", Value: o.resume, Source: "--resume"})
	}
	cfg, err := o.cf.loadConfig(cmd, path)
	if err != nil {
		return err
	}
	if err := gatesApply(gates, train.Classify(cfg.Model.Loss)); err != nil {
		return err
	}
	fo := train.FitOptions{Pictures: plot.Run}
	fo.MemoryLimit = o.mem.resolve()
	if o.resume != "" {
		if fo.Resume, err = train.LoadCheckpoint(filepath.Join(o.resume, "checkpoint.json")); err != nil {
			return err
		}
	}
	if !o.quiet {
		fo.Progress = progress(stderr, o.every)
		fo.Prepared = func(p *train.Problem) {
			if p.ShowColumns() {
				train.WriteColumns(stderr, cfg.Data.Train, p.Train.Len()+valRows(p), p.Dropped, p.Columns, cfg.Data.Impute)
			}
		}
	}
	run, err := train.FitConfig(cmd.Context(), cfg, fo)
	if run == nil {
		return err
	}
	if !o.quiet {
		for _, w := range run.Problem.Warnings {
			fmt.Fprintf(stderr, "mlptrain: warning: %s\n", w)
		}
	}
	rep := run.Report
	if o.json {
		if werr := train.WriteJSON(stdout, rep); werr != nil {
			return werr
		}
	} else {
		printFitSummary(stdout, rep)
	}
	if err != nil {
		return err
	}
	if rep.Stopped == train.StopInterrupted {
		return context.Cause(cmd.Context())
	}
	m, set := rep.Train, "train"
	if rep.Validation != nil {
		m, set = rep.Validation, "validation"
	}
	return checkGates(gates, m, set)
}

// valRows is the number of rows the validation split took from the
// training file (0 for a validation file).
func valRows(p *train.Problem) int {
	if _, ok := p.Config.Data.ValidationFraction(); ok && p.Val != nil {
		return p.Val.Len()
	}
	return 0
}

func printFitSummary(w io.Writer, rep *train.Report) {
	fmt.Fprintf(w, "trained %d epochs (%s) in %.2fs; model.json holds the weights of epoch %d\n",
		rep.EpochsRun, rep.Stopped, rep.Seconds, rep.BestEpoch)
	for _, s := range []struct {
		name string
		m    *train.Metrics
	}{{"train", rep.Train}, {"validation", rep.Validation}, {"test", rep.Test}} {
		if s.m == nil {
			continue
		}
		fmt.Fprintf(w, "%-10s n=%-5d loss %s", s.name, s.m.N, fmtMetric(float64(s.m.Loss)))
		if s.m.Accuracy != nil {
			fmt.Fprintf(w, "  accuracy %.4f", float64(*s.m.Accuracy))
		}
		if s.m.ROCAUC != nil {
			fmt.Fprintf(w, "  roc_auc %.4f", float64(*s.m.ROCAUC))
		}
		if s.m.PRAUC != nil {
			fmt.Fprintf(w, "  pr_auc %.4f", float64(*s.m.PRAUC))
		}
		if s.m.R2 != nil {
			fmt.Fprintf(w, "  mse %.4g  mae %.4g  r2 %.4f", float64(*s.m.MSE), float64(*s.m.MAE), float64(*s.m.R2))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "run folder: %s\n", rep.Dir)
}
