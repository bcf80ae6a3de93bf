package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

type evalOptions struct {
	gates     gateFlags
	json      bool
	delimiter string
}

// delimiterRune checks a --delimiter flag for the file at path: one
// character, or a tab written as \t or tab, as data.delimiter takes it.
// Empty means by the file's name: a tab for .tsv or .tsv.gz, else 0, the
// reader's default (',').
func delimiterRune(s, path string) (rune, error) {
	if s == "" {
		if d := data.PathDelimiter(path); d == '\t' {
			return d, nil
		}
		return 0, nil
	}
	r := []rune(config.DelimiterText(s))
	if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
		return 0, usagef("--delimiter %q: want one character, such as , or ; or \\t (a tab)", s)
	}
	return r[0], nil
}

func newEvalCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &evalOptions{}
	cmd := &cobra.Command{
		Use:   "eval MODEL DATA",
		Short: "Score a saved model on a CSV file with the target column",
		Long: `eval applies MODEL (a run folder's model.json) to DATA, a CSV file with the
model's feature columns and its target column, and prints the loss and, for
classification, the accuracy, the confusion matrix (rows: true class, columns:
predicted), each class's precision, recall and F1, and the ROC AUC and average
precision (roc_auc, pr_auc: binary, of the second class; else the macro
one-vs-rest average); for regression the MSE, MAE and R². Exit status 4 when a
--fail-under/--fail-over gate is missed (a roc_auc or pr_auc gate also when
DATA holds one class only, where they are undefined).`,
		Example: `  mlptrain eval runs/iris/model.json datasets/iris.csv
  mlptrain eval runs/iris/model.json datasets/iris.csv --json --fail-under accuracy=0.9
  mlptrain eval runs/xor/model.json datasets/xor.csv --fail-under roc_auc=0.9`,
		Args: exactArgs(2),
		RunE: interruptible("evaluating", func(cmd *cobra.Command, args []string) error {
			gates, err := o.gates.parse()
			if err != nil {
				return err
			}
			s, ds, err := loadModelData(args[0], args[1], o.delimiter, true, warnings(cmd, stderr))
			if err != nil {
				return err
			}
			if err := gatesApply(gates, s.Classes != nil); err != nil {
				return err
			}
			m, err := train.Score(s.Model, ds, s.Classes)
			if err != nil {
				return err
			}
			if o.json {
				err = train.WriteJSON(stdout, struct {
					Schema int    `json:"schema"`
					Model  string `json:"model"`
					Data   string `json:"data"`
					train.Metrics
				}{1, args[0], args[1], m})
			} else {
				err = printMetrics(stdout, args[0], args[1], &m)
			}
			if err != nil {
				return err
			}
			return checkGates(gates, &m, "eval")
		}),
	}
	o.gates.add(cmd, "on DATA")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the metrics as JSON")
	cmd.Flags().StringVar(&o.delimiter, "delimiter", "", "CSV field separator of DATA: one character, or \\t for a tab (default: the one the model was trained with, or a tab for .tsv)")
	addWarningsQuietFlag(cmd)
	return cmd
}

// loadModelData loads a saved model and reads a CSV file for it, with or
// without its target column. It warns on stderr, once, of rows left out
// (their target missing) and of categories the model does not know.
func loadModelData(model, path, delimiter string, needTarget bool, stderr io.Writer) (*train.Saved, *data.Dataset, error) {
	delim, err := delimiterRune(delimiter, path)
	if err != nil {
		return nil, nil, err
	}
	s, err := train.LoadModel(model)
	if err != nil {
		return nil, nil, err
	}
	ds, err := s.Read(path, delim, needTarget)
	if err != nil {
		return nil, nil, err
	}
	for _, w := range train.DataWarnings(ds, s.Encoding) {
		fmt.Fprintf(stderr, "mlptrain: warning: %s\n", w)
	}
	return s, ds, nil
}

func printMetrics(w io.Writer, model, data string, m *train.Metrics) error {
	fmt.Fprintf(w, "%s on %s: n=%d\nloss %.6g", model, data, m.N, float64(m.Loss))
	if m.Accuracy == nil {
		_, err := fmt.Fprintf(w, "  mse %.6g  mae %.6g  r2 %.6f\n", float64(*m.MSE), float64(*m.MAE), float64(*m.R2))
		return err
	}
	fmt.Fprintf(w, "  accuracy %.4f", float64(*m.Accuracy))
	if m.ROCAUC != nil {
		fmt.Fprintf(w, "  roc_auc %.4f", float64(*m.ROCAUC))
	}
	if m.PRAUC != nil {
		fmt.Fprintf(w, "  pr_auc %.4f", float64(*m.PRAUC))
	}
	fmt.Fprint(w, "\n\nconfusion matrix (rows: true class, columns: predicted)\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, c := range m.Classes {
		fmt.Fprintf(tw, "%s\t", c)
	}
	fmt.Fprintln(tw)
	for i, row := range m.ConfusionMatrix {
		fmt.Fprintf(tw, "%s\t", m.Classes[i])
		for _, v := range row {
			fmt.Fprintf(tw, "%d\t", v)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "class\tprecision\trecall\tf1\tsupport\t")
	for _, c := range m.PerClass {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%d\t\n", c.Class, float64(c.Precision), float64(c.Recall), float64(c.F1), c.Support)
	}
	return tw.Flush()
}
