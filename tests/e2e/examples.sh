#!/usr/bin/env bash
# End-to-end tests of the lecture's examples (docs/tutorial.md): each
# shipped config produces the outcome the tutorial claims, read from its
# JSON report. Every run writes under $TMP, never runs/.
source "$(dirname "$0")/lib.sh"

# fit_json NAME CONFIG [ARGS...]: fits CONFIG into $TMP/NAME with --json.
fit_json() {
  local name=$1 config=$2
  shift 2
  run fit "$config" --out "$TMP/$name" --json --quiet "$@"
  expect_code "$name" 0
}

# num FILTER: the number jq FILTER picks from $OUT.
num() { printf '%s' "$OUT" | jq -r "$1"; }

# expect_awk NAME CONDITION VAR=VALUE...: checks an awk condition on numbers.
expect_awk() {
  local name=$1 cond=$2 args=()
  shift 2
  for a in "$@"; do args+=(-v "$a"); done
  if awk "${args[@]}" "BEGIN { exit !($cond) }"; then ok; else fail "$name: $cond does not hold for $*"; fi
}

# expect_formula NAME LHS RHS VAR=VALUE...: checks LHS ≈ RHS (awk
# expressions) to the 6 significant digits that graph --values prints.
expect_formula() {
  local name=$1 lhs=$2 rhs=$3 args=()
  shift 3
  for a in "$@"; do args+=(-v "$a"); done
  if awk "${args[@]}" "BEGIN { a = $lhs; e = $rhs; d = a - e; m = e
      if (d < 0) d = -d
      if (m < 0) m = -m
      exit !(d <= 1e-5 * (1 + m)) }"; then ok; else fail "$name: $lhs ≈ $rhs does not hold for $*"; fi
}

# ---------------------------------------------------------------------------
# 0. The datasets are what the generator writes, byte for byte.
go run ./internal/examples/gendata -out "$TMP/gen" >/dev/null
for f in xor.csv patterns.csv sine10_train.csv sine10_val.csv universality_train.csv universality_val.csv logistic_unit.csv; do
  expect_same "gendata $f" "$TMP/gen/$f" "datasets/$f"
done

# ---------------------------------------------------------------------------
# 1. XOR is not linearly separable.
# A single logistic unit: at most 3 of 4 right, whatever the seed. Its best
# cross-entropy is ln 2 (w = 0: p = ½ on every point).
for seed in $(seq 1 20); do
  fit_json "xor_linear_$seed" configs/xor_linear.yaml --seed "$seed"
  expect_jq "xor_linear seed $seed: accuracy ≤ 0.75" '.train.accuracy <= 0.75'
  expect_jq "xor_linear seed $seed: loss ln 2" '.train.loss > 0.6931 and .train.loss < 0.6932'
done
expect_file "xor_linear plots" "$TMP/xor_linear_1/boundary.png"

# The 2-2-1 logistic network learns it for the shipped seed, and for most.
fit_json xor configs/xor.yaml
expect_jq "xor: accuracy 1" '.train.accuracy == 1 and .stopped == "completed" and .epochs_run == 2000'
expect_file "xor plots" "$TMP/xor/boundary.png" "$TMP/xor/loss.png"
solved=0
for seed in $(seq 1 20); do
  fit_json "xor_$seed" configs/xor.yaml --seed "$seed"
  if [ "$(num .train.accuracy)" = 1 ]; then solved=$((solved + 1)); fi
done
# docs/tutorial.md reports 15 of 20.
if [ "$solved" -ge 15 ]; then ok; else fail "xor: $solved of seeds 1..20 reach accuracy 1, want at least 15"; fi

# ψ(x) = (x1, x2, x1·x2) makes a single logistic unit solve it.
fit_json xor_features configs/xor_features.yaml
expect_jq "xor_features: accuracy 1" '.train.accuracy == 1'
expect_jq_file "xor_features: ψ has 3 features" "$TMP/xor_features/model.json" \
  '.feature_map == {"polynomial": 2, "interactions_only": true} and .inputs == 3 and (.layers | length) == 1'
expect_file "xor_features plots" "$TMP/xor_features/boundary.png"

# Hand-built hard-threshold network, evaluated without training.
fit_json xor_threshold configs/xor_threshold.yaml
expect_jq "xor_threshold: accuracy 1 untrained" '.train.accuracy == 1 and .epochs_run == 0'
expect_jq_file "xor_threshold: the weights of the file" "$TMP/xor_threshold/model.json" \
  '.layers[0].activation == "threshold" and .layers[0].W == [[1, 1], [1, 1]] and .layers[0].b == [-0.5, -1.5] and .layers[1].W == [[10], [-10]] and .layers[1].b == [-5]'
run predict "$TMP/xor_threshold/model.json" datasets/xor.csv
expect_code "xor_threshold predict" 0
if [ "$(printf '%s\n' "$OUT" | cut -d, -f1 | tr '\n' ' ')" = "predicted_y 0 1 1 0 " ]; then ok; else fail "xor_threshold predict: $OUT"; fi
expect_file "xor_threshold plots" "$TMP/xor_threshold/boundary.png"

# ---------------------------------------------------------------------------
# 2. Translation invariance defeats a linear classifier; an MLP separates.
fit_json patterns_linear configs/patterns_linear.yaml
expect_jq "patterns_linear: accuracy < 1" '.train.accuracy < 1 and .train.n == 32'
expect_jq "patterns_linear: loss stays at ln 2" '.train.loss > 0.6931 and .train.loss < 0.6932'
fit_json patterns_mlp configs/patterns_mlp.yaml
expect_jq "patterns_mlp: accuracy 1" '.train.accuracy == 1 and .train.n == 32'
expect_jq "patterns_mlp: classes" '.train.classes == ["A", "B"] and .train.confusion_matrix == [[16, 0], [0, 16]]'

# ---------------------------------------------------------------------------
# 3. Underfitting and overfitting: polynomial degrees 0, 1, 3, 9.
declare -A TRAIN VAL
for d in 0 1 3 9; do
  fit_json "poly_deg$d" "configs/poly_deg$d.yaml"
  expect_jq "poly_deg$d: regression with validation" '.train.n == 10 and .validation.n == 100 and (.train | has("mse"))'
  expect_file "poly_deg$d plots" "$TMP/poly_deg$d/fit.png"
  TRAIN[$d]=$(num .train.loss)
  VAL[$d]=$(num .validation.loss)
done
expect_awk "poly: training loss falls with the degree" 'a > b && b > c && c > d' \
  "a=${TRAIN[0]}" "b=${TRAIN[1]}" "c=${TRAIN[3]}" "d=${TRAIN[9]}"
expect_awk "poly: validation loss is U-shaped, lowest at degree 3" 'a > b && b > c && d > c' \
  "a=${VAL[0]}" "b=${VAL[1]}" "c=${VAL[3]}" "d=${VAL[9]}"
# Degree 0: the L2 penalty leaves a constant, the mean of the targets.
mean=$(awk -F, 'NR > 1 { s += $2; n++ } END { printf "%.10g", s / n }' datasets/sine10_train.csv)
w=$(jq '.layers[0].W[0][0]' "$TMP/poly_deg0/model.json")
b=$(jq '.layers[0].b[0]' "$TMP/poly_deg0/model.json")
expect_awk "poly_deg0: a constant at the mean" 'w < 1e-3 && w > -1e-3 && b - m < 1e-4 && m - b < 1e-4' "w=$w" "b=$b" "m=$mean"

# ---------------------------------------------------------------------------
# 4. Universality has limits: a wide network memorizes the noise.
fit_json universality_small configs/universality_small.yaml
small_val=$(num .validation.accuracy)
expect_jq "universality_small: sizes" '.train.n == 30 and .validation.n == 500'
fit_json universality_wide configs/universality_wide.yaml
expect_jq "universality_wide: memorizes" '.train.accuracy == 1'
expect_jq "universality_wide: validation below the small network's" ".validation.accuracy < $small_val"
expect_file "universality plots" "$TMP/universality_small/boundary.png" "$TMP/universality_wide/boundary.png"

# ---------------------------------------------------------------------------
# 5. The backprop walkthrough: the printed values and error signals of
# z = w·x + b, y = σ(z), L = ½(y − t)² follow the lecture's formulas.

# graph_num NODE value|signal: the number printed for NODE in $OUT.
graph_num() {
  printf '%s\n' "$OUT" | awk -v n="$1:" -v want="$2" '
    $1 ~ /^\[[0-9]+\]$/ { cur = ($2 == n); next }
    cur && /^  value:/ { getline; gsub(/[][ ]/, ""); if (want == "value") print; next }
    cur && /^  error signal ∂L/ { getline; gsub(/[][ ]/, ""); if (want == "signal") print; next }'
}
for seed in 1 2; do
  run graph configs/logistic_unit.yaml --values --rows 1 --seed "$seed"
  expect_code "logistic_unit graph seed $seed" 0
  x=$(graph_num x value) t=$(graph_num t value)
  w=$(graph_num W1 value) b=$(graph_num b1 value)
  z=$(graph_num z1 value) y=$(graph_num y value) L=$(graph_num loss value)
  yb=$(graph_num y signal) zb=$(graph_num z1 signal)
  wb=$(graph_num W1 signal) bb=$(graph_num b1 signal)
  vars=("x=$x" "t=$t" "w=$w" "b=$b" "z=$z" "y=$y" "L=$L" "yb=$yb" "zb=$zb" "wb=$wb" "bb=$bb")
  for v in "${vars[@]}"; do
    if [[ ${v#*=} =~ ^-?[0-9.]+(e[-+]?[0-9]+)?$ ]]; then ok; else fail "walkthrough seed $seed: no number for ${v%%=*} in: $OUT"; fi
  done
  expect_awk "walkthrough seed $seed: the example x = 1.5, t = 1" 'x == 1.5 && t == 1' "${vars[@]}"
  # Forward.
  expect_formula "walkthrough seed $seed: z = w·x + b" z 'w * x + b' "${vars[@]}"
  expect_formula "walkthrough seed $seed: y = σ(z)" y '1 / (1 + exp(-z))' "${vars[@]}"
  expect_formula "walkthrough seed $seed: L = ½(y − t)²" L '0.5 * (y - t) ^ 2' "${vars[@]}"
  # Backward, the lecture's error signals.
  expect_formula "walkthrough seed $seed: ȳ = y − t" yb 'y - t' "${vars[@]}"
  expect_formula "walkthrough seed $seed: z̄ = ȳ·σ′(z) = ȳ·y(1 − y)" zb 'yb * y * (1 - y)' "${vars[@]}"
  expect_formula "walkthrough seed $seed: w̄ = z̄·x" wb 'zb * x' "${vars[@]}"
  expect_formula "walkthrough seed $seed: b̄ = z̄" bb 'zb' "${vars[@]}"
done
finish
