#!/usr/bin/env bash
# End-to-end tests of `mlptrain sweep`: choosing a hyperparameter with a
# validation set. The table, the JSON report, the files, the best pick (the
# argmin of val_loss, computed here with jq), determinism across --jobs,
# diverged points, and bad grids. Every run writes under $TMP, never runs/.
source "$(dirname "$0")/lib.sh"

# argmin: the index of the first point with the lowest non-null val_loss.
ARGMIN='[.points[] | select(.val_loss != null)] as $ok | ($ok | map(.val_loss) | min) as $m | [$ok[] | select(.val_loss == $m)][0].index'

# ---------------------------------------------------------------------------
# 1. The learning rate of the sine regression: JSON report and files.
SW=$TMP/lr
run sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --set train.epochs=50 --out "$SW" --json --quiet
expect_code "lr sweep" 0
if [ -z "$ERR" ]; then ok; else fail "lr sweep --quiet: stderr not empty: $(head -c 300 <<<"$ERR")"; fi
expect_jq "lr sweep" '.schema == 1 and .by == "val_loss" and .keys == ["train.learning_rate"] and (.points | length) == 3'
expect_jq "lr sweep" '[.points[].params["train.learning_rate"]] == [0.001, 0.01, 0.1]'
expect_jq "lr sweep" '[.points[].index] == [0, 1, 2]'
expect_jq "lr sweep" 'all(.points[]; .stopped == "completed" and .epochs_run == 50 and (.train_loss | type) == "number" and (.val_loss | type) == "number")'
expect_jq "lr sweep: regression has no accuracies" 'all(.points[]; has("val_accuracy") | not)'
expect_jq "lr sweep: best is the argmin of val_loss" ".best == ($ARGMIN)"
expect_jq "lr sweep: point folders" '.points[0].dir == "'"$SW"'/0_train.learning_rate=0.001" and .points[2].dir == "'"$SW"'/2_train.learning_rate=0.1"'
expect_jq "lr sweep: no timings in the report" '[.. | objects | has("seconds")] | any | not'
printf '%s\n' "$OUT" >"$TMP/lr.stdout"
expect_same "sweep.json is the --json report" "$TMP/lr.stdout" "$SW/sweep.json"
expect_file "lr sweep files" "$SW/sweep.csv" "$SW/sweep.json" "$SW/sweep.png"
if [ "$(head -c 8 "$SW/sweep.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then ok; else fail "sweep.png is not a PNG"; fi
for d in "$SW"/0_* "$SW"/1_* "$SW"/2_*; do
  expect_file "point folder $d" "$d/model.json" "$d/metrics.csv" "$d/report.json" "$d/config.yaml"
done
if grep -qE '^ *learning_rate: 0\.01$' "$SW/1_train.learning_rate=0.01/config.yaml"; then ok; else fail "point 1's config.yaml does not record learning_rate 0.01"; fi
hdr=$(head -1 "$SW/sweep.csv")
if [ "$hdr" = "index,train.learning_rate,stopped,epochs_run,best_epoch,train_loss,val_loss,train_accuracy,val_accuracy,train_roc_auc,val_roc_auc,train_pr_auc,val_pr_auc,best,dir,train_r2,val_r2,train_mse,val_mse,train_mae,val_mae" ]; then ok; else fail "sweep.csv header: $hdr"; fi
best=$(jq -r .best "$SW/sweep.json")
csvbest=$(awk -F, 'NR > 1 && $14 == 1 { print $1 }' "$SW/sweep.csv")
if [ "$csvbest" = "$best" ] && [ "$(($(wc -l <"$SW/sweep.csv") - 1))" = 3 ]; then ok; else fail "sweep.csv: 3 rows with best $best marked, got best '$csvbest'"; fi
# The measured outcome, for the record.
jq -r '"lr sweep: " + ([.points[] | "\(.params["train.learning_rate"]): train \(.train_loss) val \(.val_loss)"] | join("; ")) + " → best #\(.best)"' "$SW/sweep.json" >&2

# ---------------------------------------------------------------------------
# 2. The table on stdout, progress on stderr; the same numbers in parallel.
run sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --set train.epochs=50 --out "$TMP/lr-par" --jobs 3
expect_code "lr sweep table" 0
expect_grep "table header" out '^#  train\.learning_rate  stopped +epochs +train_loss +val_loss$'
expect_grep "table best row" out "^$best  .*<- best\$"
if [ "$(printf '%s\n' "$OUT" | grep -c -- '<- best')" = 1 ]; then ok; else fail "table: not exactly one best row: $OUT"; fi
expect_grep "table footer" out "^best by validation loss: #$best train\.learning_rate="
expect_grep "table footer" out "^sweep folder: $TMP/lr-par\$"
expect_grep "progress" err '^sweep of configs/sine\.yaml over train\.learning_rate: 3 points, 3 at a time'
if [ "$(printf '%s\n' "$ERR" | grep -cE '^\[[123]/3\] #[012] train\.learning_rate=[0-9.]+: completed after 50 epochs')" = 3 ]; then ok; else fail "progress: want 3 point lines: $ERR"; fi
jq -S 'del(.dir) | .points |= map(del(.dir))' "$SW/sweep.json" >"$TMP/j1"
jq -S 'del(.dir) | .points |= map(del(.dir))' "$TMP/lr-par/sweep.json" >"$TMP/j3"
expect_same "--jobs 1 and --jobs 3 give the same sweep.json" "$TMP/j1" "$TMP/j3"
for i in 0 1 2; do
  expect_same "point $i: same model.json for any --jobs" "$SW/$i"_*/model.json "$TMP/lr-par/$i"_*/model.json
done

# ---------------------------------------------------------------------------
# 2b. --by roc_auc on a binary classifier (credit, without train.class_weight,
# which is not implemented yet): the best point has the highest val_roc_auc.
grep -v class_weight configs/credit.yaml >"$TMP/credit.yaml"
ARGMAX_ROC='[.points[] | select(.val_roc_auc != null)] as $ok | ($ok | map(.val_roc_auc) | max) as $m | [$ok[] | select(.val_roc_auc == $m)][0].index'
run sweep "$TMP/credit.yaml" --grid train.learning_rate=0.0001,0.001,0.01 --epochs 5 --by roc_auc --out "$TMP/by-roc" --json --quiet --jobs 3
expect_code "sweep --by roc_auc" 0
expect_jq "sweep --by roc_auc" '.by == "val_roc_auc" and (.points | length) == 3'
expect_jq "sweep --by roc_auc" 'all(.points[]; (.val_roc_auc | type) == "number" and (.train_roc_auc | type) == "number" and (.val_pr_auc | type) == "number")'
expect_jq "sweep --by roc_auc: best is the argmax of val_roc_auc" ".best == ($ARGMAX_ROC)"
expect_file "sweep --by roc_auc plot" "$TMP/by-roc/sweep.png"
best=$(jq -r .best "$TMP/by-roc/sweep.json")
csvbest=$(awk -F, 'NR > 1 && $14 == 1 { print $1 }' "$TMP/by-roc/sweep.csv")
if [ "$csvbest" = "$best" ]; then ok; else fail "sweep --by roc_auc: sweep.csv marks '$csvbest', want $best"; fi
run sweep "$TMP/credit.yaml" --grid train.learning_rate=0.0001,0.001,0.01 --epochs 5 --by pr_auc --out "$TMP/by-pr" --jobs 3
expect_code "sweep --by pr_auc table" 0
expect_grep "sweep --by pr_auc table" out '^#  train\.learning_rate  stopped +epochs +train_loss +val_loss +train_acc +val_acc +val_pr_auc$'
expect_grep "sweep --by pr_auc table" out '^best by validation pr_auc: #[0-2] train\.learning_rate=[0-9.]+ \(val_pr_auc 0\.[0-9]+\)$'
run sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01 --by roc_auc --out "$TMP/by-reg"
expect_code "sweep a regression --by roc_auc" 2
expect_grep "sweep a regression --by roc_auc" err 'a regression has no roc_auc'
if [ ! -e "$TMP/by-reg" ]; then ok; else fail "sweep a regression --by roc_auc: made its folder"; fi
run sweep configs/iris.yaml --grid train.l2=0,1 --by r2 --out "$TMP/by-r2c"
expect_code "sweep a classifier --by r2" 2
expect_grep "sweep a classifier --by r2" err '^mlptrain: configs/iris\.yaml: --by r2: a classifier has no r2'
run sweep configs/iris.yaml --grid train.l2=0,1 --by rmse --out "$TMP/by-rmse"
expect_code "sweep --by rmse" 2
expect_grep "sweep --by rmse" err '^mlptrain: --by: unknown metric "rmse"'
# 2c. --by r2 (highest) and mae (lowest) on a regression; the csv carries them at the end.
ARGMAX_R2='[.points[] | select(.val_r2 != null)] as $ok | ($ok | map(.val_r2) | max) as $m | [$ok[] | select(.val_r2 == $m)][0].index'
ARGMIN_MAE='[.points[] | select(.val_mae != null)] as $ok | ($ok | map(.val_mae) | min) as $m | [$ok[] | select(.val_mae == $m)][0].index'
run sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --epochs 30 --by r2 --out "$TMP/by-r2" --json --quiet --jobs 3
expect_code "sweep --by r2" 0
expect_jq "sweep --by r2" '.by == "val_r2" and all(.points[]; (.val_r2 | type) == "number" and (.train_mse | type) == "number" and (.val_mae | type) == "number")'
expect_jq "sweep --by r2: best is the argmax of val_r2" ".best == ($ARGMAX_R2)"
r2col=$(awk -F, 'NR == 2 { print $17 }' "$TMP/by-r2/sweep.csv")
if [ "$r2col" = "$(jq -r '.points[0].val_r2' "$TMP/by-r2/sweep.json")" ]; then ok; else fail "sweep.csv column 17 is not val_r2: $r2col"; fi
run sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --epochs 30 --by mae --out "$TMP/by-mae" --json --quiet --jobs 3
expect_code "sweep --by mae" 0
expect_jq "sweep --by mae: best is the argmin of val_mae" ".by == \"val_mae\" and .best == ($ARGMIN_MAE)"

# ---------------------------------------------------------------------------
# 3. Two keys: the product in nested-loop order, no plot.
run sweep configs/sine.yaml --grid train.learning_rate=0.01,0.1 --grid train.optimizer=sgd,adam --set train.epochs=10 --out "$TMP/two" --json --quiet --jobs 2
expect_code "two keys" 0
expect_jq "two keys" '.keys == ["train.learning_rate", "train.optimizer"]'
expect_jq "two keys: first key slowest" '[.points[].params | "\(.["train.learning_rate"])/\(.["train.optimizer"])"] == ["0.01/sgd", "0.01/adam", "0.1/sgd", "0.1/adam"]'
expect_jq "two keys: best is the argmin" ".best == ($ARGMIN)"
if [ ! -e "$TMP/two/sweep.png" ]; then ok; else fail "two keys: sweep.png written"; fi

# ---------------------------------------------------------------------------
# 3b. Widths and depths: layer keys by index, model.depth and model.width.
run sweep configs/sine.yaml --grid model.depth=1,2 --grid model.width=4,16 --set model.layers.0.activation=relu --epochs 5 --out "$TMP/shape" --json --quiet --jobs 4
expect_code "depth and width" 0
expect_jq "depth and width" '.keys == ["model.depth", "model.width"] and [.points[].params | "\(.["model.depth"])x\(.["model.width"])"] == ["1x4", "1x16", "2x4", "2x16"]'
if grep -qE '^ +- units: 16$' "$TMP/shape/3_model.depth=2,model.width=16/config.yaml" && [ "$(grep -c 'units: 16' "$TMP/shape/3_model.depth=2,model.width=16/config.yaml")" = 2 ] && grep -q 'activation: relu' "$TMP/shape/3_model.depth=2,model.width=16/config.yaml"; then ok; else fail "point 3's config.yaml is not two relu layers of 16: $(cat "$TMP/shape/3_model.depth=2,model.width=16/config.yaml")"; fi
if [ "$(head -c 8 "$TMP/shape/sweep.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then ok; else fail "two numeric keys: sweep.png (the heat map) is not a PNG"; fi
run sweep configs/sine.yaml --random 4 --range train.learning_rate=log:1e-3:1e-1 --range train.l2=lin:0:0.01 --epochs 2 --out "$TMP/heat-rnd" --json --quiet
expect_code "random heat map" 0
expect_file "random heat map" "$TMP/heat-rnd/sweep.png"
run sweep configs/sine.yaml --grid 'model.layers[0].units=2,8' --epochs 2 --out "$TMP/units" --json --quiet
expect_code "a layer's units by index" 0
expect_jq "a layer's units by index" '.keys == ["model.layers.0.units"] and [.points[].params["model.layers.0.units"]] == [2, 8]'
run sweep configs/sine.yaml --grid model.layers.2.units=2,8 --epochs 2 --out "$TMP/units-bad"
expect_code "a layer past the last" 2
expect_grep "a layer past the last" err '^mlptrain: --grid model\.layers\.2\.units=2: layer 2 is out of range: the config has 2 layers, model\.layers\.0 to model\.layers\.1 \(the last is the output layer\) \(hint: '
run sweep configs/sine.yaml --grid model.layers.0.unit=2,8 --epochs 2 --out "$TMP/units-bad"
expect_code "a misspelt layer key" 2
expect_grep "a misspelt layer key" err 'did you mean "model\.layers\.0\.units"\?'

# ---------------------------------------------------------------------------
# 3c. Random search: seeded, reproducible, combined with a grid.
rnd() { run sweep configs/sine.yaml --random 3 --range train.learning_rate=log:1e-3:1e-1 --range model.layers.0.units=int:2:16 --grid train.optimizer=sgd,adam --epochs 5 --json --quiet --jobs 3 "$@"; }
rnd --out "$TMP/rnd1"
expect_code "random search" 0
expect_jq "random search" '.keys == ["train.optimizer", "train.learning_rate", "model.layers.0.units"] and (.points | length) == 6 and .random == 3 and .ranges == ["train.learning_rate=log:1e-3:1e-1", "model.layers.0.units=int:2:16"]'
expect_jq "random search: within the ranges" 'all(.points[].params; .["train.learning_rate"] >= 0.001 and .["train.learning_rate"] <= 0.1 and .["model.layers.0.units"] >= 2 and .["model.layers.0.units"] <= 16)'
expect_jq "random search: the same draws for each grid point" '[.points[0:3][].params | del(.["train.optimizer"])] == [.points[3:6][].params | del(.["train.optimizer"])]'
expect_jq "random search: best is the argmin" ".best == ($ARGMIN)"
rnd --out "$TMP/rnd2"
jq -S 'del(.dir) | .points |= map(del(.dir))' "$TMP/rnd1/sweep.json" >"$TMP/r1"
jq -S 'del(.dir) | .points |= map(del(.dir))' "$TMP/rnd2/sweep.json" >"$TMP/r2"
expect_same "random search: the same command draws the same points" "$TMP/r1" "$TMP/r2"
rnd --out "$TMP/rnd3" --seed 2
if [ "$(jq -c '[.points[].params]' "$TMP/rnd3/sweep.json")" != "$(jq -c '[.points[].params]' "$TMP/rnd1/sweep.json")" ]; then ok; else fail "random search: --seed 2 drew the same points"; fi
run sweep configs/sine.yaml --random 3 --epochs 1 --out "$TMP/rnd-bad"
expect_code "--random without --range" 2
expect_grep "--random without --range" err '^mlptrain: --random: no --range to draw the points from \(hint: '
run sweep configs/sine.yaml --range train.l2=lin:0:1 --epochs 1 --out "$TMP/rnd-bad"
expect_code "--range without --random" 2
expect_grep "--range without --random" err '^mlptrain: --range train\.l2=lin:0:1: --range needs --random N'
run sweep configs/sine.yaml --random 3 --range train.l2=lin:1:0 --epochs 1 --out "$TMP/rnd-bad"
expect_code "--range A >= B" 2
expect_grep "--range A >= B" err '^mlptrain: --range train\.l2=lin:1:0: the lower bound 1 must be below the upper bound 0'
run sweep configs/sine.yaml --random 3 --range train.learning_rate=log:-1:1 --epochs 1 --out "$TMP/rnd-bad"
expect_code "--range log of a negative" 2
expect_grep "--range log of a negative" err 'log needs bounds above 0'
run sweep configs/sine.yaml --random 3 --range model.layers.0.units=int:1:2.5 --epochs 1 --out "$TMP/rnd-bad"
expect_code "--range int of a fraction" 2
expect_grep "--range int of a fraction" err 'int bounds must be whole numbers, got "2\.5"'
run sweep configs/sine.yaml --random 3 --range 'train.optimizer=choice:sgd||adam' --epochs 1 --out "$TMP/rnd-bad"
expect_code "--range empty choice" 2
expect_grep "--range empty choice" err 'empty choice in the list of train\.optimizer'
if [ ! -e "$TMP/rnd-bad" ]; then ok; else fail "a bad --range made the sweep folder"; fi

# ---------------------------------------------------------------------------
# 4. A diverged point is recorded and skipped; all diverged is exit 3.
run sweep configs/sine.yaml --grid train.learning_rate=0.1,1e5 --set train.optimizer=gd --set train.epochs=100 --out "$TMP/div" --json --quiet
expect_code "one point diverges" 0
expect_jq "one point diverges" '.points[1].stopped == "diverged" and .points[1].val_loss == null and .points[1].train_loss == null'
expect_jq "one point diverges" '.points[0].stopped == "completed" and .best == 0'
expect_file "diverged sweep plot" "$TMP/div/sweep.png"
run sweep configs/sine.yaml --grid train.learning_rate=1e5,1e6 --set train.optimizer=gd --set train.epochs=100 --out "$TMP/alldiv" --json
expect_code "all points diverge" 3
expect_jq "all points diverge" '.best == null and all(.points[]; .stopped == "diverged")'
expect_grep "all points diverge" err 'all 2 points of the sweep diverged'
expect_no_stack "all points diverge"

# ---------------------------------------------------------------------------
# 5. Bad grids and configs: exit 2 before any training, naming the flag.
bad() { # NAME PATTERN ARGS...
  local name=$1 pat=$2
  shift 2
  run sweep configs/sine.yaml --out "$TMP/bad" "$@"
  expect_code "$name" 2
  expect_grep "$name" err "$pat"
  expect_no_stack "$name"
  if [ ! -e "$TMP/bad" ]; then ok; else fail "$name: the sweep folder was created"; fi
}
bad "no grid" 'no grid to sweep'
bad "no =" '^mlptrain: --grid train\.learning_rate: want KEY=V1,V2' --grid train.learning_rate
bad "empty values" 'no values for train\.learning_rate' --grid train.learning_rate=
bad "empty value" 'empty value' --grid train.learning_rate=0.1,,1
bad "duplicate key" 'train\.l2 is also given by --grid train\.l2=0' --grid train.l2=0 --grid train.l2=0.1
bad "key also set" 'train\.epochs is also given by --set train\.epochs=5' --grid train.epochs=1,2 --set train.epochs=5
bad "unknown key" '^mlptrain: --grid train\.learnin_rate=0\.1: unknown key .*did you mean "train\.learning_rate"' --grid train.learnin_rate=0.1
bad "bad value" '^mlptrain: --grid train\.epochs=ten: ' --grid train.epochs=5,ten
bad "out of range" '^mlptrain: --grid train\.learning_rate=-1: ' --grid train.learning_rate=0.1,-1
bad "no validation" 'by validation loss.*training loss would reward' --grid train.epochs=5 --set data.validation=0
bad "threads with jobs" '^mlptrain: --jobs: train\.threads is 2' --grid train.epochs=5,6 --set train.threads=2 --jobs 2

# ---------------------------------------------------------------------------
# 6. The polynomial degree of the lecture's underfitting/overfitting example:
# the validation set picks degree 3 (training loss alone would pick 9).
poly=configs/poly_deg3.yaml
run sweep "$poly" --grid data.feature_map.polynomial=1,3,9 --out "$TMP/deg" --json --quiet
expect_code "degree sweep" 0
expect_jq "degree sweep" '[.points[].params["data.feature_map.polynomial"]] == [1, 3, 9]'
expect_jq "degree sweep: best is the argmin" ".best == ($ARGMIN)"
expect_jq "degree sweep: validation picks degree 3" '.points[.best].params["data.feature_map.polynomial"] == 3'
expect_jq "degree sweep: training loss falls with degree" '.points[0].train_loss > .points[1].train_loss and .points[1].train_loss > .points[2].train_loss'
expect_file "degree sweep plot" "$TMP/deg/sweep.png"

# ---------------------------------------------------------------------------
# 7. The sweep folder holds one sweep.
# A fit's run folder and a folder of other files are refused, left as they were.
run fit configs/sine.yaml --epochs 1 -q --out "$TMP/runfolder"
expect_code "fit for the run folder" 0
run sweep configs/sine.yaml --grid train.l2=0,1 --epochs 1 -q --out "$TMP/runfolder"
expect_code "sweep into a run folder" 2
expect_grep "sweep into a run folder" err "^mlptrain: $TMP/runfolder: --out: not a sweep folder but a fit's run folder: it holds .*\(hint: choose a new or empty folder, or an earlier sweep's, with --out DIR\)\$"
if [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] && [ ! -e "$TMP/runfolder/sweep.json" ]; then ok; else fail "sweep into a run folder: want one stderr line and no sweep.json: $ERR"; fi
mkdir -p "$TMP/foreign" && echo mine >"$TMP/foreign/notes.txt"
run sweep configs/sine.yaml --grid train.l2=0,1 --epochs 1 -q --out "$TMP/foreign"
expect_code "sweep into a foreign folder" 2
expect_grep "sweep into a foreign folder" err "^mlptrain: $TMP/foreign: --out: not a sweep folder: it holds \"notes.txt\", which a sweep does not write \(hint: "
if [ "$(ls -A "$TMP/foreign")" = notes.txt ]; then ok; else fail "sweep into a foreign folder wrote there: $(ls -A "$TMP/foreign")"; fi
# An earlier sweep's folder is replaced: its points the new sweep lacks go.
run sweep configs/sine.yaml --grid train.l2=0,1 --grid train.seed=1,2 --epochs 1 -q --out "$TMP/s"
expect_code "4-point sweep" 0
run sweep configs/sine.yaml --grid train.l2=0,1 --epochs 1 -q --json --out "$TMP/s"
expect_code "2-point sweep over it" 0
got=$(cd "$TMP/s" && ls -d [0-9]*_* | tr '\n' ' ')
listed=$(jq -r '[.points[].dir | split("/") | last] | join(" ")' "$TMP/s/sweep.json")
if [ "$got" = "0_train.l2=0 1_train.l2=1 " ] && [ "$listed" = "0_train.l2=0 1_train.l2=1" ]; then ok; else fail "stale points: folders '$got', sweep.json lists '$listed'"; fi
# Two sweeps at once into one folder: the second is refused, naming the first.
"$BIN" sweep configs/sine.yaml --grid train.l2=0,1 --epochs 100000 --set train.early_stopping.patience=0 -q --out "$TMP/c" >/dev/null 2>&1 &
first=$!
for _ in $(seq 100); do [ -e "$TMP/c/.mlptrain-sweep.lock" ] && [ -s "$TMP/c/.mlptrain-sweep.lock" ] && break; sleep 0.1; done
run sweep configs/sine.yaml --grid train.l2=0,1 --epochs 1 -q --out "$TMP/c"
expect_code "second sweep at once" 2
expect_grep "second sweep at once" err "^mlptrain: $TMP/c: --out: the sweep folder is in use by another sweep \(process $first\) \(hint: wait until it ends, or choose another folder with --out DIR\)\$"
kill -9 "$first" 2>/dev/null || true
wait "$first" 2>/dev/null || true
# A killed holder does not block.
run sweep configs/sine.yaml --grid train.l2=0,1 --epochs 1 -q --json --out "$TMP/c"
expect_code "sweep after a killed one" 0
expect_jq "sweep after a killed one" '(.points | length) == 2 and all(.points[]; .stopped == "completed")'
if [ ! -e "$TMP/c/.mlptrain-sweep.lock" ]; then ok; else fail "the sweep left its lock file"; fi
# MLPTRAIN_OUTPUT_DIR is refused as --set output.dir is; the file's output.dir is ignored.
set +e
MLPTRAIN_OUTPUT_DIR="$TMP/envdir" "$BIN" sweep configs/sine.yaml --grid train.l2=0,1 --epochs 1 --out "$TMP/env" >"$TMP/out" 2>"$TMP/err"
CODE=$?
set -e
ERR=$(cat "$TMP/err")
expect_code "MLPTRAIN_OUTPUT_DIR" 2
expect_grep "MLPTRAIN_OUTPUT_DIR" err '^mlptrain: MLPTRAIN_OUTPUT_DIR: output\.dir is set per point by the sweep \(hint: unset MLPTRAIN_OUTPUT_DIR, and use --out DIR for the sweep.s folder\)$'
if [ ! -e "$TMP/envdir" ] && [ ! -e "$TMP/env" ]; then ok; else fail "MLPTRAIN_OUTPUT_DIR: a folder was written"; fi


# ---------------------------------------------------------------------------
# Shards (docs/scale.md): three --shard processes at once into one folder,
# then collect: the sweep.json, sweep.csv and sweep.png of one process.
SH=$TMP/shards
for k in 0 1 2; do
  "$BIN" sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --grid model.width=4,8 --epochs 20 --out "$SH" --shard "$k/3" --quiet >/dev/null &
done
wait
if [ ! -e "$SH/sweep.json" ] && [ -f "$SH/.mlptrain/shard-2-of-3.json" ]; then ok; else fail "shards: a shard wrote sweep.json, or shard 2's manifest is missing"; fi
run sweep collect "$SH" --json
expect_code "sweep collect" 0
expect_jq "sweep collect" '(.points | length) == 6 and all(.points[]; .stopped == "completed") and (has("shard") | not)'
run sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --grid model.width=4,8 --epochs 20 --out "$TMP/unsharded" --quiet
expect_code "unsharded sweep" 0
for f in sweep.json sweep.csv; do
  sed "s#$TMP/unsharded#DIR#g" "$TMP/unsharded/$f" >"$TMP/one.$f"
  sed "s#$SH#DIR#g" "$SH/$f" >"$TMP/sharded.$f"
  expect_same "3 shards + collect: $f" "$TMP/one.$f" "$TMP/sharded.$f"
done
expect_same "3 shards + collect: sweep.png" "$TMP/unsharded/sweep.png" "$SH/sweep.png"
# A missing shard: the index is written, the point listed, exit 4.
run sweep configs/sine.yaml --grid train.l2=0,1 --epochs 2 --out "$TMP/half" --shard 0/2 --quiet
run sweep collect "$TMP/half"
expect_code "collect with a shard missing" 4
expect_grep "collect with a shard missing" err '^  #1 train\.l2=1: shard 1 of 2 has not run$'
run sweep collect "$TMP/half" --allow-missing --quiet
expect_code "collect --allow-missing" 0
run sweep collect "$TMP"
expect_code "collect of a folder that is no sweep's" 2

finish
