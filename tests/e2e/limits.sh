#!/usr/bin/env bash
# End-to-end tests of the memory a config may plan to use (--max-memory):
# a feature map too wide for the limit is refused before it is made, with
# one line naming the key, the estimate and the limit; within the limit,
# or with --max-memory none, the same config trains.
source "$(dirname "$0")/lib.sh"

# 300 rows of 30 small integers and a class: at degree 4, 46,375 features.
awk 'BEGIN { srand(3); for (j = 0; j < 30; j++) printf "p%d,", j; print "label";
  for (i = 0; i < 300; i++) { for (j = 0; j < 30; j++) printf "%d,", int(rand() * 17); print int(rand() * 3) } }' >"$TMP/digits.csv"
cat >"$TMP/wide.yaml" <<YAML
data: {train: $TMP/digits.csv, target: label, validation: 0.2, feature_map: {polynomial: 4}}
model: {layers: [{units: 4, activation: relu}, {activation: softmax}]}
train: {epochs: 1}
output: {dir: $TMP/wide}
YAML

run fit "$TMP/wide.yaml" --quiet --max-memory 50MB
expect_code "over --max-memory" 2
expect_no_stack "over --max-memory"
expect_grep "over --max-memory" err "^mlptrain: $TMP/wide.yaml: data.feature_map.polynomial: training needs about [0-9.]+ MiB of memory \(data [0-9.]+ MiB: 300 rows × 46375 inputs.*more than the limit of 47.7 MiB \(--max-memory\) \(hint: lower data.feature_map.polynomial.*--max-memory 1GiB"
if [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ]; then ok; else fail "over --max-memory: more than one stderr line: $ERR"; fi
if [ ! -e "$TMP/wide/model.json" ]; then ok; else fail "over --max-memory: a model was written"; fi

run sweep "$TMP/wide.yaml" --quiet --max-memory 50MB --grid train.seed=1,2 --out "$TMP/wide-sweep"
expect_code "sweep over --max-memory" 2
expect_grep "sweep over --max-memory" err "more than the limit"

run fit "$TMP/wide.yaml" --quiet --max-memory 2GiB --json
expect_code "within --max-memory" 0
expect_jq "within --max-memory" '.stopped == "completed"'

run fit "$TMP/wide.yaml" --quiet --max-memory none --json --out "$TMP/wide2"
expect_code "--max-memory none" 0

# Numbers at the edge: an L2 penalty of 1e300 with Adam overflows its
# second moment while the weights stay finite. That is a diverged run
# (exit 3), not a checkpoint that cannot be encoded (exit 1).
run fit configs/sine.yaml --set train.l2=1e300 --epochs 5 --quiet --out "$TMP/l2"
expect_code "l2 1e300 with adam" 3
expect_no_stack "l2 1e300 with adam"
expect_grep "l2 1e300 with adam" err "a weight or the optimizer's state became infinite or NaN"

finish
