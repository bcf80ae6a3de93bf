#!/usr/bin/env bash
# End-to-end tests of train.precision: float32. The digits config trains in
# float32: the same model.json bytes at 1 and 2 threads and on a second
# run; model.json and report.json say float32; eval and predict run the
# model at its precision and agree with the run's scores; gradcheck runs
# in float64 and says so; --resume is exact; a diverging float32 run
# exits 3 with finite weights kept; a bad precision exits 2 naming the
# key. Every run writes under $TMP.
source "$(dirname "$0")/lib.sh"

# 1. Reproducible at 1 and 2 threads.
for t in 1 2 2; do
  run fit configs/digits.yaml --epochs 4 --set train.threads=$t --out "$TMP/d$t-$RANDOM" --quiet --json
  expect_code "digits float32, $t threads" 0
  printf '%s\n' "$OUT" >"$TMP/report-$t.json"
  dir=$(jq -r .dir <<<"$OUT")
  cp "$dir/model.json" "$TMP/model-$t.json"
done
expect_same "float32 model.json at 1 and 2 threads" "$TMP/model-1.json" "$TMP/model-2.json"
expect_jq "report.json says float32" '.precision == "float32" and (.gemm | type) == "string"'
expect_jq_file "model.json says float32" "$TMP/model-1.json" '.precision == "float32"'
# (That its weights are float32 values is TestFloat32Reproducible's to
# check: jq has no float32.)

# 2. eval and predict at the model's precision.
run eval "$TMP/model-1.json" datasets/digits_test.csv --json
expect_code "eval float32 model" 0
want=$(jq .test.accuracy "$TMP/report-1.json")
expect_jq "eval = the run's test score" ".accuracy == $want"
run predict "$TMP/model-1.json" datasets/digits_test.csv
expect_code "predict float32 model" 0
if [ "$(wc -l <<<"$OUT")" = 361 ]; then ok; else fail "predict wrote $(wc -l <<<"$OUT") lines, want 361"; fi

# 3. gradcheck runs in float64.
run gradcheck configs/digits.yaml
expect_code "gradcheck of a float32 config" 0
expect_grep "gradcheck says float64" out 'checked in float64: train.precision is float32'
run gradcheck configs/digits.yaml --json
expect_jq "gradcheck JSON precision" '.precision == "float64" and .train_precision == "float32"'

run graph configs/digits.yaml --values --rows 1
expect_code "graph --values of a float32 config" 0
expect_grep "graph says float64" out '^# values in float64; train.precision float32'

# 4. --resume is exact in float32: 2 epochs, then 2 more, against 4.
R=$TMP/resume
run fit configs/digits.yaml --epochs 2 --out "$R" --quiet
expect_code "float32 first half" 0
run fit configs/digits.yaml --epochs 4 --resume "$R" --quiet
expect_code "float32 resumed" 0
expect_same "float32 resume is exact" "$TMP/model-1.json" "$R/model.json"

# 5. Divergence: exit 3, finite weights kept, a hint.
run fit configs/digits.yaml --epochs 3 --set train.optimizer=sgd --set train.learning_rate=1e30 --out "$TMP/div" --quiet
expect_code "float32 divergence" 3
expect_grep "divergence hint" err 'diverged.*hint: try a smaller learning rate'
expect_no_stack "float32 divergence"
expect_jq_file "diverged float32 model.json written, float32 (JSON holds only finite numbers)" "$TMP/div/model.json" '.precision == "float32"'

# 6. A bad precision.
run fit configs/digits.yaml --set train.precision=float16 --out "$TMP/bad" --quiet
expect_code "train.precision=float16" 2
expect_grep "bad precision names the key" err 'train.precision.*unknown precision "float16"'
expect_no_stack "bad precision"

finish
