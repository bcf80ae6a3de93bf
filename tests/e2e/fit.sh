#!/usr/bin/env bash
# End-to-end tests of `mlptrain fit`, `mlptrain eval` and `mlptrain predict`:
# the run folder, JSON reports, determinism, quality gates, and the error
# classes with their exit statuses. Every run writes under $TMP, never runs/.
source "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# 1. iris: the run folder and the JSON report.
run fit configs/iris.yaml --out "$TMP/iris" --json --quiet
expect_code "iris fit" 0
expect_jq "iris fit" '.schema == 1 and .stopped == "completed" and .epochs_run == 200'
expect_jq "iris fit" '(.best_epoch | type) == "number" and .best_epoch >= 1 and .best_epoch <= 200'
expect_jq "iris fit" '.validation.accuracy >= 0.9'
# Every row of iris (150) lands in exactly one split; the shipped config keeps
# 30 rows aside as a test file, so test.n counts when present.
expect_jq "iris fit" '.train.n + .validation.n + (.test.n // 0) == 150'
expect_jq "iris fit" '.weights_sha256 | test("^[0-9a-f]{64}$")'
expect_jq "iris fit" '.seed == 1 and .threads >= 1 and (.seconds | type) == "number" and (.gemm | test("^(avx512x6x32,avx512x8x16|avx2x6x8|go2x4|openblas)$"))'
expect_jq "iris fit" '.model == "'"$TMP"'/iris/model.json"'
expect_jq "iris fit" '.train.classes == ["setosa","versicolor","virginica"] and (.train.confusion_matrix | length) == 3'
if [ -z "$ERR" ]; then ok; else fail "iris fit --quiet: stderr not empty: $(head -c 300 <<<"$ERR")"; fi
expect_file "iris run folder" "$TMP/iris/"{model.json,metrics.csv,config.yaml,report.json}
expect_file "iris plots" "$TMP/iris/loss.png" "$TMP/iris/loss.svg"
if [ ! -e "$TMP/iris/roc.png" ] && [ ! -e "$TMP/iris/pr.png" ]; then ok; else fail "iris (3 classes): roc.png or pr.png written"; fi
printf '%s\n' "$OUT" >"$TMP/iris.stdout"
expect_same "report.json is the --json report" "$TMP/iris.stdout" "$TMP/iris/report.json"
hdr=$(head -1 "$TMP/iris/metrics.csv")
if [ "$hdr" = "epoch,train_loss,val_loss,train_accuracy,val_accuracy,seconds" ]; then ok; else fail "metrics.csv header: $hdr"; fi
rows=$(($(wc -l <"$TMP/iris/metrics.csv") - 1))
if [ "$rows" = 200 ]; then ok; else fail "metrics.csv: $rows data rows, want 200"; fi
if awk -F, 'NR > 1 && ($1 != NR - 1 || NF != 6 || $4 == "" || $5 == "") { bad = 1 } END { exit bad }' "$TMP/iris/metrics.csv"; then ok; else fail "metrics.csv: rows not numbered 1..200 with 6 fields and accuracies"; fi
# The resolved config records what was used, including the --out override.
if grep -qF "$TMP/iris" "$TMP/iris/config.yaml"; then ok; else fail "config.yaml does not record --out"; fi
run fit "$TMP/iris/config.yaml" --out "$TMP/iris-again" --epochs 3 --quiet --json
expect_code "resolved config.yaml is a valid config" 0

# Without --json: a human summary on stdout, progress on stderr.
run fit configs/iris.yaml --out "$TMP/iris-human" --epochs 5
expect_code "iris human" 0
expect_grep "iris human" out 'trained 5 epochs'
expect_grep "iris human" out "run folder: $TMP/iris-human"
expect_grep "iris human progress" err '^epoch 5/5 '

# ---------------------------------------------------------------------------
# 2. Determinism: same config and seed, same bytes; another seed, other weights.
run fit configs/iris.yaml --out "$TMP/iris2" --json --quiet
expect_code "iris fit again" 0
expect_same "same seed → same model.json" "$TMP/iris/model.json" "$TMP/iris2/model.json"
cut -d, -f1-5 "$TMP/iris/metrics.csv" >"$TMP/m1"
cut -d, -f1-5 "$TMP/iris2/metrics.csv" >"$TMP/m2"
expect_same "same seed → same metrics.csv but seconds" "$TMP/m1" "$TMP/m2"
sha1=$(jq -r .weights_sha256 "$TMP/iris/report.json")
expect_jq "same seed → same weights_sha256" ".weights_sha256 == \"$sha1\""
run fit configs/iris.yaml --out "$TMP/iris-seed2" --seed 2 --json --quiet
expect_code "iris --seed 2" 0
expect_jq "iris --seed 2" ".seed == 2 and .weights_sha256 != \"$sha1\""
if ! cmp -s "$TMP/iris/model.json" "$TMP/iris-seed2/model.json"; then ok; else fail "--seed 2 gives the same model.json"; fi

# ---------------------------------------------------------------------------
# 3. eval on the iris model.
MODEL=$TMP/iris/model.json
run eval "$MODEL" datasets/iris.csv --json
expect_code "eval" 0
expect_jq "eval" '.schema == 1 and .n == 150 and .accuracy >= 0.9 and (.loss | type) == "number"'
expect_jq "eval" '.classes == ["setosa","versicolor","virginica"]'
expect_jq "eval" '.confusion_matrix | length == 3 and all(length == 3)'
expect_jq "eval" '[.confusion_matrix[][]] | add == 150'
expect_jq "eval" '[.confusion_matrix[] | add] == [50,50,50]'
expect_jq "eval accuracy = trace / n" '((.confusion_matrix | [range(3) as $i | .[$i][$i]] | add) / 150 - .accuracy) as $d | $d < 1e-12 and $d > -1e-12'
run eval "$MODEL" datasets/iris.csv
expect_code "eval human" 0
expect_grep "eval human" out 'confusion matrix'
expect_grep "eval human" out 'accuracy 0\.9[0-9]*'
run eval "$MODEL" datasets/iris.csv --fail-under accuracy=0.99999
expect_code "eval --fail-under accuracy=0.99999" 4
expect_grep "eval --fail-under accuracy=0.99999" err 'quality gate missed: .*accuracy.*below 0\.99999'
expect_no_stack "eval --fail-under accuracy=0.99999"
run eval "$MODEL" datasets/iris.csv --fail-under accuracy=0.5
expect_code "eval --fail-under accuracy=0.5" 0
run eval "$MODEL" datasets/iris.csv --fail-over loss=0.000001
expect_code "eval --fail-over loss=0.000001" 4
expect_grep "eval --fail-over loss=0.000001" err 'quality gate missed: .*loss.*above'
run eval "$MODEL" datasets/iris.csv --fail-under bogus=1
expect_code "eval --fail-under bogus=1" 2
expect_grep "eval --fail-under bogus=1" err 'bogus'
expect_no_stack "eval --fail-under bogus=1"

# ---------------------------------------------------------------------------
# 4. predict.
run predict "$MODEL" datasets/iris.csv
expect_code "predict" 0
printf '%s\n' "$OUT" >"$TMP/pred.csv"
hdr=$(head -1 "$TMP/pred.csv")
if [ "$hdr" = "predicted_species,prob_setosa,prob_versicolor,prob_virginica" ]; then ok; else fail "predict header: $hdr"; fi
rows=$(($(wc -l <"$TMP/pred.csv") - 1))
if [ "$rows" = 150 ]; then ok; else fail "predict: $rows rows, want 150"; fi
if awk -F, 'NR > 1 { s = $2 + $3 + $4; d = s - 1; if (d < 0) d = -d; if (d > 1e-9 || NF != 4) { print NR": "$0; bad = 1 } } END { exit bad }' "$TMP/pred.csv" >"$TMP/awk.out"; then ok; else fail "predict: probabilities do not sum to 1: $(head -3 "$TMP/awk.out")"; fi
if awk -F, 'NR > 1 && $1 !~ /^(setosa|versicolor|virginica)$/ { bad = 1 } END { exit bad }' "$TMP/pred.csv"; then ok; else fail "predict: a predicted class is not a class name"; fi
run predict "$MODEL" datasets/iris.csv -o "$TMP/p.csv"
expect_code "predict -o" 0
if [ -z "$OUT" ]; then ok; else fail "predict -o: stdout not empty"; fi
expect_same "predict -o = stdout" "$TMP/pred.csv" "$TMP/p.csv"
cut -d, -f1-4 datasets/iris.csv >"$TMP/notarget.csv"
run predict "$MODEL" "$TMP/notarget.csv"
expect_code "predict without target" 0
printf '%s\n' "$OUT" >"$TMP/pred-notarget.csv"
expect_same "predict without target" "$TMP/pred.csv" "$TMP/pred-notarget.csv"
awk -F, -v OFS=, '{ print $5, $4, $2, $1, $3 }' datasets/iris.csv >"$TMP/reordered.csv"
run predict "$MODEL" "$TMP/reordered.csv"
expect_code "predict reordered columns" 0
printf '%s\n' "$OUT" >"$TMP/pred-reordered.csv"
expect_same "predict reordered columns" "$TMP/pred.csv" "$TMP/pred-reordered.csv"

# ---------------------------------------------------------------------------
# 5. Regression: sine.
run fit configs/sine.yaml --epochs 300 --out "$TMP/sine" --json --quiet
expect_code "sine fit" 0
expect_jq "sine fit" '.schema == 1 and .stopped == "completed" and .epochs_run == 300'
expect_jq "sine fit" '.validation | (.mse | type) == "number" and (.mae | type) == "number" and (.r2 | type) == "number"'
expect_jq "sine fit" '.validation | has("accuracy") | not'
expect_jq "sine fit" '.train | (.r2 | type) == "number" and (has("accuracy") | not) and (has("confusion_matrix") | not)'
expect_jq "sine fit" '.validation.mse >= 0 and .validation.mae >= 0 and .validation.r2 <= 1'
if awk -F, 'NR > 1 && ($4 != "" || $5 != "") { bad = 1 } END { exit bad }' "$TMP/sine/metrics.csv"; then ok; else fail "sine metrics.csv: accuracy columns not empty"; fi
run eval "$TMP/sine/model.json" datasets/sine.csv
expect_code "sine eval" 0
expect_grep "sine eval" out 'r2 -?[0-9.]+'
run eval "$TMP/sine/model.json" datasets/sine.csv --json
expect_code "sine eval json" 0
expect_jq "sine eval json" '.n == 30 and (.r2 | type) == "number" and (.mse | type) == "number" and (has("accuracy") | not)'
run eval "$TMP/sine/model.json" datasets/sine.csv --fail-under r2=1.5
expect_code "sine eval --fail-under r2=1.5" 4
run predict "$TMP/sine/model.json" datasets/sine.csv
expect_code "sine predict" 0
hdr=$(head -1 <<<"$OUT")
if [ "$hdr" = "predicted_t" ]; then ok; else fail "sine predict header: $hdr"; fi
if [ "$(($(wc -l <<<"$OUT") - 1))" = 30 ]; then ok; else fail "sine predict: not 30 rows"; fi

# ---------------------------------------------------------------------------
# 6. XOR with binary cross-entropy: the shipped config must learn it.
run fit configs/xor.yaml --out "$TMP/xor" --json --quiet
expect_code "xor fit" 0
expect_jq "xor fit" '.validation == null and .train.n == 4'
expect_jq "xor shipped config reaches train accuracy 1" '.train.accuracy == 1'
expect_jq "xor fit" '.train.roc_auc == 1 and .train.pr_auc == 1'
# Binary classification: the ROC and precision-recall curves, 480×480 PNGs.
expect_file "xor roc/pr plots" "$TMP/xor/roc.png" "$TMP/xor/pr.png"
for f in roc pr; do
  if [ "$(head -c 24 "$TMP/xor/$f.png" | od -An -tx1 | tr -d ' \n' | cut -c1-16,33-48)" = "89504e470d0a1a0a000001e0000001e0" ]; then ok; else fail "$f.png is not a 480×480 PNG"; fi
done
# Independent of the shipped seed: BCE training can learn XOR.
run fit configs/xor.yaml --out "$TMP/xor-seed2" --seed 2 --json --quiet
expect_code "xor --seed 2" 0
expect_jq "xor --seed 2" '.train.accuracy == 1'
run predict "$TMP/xor-seed2/model.json" datasets/xor.csv
expect_code "xor predict" 0
if [ "$(cut -d, -f1 <<<"$OUT" | tr '\n' ' ')" = "predicted_y 0 1 1 0 " ]; then ok; else fail "xor predict: $OUT"; fi

# ---------------------------------------------------------------------------
# 7. Error classes: exit status, one message naming where, no stack trace.
printf 'sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n4.9,inf,1.4,0.2,versicolor\n' >"$TMP/bad.csv"
run fit configs/iris.yaml --out "$TMP/r-badcsv" --set data.train="$TMP/bad.csv" --quiet
expect_code "bad csv cell" 2
expect_grep "bad csv cell" err 'bad.csv:3:2: .*sepal_width.*"inf"'
expect_no_stack "bad csv cell"

sed 's/^  loss: cross_entropy/  los: cross_entropy/' configs/iris.yaml >"$TMP/typo.yaml"
ln=$(grep -n '^  los:' "$TMP/typo.yaml" | cut -d: -f1)
run fit "$TMP/typo.yaml" --out "$TMP/r-typo" --quiet
expect_code "unknown config key" 2
expect_grep "unknown config key" err "typo.yaml:$ln:3: .*los.*did you mean \"loss\""
expect_no_stack "unknown config key"

run fit configs/iris.yaml --out "$TMP/r-ten" --set train.epochs=ten --quiet
expect_code "--set train.epochs=ten" 2
expect_grep "--set train.epochs=ten" err 'train\.epochs.*"ten"'
expect_no_stack "--set train.epochs=ten"

MLPTRAIN_TRAIN_EPOCHS=ten run fit configs/iris.yaml --out "$TMP/r-envten" --quiet
expect_code "MLPTRAIN_TRAIN_EPOCHS=ten" 2
expect_grep "MLPTRAIN_TRAIN_EPOCHS=ten" err 'MLPTRAIN_TRAIN_EPOCHS.*"ten"'
expect_no_stack "MLPTRAIN_TRAIN_EPOCHS=ten"

MLPTRAIN_TRAIN_EPOCHS=3 run fit configs/iris.yaml --out "$TMP/r-env3" --quiet --json
expect_code "MLPTRAIN_TRAIN_EPOCHS=3" 0
expect_jq "MLPTRAIN_TRAIN_EPOCHS=3" '.epochs_run == 3'
if [ "$(($(wc -l <"$TMP/r-env3/metrics.csv") - 1))" = 3 ]; then ok; else fail "MLPTRAIN_TRAIN_EPOCHS=3: metrics.csv rows"; fi
MLPTRAIN_TRAIN_EPOCHS=3 run fit configs/iris.yaml --out "$TMP/r-env3-flag4" --epochs 4 --quiet --json
expect_code "--epochs 4 beats MLPTRAIN_TRAIN_EPOCHS=3" 0
expect_jq "--epochs 4 beats MLPTRAIN_TRAIN_EPOCHS=3" '.epochs_run == 4'

run fit configs/iris.yaml --out "$TMP/r-twice" --set train.epochs=5 --epochs 7 --quiet
expect_code "same key twice" 2
expect_grep "same key twice" err 'train\.epochs'
expect_no_stack "same key twice"

sed 's/{activation: softmax}/{activation: logistic}/' configs/iris.yaml >"$TMP/mismatch.yaml"
run fit "$TMP/mismatch.yaml" --out "$TMP/r-mismatch" --quiet
expect_code "cross_entropy with logistic output" 2
expect_grep "cross_entropy with logistic output" err 'mismatch.yaml:[0-9]+:[0-9]+: .*cross_entropy.*softmax'
expect_grep "cross_entropy with logistic output" err 'hint: '
expect_no_stack "cross_entropy with logistic output"

sed 's/validation: 0.2/validation: 1.5/' configs/iris.yaml >"$TMP/val.yaml"
run fit "$TMP/val.yaml" --out "$TMP/r-val" --quiet
expect_code "validation: 1.5" 2
expect_grep "validation: 1.5" err 'val.yaml:[0-9]+:[0-9]+: .*data\.validation.*1\.5'
expect_no_stack "validation: 1.5"

echo 'hello' >"$TMP/notjson.json"
run eval "$TMP/notjson.json" datasets/iris.csv
expect_code "eval model not JSON" 2
expect_grep "eval model not JSON" err 'notjson.json.*not a valid model file'
# The offending 'h' is line 1, column 1.
expect_grep "eval model not JSON: position" err 'notjson.json:1:1: '
expect_no_stack "eval model not JSON"
printf '{\n  "format": x}\n' >"$TMP/notjson2.json"
run eval "$TMP/notjson2.json" datasets/iris.csv
expect_code "eval model bad JSON line 2" 2
# The offending 'x' is line 2, column 13.
expect_grep "eval model bad JSON line 2: position" err 'notjson2.json:2:13: '

# Change one digit of the first weight (a significant one, so the value changes).
awk '/"W"/ { inW = 1 }
     inW && !done && match($0, /\.[0-9]/) { p = RSTART + 1; d = substr($0, p, 1); $0 = substr($0, 1, p - 1) ((d + 1) % 10) substr($0, p + 1); done = 1 }
     { print }' "$MODEL" >"$TMP/edited.json"
if [ "$(diff "$MODEL" "$TMP/edited.json" | grep -c '^>')" = 1 ]; then ok; else fail "test setup: the weight edit did not change exactly one line"; fi
run eval "$TMP/edited.json" datasets/iris.csv
expect_code "eval edited model" 2
expect_grep "eval edited model" err 'edited.json.*checksum'
expect_no_stack "eval edited model"
run predict "$TMP/edited.json" datasets/iris.csv
expect_code "predict edited model" 2
expect_grep "predict edited model" err 'checksum'

cut -d, -f1,2,3,5 datasets/iris.csv >"$TMP/nofeature.csv"
run eval "$MODEL" "$TMP/nofeature.csv"
expect_code "eval missing feature column" 2
expect_grep "eval missing feature column" err 'nofeature.csv:1.*petal_width'
expect_no_stack "eval missing feature column"
run predict "$MODEL" "$TMP/nofeature.csv"
expect_code "predict missing feature column" 2
expect_grep "predict missing feature column" err 'petal_width'

sed '3s/,setosa$/,daisy/' datasets/iris.csv >"$TMP/newclass.csv"
run eval "$MODEL" "$TMP/newclass.csv"
expect_code "eval unseen class" 2
expect_grep "eval unseen class" err 'newclass.csv:3:5: .*daisy'
expect_no_stack "eval unseen class"

: >"$TMP/regular-file"
t0=$(date +%s%N)
run fit configs/iris.yaml --out "$TMP/regular-file/run"
t1=$(date +%s%N)
expect_code "output folder under a regular file" 2
expect_grep "output folder under a regular file" err 'regular-file/run'
expect_no_stack "output folder under a regular file"
if ! grep -q '^epoch ' <<<"$ERR"; then ok; else fail "output folder under a regular file: training started before the error"; fi
if [ $(((t1 - t0) / 1000000)) -lt 2000 ]; then ok; else fail "output folder under a regular file: took $(((t1 - t0) / 1000000)) ms"; fi

run fit configs/sine.yaml --out "$TMP/diverge" --lr 1e8 --set train.optimizer=sgd --json
expect_code "divergence" 3
expect_jq "divergence" '.stopped == "diverged" and .epochs_run < 2000'
expect_jq_file "divergence report.json" "$TMP/diverge/report.json" '.stopped == "diverged"'
expect_jq_file "divergence model.json kept" "$TMP/diverge/model.json" '.layers | length == 2'
expect_grep "divergence" err 'diverged'
expect_grep "divergence" err 'smaller learning rate'
expect_no_stack "divergence"
run eval "$TMP/diverge/model.json" datasets/sine.csv --json
expect_code "divergence: the kept model loads" 0

# ---------------------------------------------------------------------------
# 8. Quality gates on fit (on validation).
run fit configs/iris.yaml --out "$TMP/gate-ok" --epochs 30 --quiet --json --fail-under accuracy=0.5
expect_code "fit --fail-under accuracy=0.5" 0
run fit configs/iris.yaml --out "$TMP/gate-miss" --epochs 30 --quiet --json --fail-under accuracy=1.01
expect_code "fit --fail-under accuracy=1.01" 4
expect_grep "fit --fail-under accuracy=1.01" err 'quality gate missed: validation accuracy'
expect_jq "fit --fail-under accuracy=1.01" '.stopped == "completed" and .epochs_run == 30'
expect_file "fit gate missed: run folder still written" "$TMP/gate-miss/"{model.json,metrics.csv,config.yaml,report.json}
run fit configs/sine.yaml --out "$TMP/gate-r2" --epochs 30 --quiet --fail-over loss=0.0000001
expect_code "fit --fail-over loss" 4
# roc_auc and pr_auc gates (binary: xor has no validation, so on train).
run fit configs/xor.yaml --out "$TMP/gate-auc" --quiet --fail-under roc_auc=0.9 --fail-under pr_auc=0.9
expect_code "fit --fail-under roc_auc=0.9 pr_auc=0.9" 0
run fit configs/xor.yaml --out "$TMP/gate-auc-miss" --epochs 3 --quiet --fail-under roc_auc=0.99
expect_code "fit --fail-under roc_auc=0.99 after 3 epochs" 4
expect_grep "fit --fail-under roc_auc=0.99 after 3 epochs" err 'quality gate missed: train roc_auc = .* is below 0\.99'
run eval "$TMP/gate-auc/model.json" datasets/xor.csv --fail-under roc_auc=0.9 --fail-under pr_auc=0.9
expect_code "eval --fail-under roc_auc pr_auc" 0
# One class only: roc_auc is undefined, and its gate misses (never passes).
awk -F, 'NR == 1 || $3 == 0' datasets/xor.csv >"$TMP/xor-negatives.csv"
run eval "$TMP/gate-auc/model.json" "$TMP/xor-negatives.csv" --fail-under roc_auc=0.5
expect_code "eval --fail-under roc_auc on one class" 4
expect_grep "eval --fail-under roc_auc on one class" err 'quality gate missed: roc_auc is undefined on eval: one class only'
run eval "$TMP/gate-auc/model.json" "$TMP/xor-negatives.csv" --fail-under pr_auc=0
expect_code "eval --fail-under pr_auc on negatives only" 4
expect_grep "eval --fail-under pr_auc on negatives only" err 'pr_auc is undefined on eval: one class only'
run fit configs/sine.yaml --out "$TMP/gate-auc-reg" --quiet --fail-under roc_auc=0.5
expect_code "fit --fail-under roc_auc on a regression" 2
expect_grep "fit --fail-under roc_auc on a regression" err 'a regression has no roc_auc'

finish
