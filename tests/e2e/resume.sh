#!/usr/bin/env bash
# End-to-end test of interrupts and --resume: a real SIGINT (and SIGTERM)
# sent to a running fit, then --resume, then a byte comparison against an
# uninterrupted run.
source "$(dirname "$0")/lib.sh"

# A run long enough to interrupt after epoch 20: about a second or more
# (800 epochs of 32 units took 0.1 s once training got faster, which left
# the signal racing the end of the run).
cat >"$TMP/long.yaml" <<'YAML'
data:
  train: datasets/diabetes.csv
  validation: 0.2
  target: progression
model:
  layers:
    - {units: 128, activation: tanh}
    - {activation: identity}
  loss: squared_error
train:
  optimizer: adam
  learning_rate: 0.01
  batch_size: 16
  epochs: 3000
  seed: 3
YAML

run fit "$TMP/long.yaml" --out "$TMP/whole" --quiet --json
expect_code "uninterrupted" 0

for sig in INT TERM; do
  want=130; [ "$sig" = TERM ] && want=143
  dir="$TMP/parts-$sig"
  set +e
  "$BIN" fit "$TMP/long.yaml" --out "$dir" --progress-every 1 >"$TMP/out" 2>"$TMP/err" &
  pid=$!
  # Wait until training is under way (up to a minute on a loaded machine), then signal.
  for _ in $(seq 1200); do grep -q '^epoch 20/' "$TMP/err" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -s "$sig" "$pid"
  wait "$pid"
  CODE=$?
  set -e
  ERR=$(grep -v '^epoch ' "$TMP/err" || true)
  expect_code "SIG$sig exit status" "$want"
  expect_grep "SIG$sig message" err "interrupted by SIG$sig"
  expect_no_stack "SIG$sig"
  OUT=$(cat "$dir/report.json")
  expect_jq "SIG$sig report" '.stopped == "interrupted" and .epochs_run < 3000'
  epochs=$(printf '%s' "$OUT" | jq .epochs_run)
  rows=$(($(wc -l <"$dir/metrics.csv") - 1))
  if [ "$rows" = "$epochs" ]; then ok; else fail "SIG$sig: metrics.csv has $rows rows, report says $epochs epochs"; fi
  if [ -f "$dir/checkpoint.json" ] && jq -e '.format == "mlptrain-checkpoint"' "$dir/checkpoint.json" >/dev/null; then ok; else fail "SIG$sig: no checkpoint"; fi

  run fit "$TMP/long.yaml" --resume "$dir" --quiet --json
  expect_code "SIG$sig resume" 0
  expect_jq "SIG$sig resume" '.stopped == "completed" and .epochs_run == 3000'
  if cmp -s "$dir/model.json" "$TMP/whole/model.json"; then ok; else fail "SIG$sig: resumed model.json differs from the uninterrupted one"; fi
  if diff <(cut -d, -f1-5 "$dir/metrics.csv") <(cut -d, -f1-5 "$TMP/whole/metrics.csv") >/dev/null; then ok; else fail "SIG$sig: metrics.csv differs apart from seconds"; fi
done

# With dropout and batch normalization: an interrupted run resumed in the
# middle of an epoch (checkpoint_every 1, SIGINT after epoch 10) ends with
# the bytes of an uninterrupted one; the dropout masks' stream and the
# running averages are in the checkpoint.
sed -e 's/{units: 128, activation: tanh}/{units: 64, activation: tanh, batch_norm: true, dropout: 0.3}/' \
  -e 's/epochs: 3000/epochs: 1500/' "$TMP/long.yaml" >"$TMP/reg.yaml"
run fit "$TMP/reg.yaml" --out "$TMP/reg-whole" --quiet --json
expect_code "regularized uninterrupted" 0
dir="$TMP/reg-parts"
set +e
"$BIN" fit "$TMP/reg.yaml" --out "$dir" --progress-every 1 >/dev/null 2>"$TMP/err" &
pid=$!
for _ in $(seq 1200); do grep -q '^epoch 10/' "$TMP/err" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -INT "$pid"
wait "$pid"
CODE=$?
set -e
ERR=$(grep -v '^epoch ' "$TMP/err" || true)
expect_code "regularized SIGINT" 130
if jq -e '(.mask_rng | length) > 0' "$dir/checkpoint.json" >/dev/null; then ok; else fail "regularized: no mask_rng in the checkpoint"; fi
run fit "$TMP/reg.yaml" --resume "$dir" --quiet --json
expect_code "regularized resume" 0
if cmp -s "$dir/model.json" "$TMP/reg-whole/model.json"; then ok; else fail "regularized: resumed model.json differs from the uninterrupted one"; fi
if diff <(cut -d, -f1-5 "$dir/metrics.csv") <(cut -d, -f1-5 "$TMP/reg-whole/metrics.csv") >/dev/null; then ok; else fail "regularized: metrics.csv differs apart from seconds"; fi

# A second signal exits at once, leaving the files whole.
dir="$TMP/twice"
set +e
"$BIN" fit "$TMP/long.yaml" --out "$dir" --epochs 100000 --progress-every 1 >/dev/null 2>"$TMP/err" &
pid=$!
for _ in $(seq 1200); do grep -q '^epoch 20/' "$TMP/err" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -INT "$pid"; sleep 0.01; kill -INT "$pid"
wait "$pid"
CODE=$?
set -e
ERR=$(grep -v '^epoch ' "$TMP/err" || true)
expect_code "second SIGINT" 130
expect_no_stack "second SIGINT"
# Whatever the second signal cut short, no file is half written: the run
# folder holds the interrupted run's files if the switch came first, else
# none (the folder was new), and the run's staging folder whole files.
shopt -s nullglob
for f in "$dir"/*.json "$dir"/.mlptrain/next/*.json; do
  if jq -e . "$f" >/dev/null 2>&1; then ok; else fail "second SIGINT: $f is not whole"; fi
done
shopt -u nullglob
# What the abrupt exit may have left (a temporary file, the staging folder,
# the lock file) is removed by the next run in that folder.
run fit "$TMP/long.yaml" --out "$dir" --quiet --epochs 1
expect_code "a run after the second SIGINT" 0
stale=$(find "$dir" -mindepth 1 -maxdepth 1 -name '.*' | wc -l)
if [ "$stale" = 0 ]; then ok; else fail "stale temporary files after a new run: $(ls -a "$dir")"; fi

# A damaged checkpoint (one digit of a weight changed) is refused, naming
# it; before the checksum it was resumed silently to another model.
dir="$TMP/damaged"
run fit "$TMP/long.yaml" --out "$dir" --quiet --epochs 3
expect_code "run to damage" 0
# (The first digit of the first weight becomes the next digit.)
sed -E 's/("weights":\[\[-?)([0-9])/\1@@\2/; s/@@0/1/; s/@@1/2/; s/@@2/3/; s/@@3/4/; s/@@4/5/; s/@@5/6/; s/@@6/7/; s/@@7/8/; s/@@8/9/; s/@@9/0/' \
  "$dir/checkpoint.json" >"$TMP/flipped.json"
if cmp -s "$dir/checkpoint.json" "$TMP/flipped.json"; then fail "damaged checkpoint: no digit changed"; else ok; fi
mv "$TMP/flipped.json" "$dir/checkpoint.json"
run fit "$TMP/long.yaml" --resume "$dir" --quiet --epochs 5
expect_code "damaged checkpoint" 2
expect_grep "damaged checkpoint" err "^mlptrain: $dir/checkpoint.json: checksum mismatch: the file was truncated or edited \(hint: "
if [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ]; then ok; else fail "damaged checkpoint: stderr has more than one line: $ERR"; fi

# Usage errors around --resume.
run fit "$TMP/long.yaml" --resume "$TMP/nowhere" --quiet
expect_code "resume without checkpoint" 2
expect_grep "resume without checkpoint" err 'nowhere/checkpoint.json: cannot open checkpoint'
run fit "$TMP/long.yaml" --resume "$TMP/whole" --out "$TMP/else" --quiet
expect_code "resume with another --out" 2
sed 's/learning_rate: 0.01/learning_rate: 0.02/' "$TMP/long.yaml" >"$TMP/other.yaml"
run fit "$TMP/other.yaml" --resume "$TMP/whole" --quiet
expect_code "resume with another config" 2
expect_grep "resume with another config" err 'another config'

finish
