#!/usr/bin/env bash
# End-to-end tests of `mlptrain cv`: K-fold cross-validation. The table and
# the JSON report (cv.json), the mean and sample std recomputed here with
# jq, stratified folds, the fold folders, determinism across --jobs, the
# folder rules (a fit refuses a cv folder), and bad --folds. Every run
# writes under $TMP, never runs/.
source "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# 1. Iris, 5 stratified folds: JSON report and files.
CV=$TMP/iris
run cv configs/iris.yaml --folds 5 --out "$CV" --json --quiet
expect_code "iris cv" 0
if [ -z "$ERR" ]; then ok; else fail "iris cv --quiet: stderr not empty: $(head -c 300 <<<"$ERR")"; fi
expect_jq "iris cv" '.schema == 1 and .folds == 5 and .rows == 120 and .seed == 1 and (.runs | length) == 5'
expect_jq "iris cv: every metric of M" 'all(.loss, .accuracy, .macro_f1, .roc_auc, .pr_auc; (.values | length) == 5 and (.mean | type) == "number" and (.std | type) == "number")'
expect_jq "iris cv: mean is the mean of the values" '[.loss, .accuracy, .roc_auc] | all((.values | add / length) as $m | ((.mean - $m) | fabs) < 1e-12)'
expect_jq "iris cv: std is the sample std" '.loss | (.values | add / length) as $m | ([.values[] | (. - $m) * (. - $m)] | add / (length - 1) | sqrt) as $s | ((.std - $s) | fabs) < 1e-12'
expect_jq "iris cv: stratified folds of 24 rows (8 of each class)" '.n == [24, 24, 24, 24, 24]'
expect_jq "iris cv: all folds completed" 'all(.stopped[]; . == "completed") and all(.epochs_run[]; . == 200)'
expect_jq "iris cv: test scored by every fold" '(.test.accuracy.values | length) == 5 and (.test.loss.mean | type) == "number"'
expect_jq "iris cv: fold folders" '.runs == ["'"$CV"'/fold_0", "'"$CV"'/fold_1", "'"$CV"'/fold_2", "'"$CV"'/fold_3", "'"$CV"'/fold_4"]'
printf '%s\n' "$OUT" >"$TMP/iris.stdout"
expect_same "cv.json is the --json report" "$TMP/iris.stdout" "$CV/cv.json"
expect_file "iris cv files" "$CV/cv.json" "$CV/cv.png"
if [ "$(head -c 8 "$CV/cv.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then ok; else fail "cv.png is not a PNG"; fi
for i in 0 1 2 3 4; do
  d=$CV/fold_$i
  expect_file "fold folder $d" "$d/model.json" "$d/metrics.csv" "$d/report.json" "$d/config.yaml" "$d/loss.png"
  n=$(jq '.validation.n' "$d/report.json")
  if [ "$n" = 24 ]; then ok; else fail "fold $i validates on $n rows, want 24"; fi
  counts=$(jq -c '.validation.confusion_matrix | map(add)' "$d/report.json")
  if [ "$counts" = "[8,8,8]" ]; then ok; else fail "fold $i: validation class counts $counts, want [8,8,8]"; fi
done
jq -r '"iris cv: val accuracy \(.accuracy.mean) ± \(.accuracy.std), loss \(.loss.mean) ± \(.loss.std)"' "$CV/cv.json" >&2

# ---------------------------------------------------------------------------
# 2. The table on stdout, progress on stderr; the same models for --jobs 3.
run cv configs/iris.yaml --folds 5 --out "$TMP/iris-par" --jobs 3
expect_code "iris cv table" 0
expect_grep "table header" out '^fold  stopped +epochs +n +loss +accuracy +macro_f1 +roc_auc +pr_auc$'
expect_grep "table summary" out '^validation, mean ± std over 5 folds:$'
expect_grep "table summary" out '^  accuracy +0\.[0-9]+ ± [0-9.e-]+$'
expect_grep "table footer" out "^cv folder: $TMP/iris-par\$"
expect_grep "progress" err '^cv of configs/iris\.yaml: 5 folds of 120 rows \(stratified, seed 1\), 3 at a time'
if [ "$(printf '%s\n' "$ERR" | grep -cE '^\[[1-5]/5\] fold [0-4]: completed after 200 epochs')" = 5 ]; then ok; else fail "progress: want 5 fold lines: $ERR"; fi
for i in 0 1 2 3 4; do
  expect_same "fold $i: same model.json for --jobs 1 and 3" "$CV/fold_$i/model.json" "$TMP/iris-par/fold_$i/model.json"
done
jq -S 'del(.dir, .runs)' "$CV/cv.json" >"$TMP/j1"
jq -S 'del(.dir, .runs)' "$TMP/iris-par/cv.json" >"$TMP/j3"
expect_same "--jobs 1 and --jobs 3 give the same cv.json" "$TMP/j1" "$TMP/j3"

# ---------------------------------------------------------------------------
# 3. A regression: plain folds, its own metrics; --seed changes the folds.
run cv configs/sine.yaml --folds 4 --epochs 20 --out "$TMP/sine" --json --quiet
expect_code "sine cv" 0
expect_jq "sine cv: regression metrics" 'all(.loss, .mse, .mae, .r2; (.values | length) == 4) and (has("accuracy") | not) and .test == null'
sine_n=$(jq '.rows' "$TMP/sine/cv.json")
expect_jq "sine cv: folds differ by at most one row" "(.n | add) == $sine_n and (.n | max) - (.n | min) <= 1"
run cv configs/sine.yaml --folds 4 --epochs 20 --out "$TMP/sine2" --json --quiet --seed 2
expect_code "sine cv --seed 2" 0
if ! cmp -s "$TMP/sine/fold_0/model.json" "$TMP/sine2/fold_0/model.json"; then ok; else fail "--seed 2 gave the same fold 0 model"; fi

# ---------------------------------------------------------------------------
# 4. Folders: a cv replaces an earlier cv's folds; fit and sweep refuse a cv
# folder; cv refuses a fit's run folder.
run cv configs/sine.yaml --folds 2 --epochs 5 --out "$TMP/sine" --quiet
expect_code "cv into an earlier cv's folder" 0
if [ ! -e "$TMP/sine/fold_2" ] && [ ! -e "$TMP/sine/fold_3" ] && [ -d "$TMP/sine/fold_1" ]; then ok; else fail "the earlier cv's fold_2 and fold_3 were kept: $(ls "$TMP/sine")"; fi
run fit configs/sine.yaml --epochs 2 --out "$CV" --quiet
expect_code "fit into a cv folder" 2
expect_grep "fit into a cv folder" err "^mlptrain: $CV: output\.dir: not a run folder: it holds \"cv\.json\""
run sweep configs/sine.yaml --grid train.l2=0,1 --epochs 2 --out "$CV" --quiet
expect_code "sweep into a cv folder" 2
expect_grep "sweep into a cv folder" err 'not a sweep folder'
run fit configs/sine.yaml --epochs 2 --out "$TMP/run" --quiet
run cv configs/sine.yaml --folds 2 --out "$TMP/run" --quiet
expect_code "cv into a fit's run folder" 2
expect_grep "cv into a fit's run folder" err "^mlptrain: $TMP/run: --out: not a cv folder but a fit's run folder"

# ---------------------------------------------------------------------------
# 5. Bad --folds: exit 2 naming --folds with a hint, before any folder.
for args in "--folds 1" "--folds 121" "--folds 41" "--folds=-3"; do
  # shellcheck disable=SC2086
  run cv configs/iris.yaml $args --out "$TMP/bad"
  expect_code "cv $args" 2
  expect_grep "cv $args" err '^mlptrain: --folds: .*\(hint: '
  expect_no_stack "cv $args"
  if [ -z "$OUT" ] && [ ! -e "$TMP/bad" ]; then ok; else fail "cv $args: stdout or a folder"; fi
done


# ---------------------------------------------------------------------------
# 6. Shards (docs/scale.md): two --shard processes, then collect: the cv.json
# and cv.png of one process.
for k in 0 1; do
  "$BIN" cv configs/iris.yaml --folds 4 --epochs 10 --out "$TMP/cv-shards" --shard "$k/2" --quiet >/dev/null &
done
wait
run cv collect "$TMP/cv-shards" --json
expect_code "cv collect" 0
expect_jq "cv collect" '.folds == 4 and (.stopped | all(. == "completed"))'
run cv configs/iris.yaml --folds 4 --epochs 10 --out "$TMP/cv-one" --quiet
sed "s#$TMP/cv-one#DIR#g" "$TMP/cv-one/cv.json" >"$TMP/cv-one.json"
sed "s#$TMP/cv-shards#DIR#g" "$TMP/cv-shards/cv.json" >"$TMP/cv-shards.json"
expect_same "2 cv shards + collect: cv.json" "$TMP/cv-one.json" "$TMP/cv-shards.json"
expect_same "2 cv shards + collect: cv.png" "$TMP/cv-one/cv.png" "$TMP/cv-shards/cv.png"

finish
