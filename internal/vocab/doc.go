// Package vocab is the catalog of the model's vocabulary: the activations,
// losses, initializations and optimizers a config may name, with their
// aliases, the rules that join them, the state each optimizer keeps and a
// short description of each for help texts.
//
// It is the one list of these names. config validates against it (and
// suggests the nearest name from it), layers checks a model's architecture
// against it, train builds optimizers and names their checkpoint state
// from it, and the command line's help prints it. Each of those packages
// has a test that fails when its own table (graph ops, layer builders,
// initializers, optimizer updates) and the catalog disagree, so adding a
// name means adding its entry here and its implementation there.
//
// The package imports only the standard library, so that any package may
// read it.
//
// # Notation
//
//	z      a layer's pre-activations, z = xW + b
//	y      its activations y = φ(z); the last layer's are the predictions
//	t      the targets
//	n      the rows of a batch
//	d, k   a layer's inputs and outputs (units)
//	θ, ∇   the parameters and the gradient of the loss
//	α, μ   train.learning_rate and train.momentum
//	λ      train.weight_decay (adamw)
//
// # Rules
//
// An activation marked OutputOnly (softmax) may appear on the output layer
// only. A loss may name the output activation it needs and how many units
// (Loss.Requirement); squared_error takes any output. An optimizer marked
// FullBatch (gd) steps on the whole training set; the others take
// minibatches of train.batch_size rows, reshuffled each epoch.
//
// # Checkpoints
//
// checkpoint.json stores an optimizer's state as one member per buffer,
// named as Optimizer.State names it ("m", "v"), beside the step count.
// Renaming a buffer breaks resuming older checkpoints.
package vocab
