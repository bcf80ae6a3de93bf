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
// # Losses and output layers
//
// cross_entropy needs a softmax output and is computed from the logits z
// (graph.SoftmaxCrossEntropy); binary_cross_entropy needs one logistic unit
// and is computed from its logit (graph.BinaryCrossEntropy); squared_error
// takes the output activations y, whatever the activation. The L2 penalty
// λ/2 Σ‖W‖² covers the weights, not the biases.
//
// # Initialization
//
// All from the caller's seeded source; biases start at zero.
//
//	xavier   W ~ U(−a, a), a = √(6/(d+k))  (Glorot and Bengio, 2010)
//	he       W ~ N(0, 2/d)                 (He et al., 2015)
//	normal   W ~ N(0, 0.01²)
//	uniform  W ~ U(−0.05, 0.05)
//	zeros    W = 0 (every hidden unit stays identical: for demonstrations)
package layers
