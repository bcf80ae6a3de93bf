package main

import (
	"fmt"
	"io"
	"math"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/graph"
	"github.com/mlptrain/mlptrain/internal/train"
	"github.com/spf13/cobra"
)

type graphOptions struct {
	cf       *configFlags
	dot      bool
	values   bool
	rows     int
	randRows int
	randCols int
}

func newGraphCmd(stdout, _ io.Writer) *cobra.Command {
	o := &graphOptions{}
	cmd := &cobra.Command{
		Use:   "graph CONFIG",
		Short: "Print the model's computation graph, its forward values and error signals",
		Long: `graph prints the computation graph that CONFIG's model builds: each node
(variables and operations) in topological order with its operation, shape and
inputs. The forward pass runs the nodes in this order, the backward pass in
reverse, each operation adding its inputs' error signals x̄ = ∂L/∂x.

With --values it runs one forward and one backward pass, on the batch that
gradcheck uses and at its random point (or with the weights of model.weights
when the config names a file), and prints every node's value and error signal. With --dot it writes Graphviz DOT instead: forward edges solid, error
signals dashed red (render with: dot -Tpng -o graph.png).`,
		Example: `  mlptrain graph configs/iris.yaml
  mlptrain graph configs/iris.yaml --values --rows 1
  mlptrain graph configs/iris.yaml --dot | dot -Tpng -o graph.png`,
		Args: exactArgs(1),
		RunE: interruptible("building the graph", func(cmd *cobra.Command, args []string) error {
			co := train.CheckOptions{Rows: o.rows, RandomRows: o.randRows, RandomCols: o.randCols, UseWeights: true}
			cfg, err := o.cf.loadConfig(cmd, args[0])
			if err != nil {
				return err
			}
			net, _, err := train.Point(cfg, co)
			if err != nil {
				return err
			}
			if o.dot {
				return net.G.WriteDOT(stdout)
			}
			if o.values {
				if cfg.Train.Precision == config.PrecisionFloat32 {
					// As gradcheck: the values of the float64 graph.
					fmt.Fprintln(stdout, "# values in float64; train.precision float32 trains this graph in float32")
				}
				net.G.Forward()
				net.G.Backward(net.Loss)
			}
			return net.G.Dump(stdout, graph.DumpOptions{Values: o.values, Signals: o.values})
		}),
	}
	o.cf = addConfigFlags(cmd, map[string][2]string{
		"seed": {"train.seed", "random seed `N` for the point and the batch"},
	})
	f := cmd.Flags()
	f.BoolVar(&o.dot, "dot", false, "write Graphviz DOT")
	f.BoolVar(&o.values, "values", false, "run one forward and backward pass and print values and error signals")
	intFlag(cmd, &o.rows, "rows", 2, 1, math.MaxInt, "rows of training data in the batch", "use a number of rows such as 2")
	shapeFlag(cmd, &o.randRows, &o.randCols, "random-data", "use `ROWSxCOLS` random inputs instead of the config's CSV")
	addQuietFlag(cmd)
	return cmd
}
