package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"
)

type predictOptions struct {
	out       string
	delimiter string
}

func newPredictCmd(stdout, _ io.Writer) *cobra.Command {
	o := &predictOptions{}
	cmd := &cobra.Command{
		Use:   "predict MODEL DATA",
		Short: "Write predictions for a CSV file",
		Long: `predict applies MODEL (a run folder's model.json) to every row of DATA, a CSV
file with the model's feature columns (the target column may be absent), and
writes a CSV with a header and one row per input row, in order: for
classification the predicted class (predicted_TARGET) and each class's
probability (prob_CLASS); for regression the predicted values
(predicted_TARGET). To stdout, or to OUT with -o: a file is written whole or not at all (a
symbolic link is followed to the file it names); a device such as /dev/null
or a FIFO is written through; a folder is refused.`,
		Example: `  mlptrain predict runs/iris/model.json datasets/iris.csv
  mlptrain predict runs/iris/model.json new.csv -o predictions.csv`,
		Args: exactArgs(2),
		RunE: interruptible("predicting", func(cmd *cobra.Command, args []string) error {
			s, ds, err := loadModelData(args[0], args[1], o.delimiter, false)
			if err != nil {
				return err
			}
			y, _ := train.Forward(s.Model, ds.X, nil)
			write := func(w io.Writer) error { return writePredictions(w, s, y) }
			if o.out == "" {
				return write(stdout)
			}
			// A full disk, a missing folder, a folder given as OUT: bad
			// input, not a bug.
			var fe *atomicfile.Error
			if err := atomicfile.Write(o.out, write); errors.As(err, &fe) {
				return &inputerr.Error{File: o.out, Err: fmt.Errorf("cannot write the predictions: %w", fe.Err), Hint: fe.Hint()}
			} else if err != nil {
				return err
			}
			return nil
		}),
	}
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "write the CSV to this file instead of stdout")
	cmd.Flags().StringVar(&o.delimiter, "delimiter", "", "CSV field separator of DATA: one character, or \\t for a tab (default: a tab for .tsv, else ,)")
	addQuietFlag(cmd)
	return cmd
}

func writePredictions(w io.Writer, s *train.Saved, y *mat.Dense) error {
	n, k := y.Dims()
	var header []string
	if s.Classes != nil {
		header = append(header, "predicted_"+s.Targets[0])
		for _, c := range s.Classes {
			header = append(header, "prob_"+c)
		}
	} else {
		for _, t := range s.Targets {
			header = append(header, "predicted_"+t)
		}
	}
	row := make([]string, len(header))
	cw := csv.NewWriter(w)
	cw.Write(header)
	for i := range n {
		p := y.RawRowView(i)
		switch {
		case s.Classes != nil && k == 1: // one logistic unit: P(second class)
			row[0] = s.Classes[train.PredictClass(y, i)]
			row[1], row[2] = train.FormatFloat(1-p[0]), train.FormatFloat(p[0])
		case s.Classes != nil:
			row[0] = s.Classes[train.PredictClass(y, i)]
			for j, v := range p {
				row[1+j] = train.FormatFloat(v)
			}
		default:
			for j, v := range p {
				row[j] = train.FormatFloat(v)
			}
		}
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	return nil
}
