#!/usr/bin/env bash
# End-to-end tests of `mlptrain gradcheck` and `mlptrain graph`.
source "$(dirname "$0")/lib.sh"

# Every hidden activation with every loss passes at the default tolerance,
# with Hessian-vector products.
write_config() { # file hidden-activation output-activation loss data target
  cat >"$1" <<YAML
data:
  train: $5
  validation: 0
  target: $6
model:
  layers:
    - {units: 5, activation: $2}
    - {units: 4, activation: $2}
    - {activation: $3}
  loss: $4
train:
  l2: 0.01
  seed: 3
YAML
}
for act in identity threshold logistic sigmoid tanh relu softplus soft_relu; do
  for combo in "softmax cross_entropy datasets/iris.csv species" \
               "logistic binary_cross_entropy datasets/xor.csv y" \
               "identity squared_error datasets/sine.csv t" \
               "tanh squared_error datasets/sine.csv t"; do
    set -- $combo
    name="$act→$1/$2"
    write_config "$TMP/c.yaml" "$act" "$1" "$2" "$3" "$4"
    run gradcheck "$TMP/c.yaml" --hvp --json
    expect_code "$name" 0
    expect_jq "$name" '.schema == 1 and .pass == true and .tol == 1e-06 and (.params | length) == 6'
    expect_jq "$name" '[.params[] | .checked + .skipped > 0 and .max_rel_err <= 1e-6 and (.name | test("^[Wb][1-3]$"))] | all'
    expect_jq "$name" '.hvp.pass == true and .hvp.max_rel_err <= 1e-6 and .hvp.symmetry_err <= 1e-6 and (.hvp.lambda_max | type) == "number"'
  done
done

# Dropout and batch normalization: the training graph, with the batch
# statistics and masks drawn once from the seed, passes with HVP.
cat >"$TMP/reg.yaml" <<'YAML'
data: {train: datasets/iris.csv, validation: 0, target: species}
model:
  input_dropout: 0.1
  layers:
    - {units: 6, activation: tanh, batch_norm: true, dropout: 0.3}
    - {units: 5, activation: relu, dropout: 0.5}
    - {activation: softmax}
train: {l2: 0.01, seed: 3}
YAML
run gradcheck "$TMP/reg.yaml" --hvp --json
expect_code "dropout and batch_norm" 0
expect_jq "dropout and batch_norm" '.pass == true and .hvp.pass == true and ([.params[].name] == ["W1", "gamma1", "beta1", "W2", "b2", "W3", "b3"])'
run graph "$TMP/reg.yaml"
expect_code "graph with dropout and batch_norm" 0
expect_grep "graph with dropout and batch_norm" out 'batchnorm .*x_dropW1, gamma1, beta1, mean1, var1'
expect_grep "graph with dropout and batch_norm" out 'dropout\(0.5\)'

# The human table: one row per tensor and a verdict.
run gradcheck configs/iris.yaml --hvp
expect_code "iris table" 0
expect_grep "iris table" out '^W1 +4×16 +64 +0 '
expect_grep "iris table" out '^b2 +1×3 '
expect_grep "iris table" out 'λ_max ≈ [0-9.e+-]+'
expect_grep "iris table" out 'learning_rate 0.05 is (below|above) it'
expect_grep "iris table" out '^PASS: 4 parameter tensors$'

# Sampling: --entries bounds the entries checked per tensor.
run gradcheck configs/iris.yaml --entries 10 --json
expect_code "entries" 0
expect_jq "entries" '.params[0].checked + .params[0].skipped == 10 and .params[1].checked == 10 and .params[3].checked == 3'

# Random data instead of the CSV.
run gradcheck configs/iris.yaml --random-data 7x5 --json
expect_code "random data" 0
expect_jq "random data" '.data == "random" and .rows == 7 and .params[0].shape == [5, 16] and .params[2].shape == [16, 3]'

# A tolerance nothing can meet fails with exit 5 and names tensor and entry.
run gradcheck configs/iris.yaml --tol 1e-300
expect_code "failing check" 5
expect_grep "failing check" err 'gradient check failed: W1\[[0-9]+,[0-9]+\]: analytic .*numeric .*error'
expect_grep "failing check" out '^FAIL$'
run gradcheck configs/iris.yaml --tol 1e-300 --json
expect_code "failing check json" 5
expect_jq "failing check json" '.pass == false'

# Same seed, same result; another seed, another point.
run gradcheck configs/iris.yaml --json --seed 5; a=$OUT
run gradcheck configs/iris.yaml --json --seed 5; b=$OUT
run gradcheck configs/iris.yaml --json --seed 6; c=$OUT
if [ "$a" = "$b" ]; then ok; else fail "seed: two runs differ"; fi
if [ "$a" != "$c" ]; then ok; else fail "seed: --seed has no effect"; fi

# Bad usage and bad input: exit 2, one clear message, no stack trace.
run gradcheck
expect_code "no config" 2
expect_grep "no config" err '^mlptrain: gradcheck: takes 1 argument \(CONFIG\), got none \(hint: run .mlptrain gradcheck --help.\)$'
expect_no_stack "no config"
run gradcheck configs/iris.yaml --random-data 7by5
expect_code "bad --random-data" 2
expect_grep "bad --random-data" err 'ROWSxCOLS'
run gradcheck configs/iris.yaml --tol -1
expect_code "bad --tol" 2
run gradcheck configs/iris.yaml --no-such-flag
expect_code "unknown flag" 2
expect_grep "unknown flag" err 'unknown flag: --no-such-flag'
run gradcheck missing.yaml
expect_code "missing config" 2
expect_grep "missing config" err 'missing.yaml'
expect_no_stack "missing config"
printf 'data:\n  train: datasets/iris.csv\n  target: species\nmodel:\n  layers:\n    - {activation: softmax}\n  los: cross_entropy\n' >"$TMP/typo.yaml"
run gradcheck "$TMP/typo.yaml"
expect_code "unknown key" 2
expect_grep "unknown key" err 'typo.yaml:7:3: .*los.*did you mean "loss"'
expect_no_stack "unknown key"
printf 'sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n4.9,inf,1.4,0.2,versicolor\n' >"$TMP/bad.csv"
run gradcheck configs/iris.yaml --set data.train="$TMP/bad.csv"
expect_code "bad csv" 2
expect_grep "bad csv" err 'bad.csv:3:2: .*sepal_width.*"inf"'
expect_no_stack "bad csv"
run gradcheck configs/iris.yaml --set data.target=specie
expect_code "missing target" 2
expect_grep "missing target" err 'did you mean "species"'

# The graph: text, values and signals, DOT.
run graph configs/iris.yaml
expect_code "graph" 0
expect_grep "graph" out '^3 +xW1 +matmul +2×16 +x, W1$'
expect_grep "graph" out 'softmax_cross_entropy +1×1 +z2, t'
expect_grep "graph" out '^backward: nodes [0-9]+ → 0 in reverse'
run graph configs/iris.yaml --values --rows 1
expect_code "graph values" 0
expect_grep "graph values" out 'error signal ∂L/∂W1:'
run graph configs/iris.yaml --dot
expect_code "graph dot" 0
expect_grep "graph dot" out '^digraph mlptrain \{'
expect_grep "graph dot" out 'style=dashed, color=red'

# Help and version.
run --help
expect_code "help" 0
expect_grep "help" out 'gradcheck'
run --version
expect_code "version" 0
expect_grep "version" out '^mlptrain version '
run no-such-command
expect_code "unknown command" 2

finish
