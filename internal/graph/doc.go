// Package graph is a small computation graph over dense float64 matrices
// (*mat.Dense) with reverse-mode differentiation and exact Hessian-vector
// products. It is the numeric core of mlptrain: internal/layers builds
// networks out of its nodes, and internal/train runs them.
//
// A graph is built once per network and batch size, then run many times.
// Every buffer — node values, error signals, the saved context of each op —
// is allocated while building (or on the first Forward, Backward or HVP),
// so a Forward and Backward step allocates nothing at all.
//
// # Notation
//
// Names follow the lecture notes, one row per example:
//
//	symbol   meaning
//	x        an input to an op, or the n×d data matrix X
//	y        an op's output, or the network's n×k prediction
//	t        the targets, n×k (one-hot rows for classification)
//	z        a pre-activation, z = xW + b
//	w, W     weights, d×k
//	b        a bias row, 1×k, added to every row
//	n        the batch size (rows)
//	d        the input width (columns of x)
//	k        the output width (columns of y)
//	L        the scalar (1×1) loss
//	x̄        the error signal ∂L/∂x, same shape as x (xBar in code)
//	ẋ        a tangent: the directional derivative of x along a direction v
//	R{x̄}     Pearlmutter's R-operator applied to x̄: the tangent of x̄
//
// # Nodes and order
//
// A Graph holds variables — Input (data, filled before each Forward),
// Param (trainable weights, sharing the caller's matrix) and Const — and
// operations built from them by the package functions MatMul, Add,
// Logistic, SoftmaxCrossEntropy and so on. Nodes are kept in creation
// order. An op can only be created after its operands, so creation order
// is a topological order and no sort is ever needed: Forward walks the
// nodes 0 → n−1 and Backward walks them n−1 → 0. Node.ID gives a node's
// position.
//
// A shape mismatch while building is a programmer error and panics with a
// message starting "graph:", as does a loss that is not 1×1 or an HVP
// direction of the wrong shape. Nothing in the package returns an error
// except the writers of Dump and WriteDOT.
//
// # Forward and Backward
//
// Forward recomputes every op's value from its inputs' current values.
// Backward(loss) then computes the error signal x̄ = ∂loss/∂x of every node
// that some parameter flows into, leaving it in Node.Grad; for a Param that
// is the gradient to step along. The loss must be 1×1, and all the losses
// here (SquaredError, SoftmaxCrossEntropy, BinaryCrossEntropy) are averaged
// over the n rows so that learning rates do not depend on the batch size.
// Their weighted forms (WeightedSquaredError, WeightedSoftmaxCrossEntropyOf,
// WeightedBinaryCrossEntropy) take an n×1 input of row weights r and give
// Σ_i r_i ℓ_i / Σ_i r_i instead, the unweighted loss when every r_i = 1.
//
// Each op documents its forward pass and its vector-Jacobian product, for
// example
//
//	Tanh:   y = tanh(x)   Backward: x̄ += ȳ ⊙ (1 − y²)
//	MatMul: c = a·b       Backward: ā += c̄·bᵀ, b̄ += aᵀ·c̄
//
// # Error signals and fan-out
//
// A node used by several ops receives an error signal from each of them,
// and by the multivariate chain rule its x̄ is their sum. Every op therefore
// ADDS its inputs' vector-Jacobian products into their signals and never
// assigns them, so Mul(x, x), Add(x, x) or a hidden layer feeding two heads
// all get the summed gradient. Because signals accumulate, Backward zeroes
// them itself before each pass: calling it twice gives the same gradients,
// not twice them, and the caller has nothing to reset. One shortcut keeps
// the same result: a signal with a single contribution in the pass, from a
// MatMul, OneHotMatMul or AddBias, is set by that op instead of zeroed and
// added to — a first layer's W̄ = Xᵀ·z̄ would otherwise be a pass to zero
// the largest matrix of the step and a product that reads it back. Large signals are
// zeroed in parallel.
//
// Inputs and constants carry no error signal, and neither does an op that
// no parameter flows into: their Grad is nil, and Backward skips their
// work. Backward also skips the ops the loss does not depend on, such as a
// Softmax prediction head beside a SoftmaxCrossEntropy loss; their signals,
// and those of parameters the loss does not use, are left zero.
//
// # Hessian-vector products
//
// HVP computes H·v, the product of the loss's Hessian with respect to the
// parameters and a direction v, exactly (to rounding) and without forming
// H. It runs Pearlmutter's R-operator: the forward pass together with its
// tangents ẏ = J·ẋ along v, then the backward pass together with the
// tangents R{x̄} of the error signals (forward-over-reverse
// differentiation). For a Param, R{θ̄} is (H·v)_θ. The cost is about twice
// that of a Forward and Backward; a central difference of gradients,
// (∇L(θ+hv) − ∇L(θ−hv))/2h, costs the same but is only accurate to about
// 1e-8 to 1e-10.
//
// Hessian-vector products give curvature along a direction (vᵀHv), power
// iteration for the largest eigenvalue, and Newton-CG steps. Every op of
// the package has tangents; an op made with Custom has none, and HVP on a
// graph holding one panics.
//
// # Kinks
//
// ReLU and the hard threshold are not differentiable at 0. Their derivative
// there is taken as 0, and the threshold's derivative is 0 everywhere, so
// it passes no signal at all. A difference quotient whose two points lie on
// opposite sides of a kink is meaningless; Graph.KinkPattern reports on
// which side every such input lies, so a gradient check can tell whether
// it straddled one.
//
// # Printing
//
// Graph.Dump writes the nodes as a table in topological order, with the
// order of the two passes and, optionally, every value and error signal:
// the lecture's worked examples can be read off it. Graph.WriteDOT writes
// the graph for Graphviz, forward edges solid and the backward pass's
// error signals dashed and red.
//
// # Matrix products and fused layers
//
// Every matrix product goes through internal/gemm (gemm and gemmThen in
// ops_linalg.go and fusion.go): packed, cache-blocked products with
// register-tiled kernels in Go assembly (AVX-512 or AVX2 with FMA, chosen
// at start-up from the CPU's features, with a portable Go fallback), split
// over the cores for large products by long-lived helper goroutines, or
// OpenBLAS's dgemm in a build with the openblas tag. It allocates nothing
// per call.
//
// Forward runs a layer — z = x·W + b, h = φ(z), a MatMul, an AddBias of a
// bias computed before it, and an elementwise activation of that — in one
// sweep: as the product finishes a block of rows and columns, the thread
// that computed it adds the bias and applies the activation to it while it
// is in cache (gemm.GemmThen). Each of the three nodes still holds its own
// value, bit for bit what the ops compute one by one; only the order of
// the work changes, so Dump, Backward and HVP see the same graph.
//
// The assembly kernels, AVX-512 and AVX2, give the same bits (each entry is
// one chain of fused multiply-adds over k, in the same blocks;
// TestAsmKernelsAgree), so a fixed seed gives identical results on any
// amd64 CPU with AVX2. The portable Go kernel (older amd64 CPUs) rounds
// products separately and differs in the last bits, as does OpenBLAS.
//
// # Elementwise work
//
// The hot activations, the softmax's exponentials and logarithms, the bias
// adds, the bias gradients and signal sums run a slice at a time through
// internal/vmath's vector kernels, which give math.Exp's, math.Log's and
// math.Tanh's bits, and the plain loops' bits, exactly (but for which of
// two NaNs an operation on two NaNs returns). A small network's step is
// mostly such work: for iris (4-16-3, batch 32) it took a step from 6.6 to
// 2.7 µs (relu) without changing a result.
package graph
