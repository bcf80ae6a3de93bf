// Package onnx exports a trained model (train.Saved) as one ONNX graph
// that does everything mlptrain predict does: from the raw feature
// columns of a CSV file to the class names and probabilities, or to the
// predicted values.
//
// # Notation
//
//	N        the batch size, the symbolic first dimension of every input and output
//	x_j      the graph input of feature column j: [N, 1], tensor(double) or tensor(string)
//	ψ        the polynomial feature map (data.Polynomial)
//	W_i, b_i layer i's weights [d, k] and bias [1, k]
//	μ, σ², γ, β  a batch-normalized layer's running mean and variance, scale and shift
//
// # The graph
//
// Opsets ai.onnx 17 and ai.onnx.ml 3, IR version 8; every number is a
// float64 (tensor(double), initializers as little-endian raw_data).
//
//   - Numeric columns: the inputs are concatenated, and a NaN (a missing
//     cell) takes the column's imputed value, Where(IsNaN(x), impute, x).
//     The missing indicators are Cast(IsNaN(x)) of the columns that have
//     one.
//   - ψ: degree by degree, monomial j = monomial parent(j) · x_v(j), as
//     data.Polynomial computes it (Gather, Mul).
//   - The dense inputs [ψ | indicators] are normalized: (x − offset)/scale
//     (Sub, Div; left out when the normalization is the identity).
//   - Categorical columns: LabelEncoder (ai.onnx.ml, version 2's attributes
//     keys_strings, values_int64s, default_int64) maps the cell's text to
//     its index in the column's one-hot block: a level to its index; one of
//     the model's missing tokens (train.Reading.Missing) to the "(missing)"
//     level's, or "(other)"'s if the column has no "(missing)" level; any
//     other text to "(other)"'s, or to −1 if the column has none. Equal with
//     0..width−1 and Cast give exact zeros and ones; −1 gives all zeros,
//     as mlptrain encodes such a cell.
//   - The network's input is [normalized dense | one-hot blocks], the rows
//     of W₁ in order. Each layer is MatMul, then Add(b), or batch
//     normalization in evaluation as graph.BatchNormEval computes it,
//     γ·((z − μ)·s) + β with s = 1/√(σ² + 1e-5) computed here; then the
//     activation: identity (none), threshold (1 for z ≥ 0, else 0:
//     Cast(GreaterOrEqual)), logistic (exp(−|z|) = e, 1/(1+e) for z ≥ 0
//     else e/(1+e), as internal/graph computes it), tanh, relu, softplus
//     (relu(z) + log1p(e^−|z|), with log1p(u) = u·log(w)/(w−1), w = 1+u,
//     as ONNX has no Log1p), softmax (Softmax on axis 1). Dropout is the
//     identity.
//   - Outputs: a classifier's label [N] (tensor(string), the class names:
//     ArgMax with the first maximum winning, as train.PredictClass; a
//     single logistic unit p: the second class iff p ≥ ½) and
//     probabilities [N, classes] in the model's class order ([1−p, p] for
//     a logistic unit); a regression's prediction [N, targets].
//
// The text of a categorical cell is matched exactly, as mlptrain reads it
// after trimming spaces and tabs: a level that looks like a number must be
// written as the model lists it (mlptrain reads "4.0" as the level "4";
// the graph does not), and a cell padded with spaces is not trimmed.
//
// # Input names
//
// ONNX names are free text, but tools expect C identifiers, so each
// column's input name is InputNames's escape of it: a column named as an
// identifier, [A-Za-z_][A-Za-z0-9_]*, keeps its name (unless it is an
// output's name); every other character becomes "_", a leading digit
// gets a "_" before it, and a name already taken gets "_2", "_3", .... The
// original names are in the metadata.
//
// # Metadata
//
// metadata_props: mlptrain.version, mlptrain.weights_sha256
// (train.WeightsSHA256), mlptrain.classes and mlptrain.targets (JSON
// lists), mlptrain.columns (JSON: a Column per feature column, with its
// name in the CSV, its input name, type and levels), mlptrain.missing
// (the missing tokens, JSON). producer_name is "mlptrain".
package onnx
