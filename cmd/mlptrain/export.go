package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/onnx"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

type exportOptions struct {
	format string
	out    string
}

func newExportCmd(_, _ io.Writer) *cobra.Command {
	o := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export MODEL --format onnx [-o OUT]",
		Short: "Write a saved model with its preprocessing as an ONNX file",
		Long: `export writes MODEL (a run folder's model.json) as one ONNX graph that does
what predict does, from the raw feature columns to the predictions: OUT, by
default model.onnx beside MODEL, written whole or not at all.

The graph has one input of shape [N, 1] per feature column: tensor(double) for
a numeric column (NaN for a missing cell, which takes the imputed value), and
tensor(string) for a categorical one, its cell's text (trimmed) matched
exactly against the model's categories: a category that looks like a number
must be written as the model lists it ("4", where mlptrain also reads "4.0"),
the model's missing tokens are missing cells, and any other text is an
unknown category. Inputs are named after the columns, made identifiers: each
character other than A-Z, a-z, 0-9 and _ becomes _, a leading digit gets a _
before it, and a name already taken gets _2, _3, ...; a column named so
already keeps its name. The metadata (mlptrain.columns) maps them back.

Outputs: a classifier's label [N] (the class names) and probabilities
[N, classes] in the model's class order; a regression's prediction
[N, targets]. Every number is a float64; opsets ai.onnx 17 and ai.onnx.ml 3.`,
		Example: `  mlptrain export runs/iris/model.json --format onnx
  mlptrain export runs/iris/model.json --format onnx -o iris.onnx`,
		Args: exactArgs(1),
		RunE: interruptible("exporting", func(cmd *cobra.Command, args []string) error {
			if o.format != "onnx" {
				return &inputerr.Error{Key: "--format", Err: fmt.Errorf("unknown format %q", o.format), Hint: "use --format onnx"}
			}
			s, err := train.LoadModel(args[0])
			if err != nil {
				return err
			}
			out := o.out
			if out == "" {
				out = filepath.Join(filepath.Dir(args[0]), "model.onnx")
			}
			var fe *atomicfile.Error
			if err := onnx.Write(out, s, onnx.Options{Version: version()}); errors.As(err, &fe) {
				return &inputerr.Error{File: out, Err: fmt.Errorf("cannot write the ONNX file: %w", fe.Err), Hint: fe.Hint()}
			} else if err != nil {
				return err
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&o.format, "format", "onnx", "the file format: onnx, the only one")
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "write the file to `OUT` (default: model.onnx beside MODEL)")
	addQuietFlag(cmd)
	return cmd
}
