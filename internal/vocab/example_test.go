package vocab_test

import (
	"fmt"

	"github.com/mlptrain/mlptrain/internal/vocab"
)

func ExampleLoss_Requirement() {
	l, _ := vocab.LossNamed("binary_cross_entropy")
	act, _ := vocab.Canonical("sigmoid")
	fmt.Printf("%q\n", l.Requirement(act, 1))
	fmt.Printf("%q\n", l.Requirement("softmax", 2))
	// Output:
	// ""
	// "a logistic output layer with 1 unit"
}

func ExampleOptimizer_StateNames() {
	for _, name := range []string{"sgd", "momentum", "adam"} {
		o, _ := vocab.OptimizerNamed(name)
		fmt.Println(o.Name, o.StateNames(), o.Reads)
	}
	// Output:
	// sgd [] [learning_rate]
	// momentum [m] [learning_rate momentum]
	// adam [m v] [learning_rate]
}
