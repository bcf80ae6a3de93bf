// Package layers builds multilayer perceptrons on top of package graph:
// fully connected layers y = φ(xW + b), their activations, the loss that
// fits the output, weight initialization, and the graph of a whole model
// for a given batch size.
//
// # Notation
//
//	x  n×d   inputs, one example per row
//	W  d×k   a layer's weights (row i feeds from input i)
//	b  1×k   a layer's biases, added to every row
//	z  n×k   pre-activations z = xW + b
//	y  n×k   activations y = φ(z); the last layer's are the predictions
//	t  n×k   targets: one-hot rows (cross_entropy), 0/1 (binary_cross_entropy)
//	         or values (squared_error)
//
// # Categorical inputs
//
// A Spec's Categorical lists the level counts of categorical inputs. The
// model is fed n×InputWidth() rows: the numeric inputs, then one integer
// code per categorical input (negative or NaN for an unknown level). The
// first layer's W keeps the full one-hot width, Inputs rows, as if the
// one-hot blocks had been built; graph.OneHotMatMul adds the rows of W
// the codes pick instead of building them.
//
// # Names
//
// The activations, losses and initializations, their aliases, and which
// output layer each loss needs come from the catalog in internal/vocab;
// New checks a Spec against it. An activation is built by the graph op
// of its name (graph.Activation).
//
// # Losses and output layers
//
// cross_entropy is computed from the logits z of its softmax output
// (graph.SoftmaxCrossEntropyOf); binary_cross_entropy from the logit of its
// one logistic unit (graph.BinaryCrossEntropy); squared_error takes the
// output activations y, whatever the activation. The L2 penalty λ/2 Σ‖W‖²
// covers the weights, not the biases. BuildWeighted weights the rows of
// the data loss by an input R (class weights, looked up per row):
// Σ_i r_i ℓ_i / Σ_i r_i.
//
// # Initialization
//
// Weights are drawn from the caller's seeded source by the formulas of the
// catalog's help (xavier after Glorot and Bengio, 2010; he after He et
// al., 2015); biases start at zero.
package layers
