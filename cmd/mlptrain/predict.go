package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/data"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"
)

type predictOptions struct {
	out       string
	delimiter string
	keep      []string
}

func newPredictCmd(stdout, stderr io.Writer) *cobra.Command {
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
or a FIFO is written through; a folder is refused.

--keep COL (repeatable) copies the column COL of DATA, such as an id, into the
output before the predictions, in the order given, with its header name and
each cell exactly as it is in DATA (a feature column may be kept too). DATA is
then read twice, so it must be a file, not a pipe.`,
		Example: `  mlptrain predict runs/iris/model.json datasets/iris.csv
  mlptrain predict runs/iris/model.json new.csv -o predictions.csv
  mlptrain predict runs/iris/model.json new.csv --keep id --keep species`,
		Args: exactArgs(2),
		RunE: interruptible("predicting", func(cmd *cobra.Command, args []string) error {
			s, ds, err := loadModelData(args[0], args[1], o.delimiter, false, warnings(cmd, stderr))
			if err != nil {
				return err
			}
			keep, err := keptColumns(args[1], o.delimiter, s.Delimiter(), o.keep, ds.Len())
			if err != nil {
				return err
			}
			y, _ := train.Forward(s.Model, ds.X, nil)
			write := func(w io.Writer) error { return writePredictions(w, s, y, keep) }
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
	cmd.Flags().StringArrayVar(&o.keep, "keep", nil, "copy the column `COL` of DATA into the output, before the predictions (repeatable)")
	cmd.Flags().StringVar(&o.delimiter, "delimiter", "", "CSV field separator of DATA: one character, or \\t for a tab (default: the one the model was trained with, or a tab for .tsv)")
	addWarningsQuietFlag(cmd)
	return cmd
}

// keptColumns reads the columns that --keep names from the file at path,
// which must have n rows, as it had when its features were read; nil if
// keep is empty. The delimiter is the --delimiter flag's, else the
// model's (modelDelim).
func keptColumns(path, delimiter string, modelDelim rune, keep []string, n int) (*data.Columns, error) {
	if len(keep) == 0 {
		return nil, nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, &inputerr.Error{File: path, Key: "--keep", Err: errors.New("not a regular file: --keep reads DATA a second time"),
			Hint: "save the data to a file first, and predict from that"}
	}
	delim, err := delimiterRune(delimiter, path)
	if err != nil {
		return nil, err
	}
	if delim == 0 {
		delim = modelDelim
	}
	c, err := data.ReadColumns(path, delim, keep)
	if err != nil {
		return nil, err
	}
	if c.Len() != n {
		return nil, &inputerr.Error{File: path, Key: "--keep", Err: fmt.Errorf("the file changed while it was read: %d rows, then %d", n, c.Len()),
			Hint: "predict from a file that is not being written"}
	}
	return c, nil
}

// writePredictions writes the predictions y of s as CSV to w, after the
// kept columns if keep is not nil.
func writePredictions(w io.Writer, s *train.Saved, y *mat.Dense, keep *data.Columns) error {
	n, k := y.Dims()
	var header []string
	if keep != nil {
		header = append(header, keep.Names...)
	}
	off := len(header)
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
		if keep != nil {
			copy(row, keep.Row(i))
		}
		p, r := y.RawRowView(i), row[off:]
		switch {
		case s.Classes != nil && k == 1: // one logistic unit: P(second class)
			r[0] = s.Classes[train.PredictClass(y, i)]
			r[1], r[2] = train.FormatFloat(1-p[0]), train.FormatFloat(p[0])
		case s.Classes != nil:
			r[0] = s.Classes[train.PredictClass(y, i)]
			for j, v := range p {
				r[1+j] = train.FormatFloat(v)
			}
		default:
			for j, v := range p {
				r[j] = train.FormatFloat(v)
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
