package vocab

// The catalog. Order matters: it is the order of help texts and of the
// lists in error messages. Help strings are short, lower-case phrases.

var activations = []Activation{
	{Name: "identity", Help: "y = z"},
	{Name: "threshold", Help: "y = 1 if z ≥ 0, else 0; passes no gradient"},
	{Name: "logistic", Aliases: []string{"sigmoid"}, Help: "y = 1/(1 + e^−z)"},
	{Name: "tanh", Help: "y = tanh z"},
	{Name: "relu", Help: "y = max(z, 0)"},
	{Name: "softplus", Aliases: []string{"soft_relu"}, Help: "y = log(1 + e^z), a smooth relu"},
	{Name: "softmax", OutputOnly: true, Help: "row by row, y = e^z / Σ e^z"},
}

var losses = []Loss{
	{Name: "squared_error", Target: Values,
		Help: "L = 1/(2n) Σ ‖y − t‖², regression"},
	{Name: "cross_entropy", Target: Classes, Output: "softmax", MinUnits: 2,
		Fix:  "use {activation: softmax} or loss: squared_error",
		Help: "L = −1/n Σ t·log y, one unit per class"},
	{Name: "binary_cross_entropy", Target: BinaryClass, Output: "logistic", Units: 1,
		Fix:  "use {units: 1, activation: logistic} as the output layer, or another loss",
		Help: "2 classes, y = P(the second)"},
}

var inits = []Init{
	{Name: "xavier", Help: "W ~ U(−a, a), a = √(6/(d + k))"},
	{Name: "he", Help: "W ~ N(0, 2/d)"},
	{Name: "normal", Help: "W ~ N(0, 0.01²)"},
	{Name: "uniform", Help: "W ~ U(−0.05, 0.05)"},
	{Name: "zeros", Help: "W = 0: hidden units stay alike (demonstrations)"},
}

var optimizers = []Optimizer{
	{Name: "gd", FullBatch: true, Reads: []string{"learning_rate"},
		Help: "θ ← θ − α∇ on the whole training set"},
	{Name: "sgd", Reads: []string{"learning_rate"},
		Help: "θ ← θ − α∇ on minibatches, reshuffled each epoch"},
	{Name: "momentum", Reads: []string{"learning_rate", "momentum"},
		State: []Buffer{{Name: "m", Help: "the velocity p"}},
		Help:  "p ← μp − α∇, θ ← θ + p"},
	{Name: "nesterov", Reads: []string{"learning_rate", "momentum"},
		State: []Buffer{{Name: "m", Help: "the buffer b"}},
		Help:  "b ← μb + ∇, θ ← θ − α(∇ + μb)"},
	{Name: "rmsprop", Reads: []string{"learning_rate"},
		State: []Buffer{{Name: "v", Help: "the running mean of ∇²"}},
		Help:  "v ← 0.99v + 0.01∇², θ ← θ − α∇/(√v + 1e−8)"},
	{Name: "adam", Reads: []string{"learning_rate"},
		State: []Buffer{{Name: "m", Help: "the first moment"}, {Name: "v", Help: "the second moment"}},
		Help:  "bias-corrected moments, β₁ 0.9, β₂ 0.999, ε 1e−8"},
	{Name: "adamw", Reads: []string{"learning_rate", "weight_decay"},
		State: []Buffer{{Name: "m", Help: "the first moment"}, {Name: "v", Help: "the second moment"}},
		Help:  "W ← W − α·wd·W, then adam"},
}

// The schedules count e from 0 at the first epoch after the warmup, and
// E is the number of those epochs.
var schedules = []Schedule{
	{Name: "constant", Help: "α every epoch"},
	{Name: "step", Needs: []string{"step_epochs", "gamma"},
		Help: "α·gamma^⌊e/step_epochs⌋"},
	{Name: "exponential", Needs: []string{"gamma"},
		Help: "α·gamma^e"},
	{Name: "cosine", Takes: []string{"min_lr"},
		Help: "min_lr + (α − min_lr)(1 + cos(πe/E))/2 over E epochs"},
	{Name: "plateau", Needs: []string{"gamma", "patience"}, Takes: []string{"min_lr"},
		Help: "×gamma (≥ min_lr) when val_loss stalls patience epochs"},
}
