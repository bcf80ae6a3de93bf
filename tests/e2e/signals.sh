#!/usr/bin/env bash
# End-to-end tests of signals while the data loads: a fit reading a named
# pipe that nobody writes to, or a slow writer, must stop on the first
# SIGTERM or SIGINT with exit 143 or 130 and one line, and write nothing.
source "$(dirname "$0")/lib.sh"

mkfifo "$TMP/pipe.csv"
cat >"$TMP/pipe.yaml" <<YAML
data: {train: $TMP/pipe.csv, target: species}
model: {layers: [{units: 4, activation: tanh}, {activation: softmax}]}
output: {dir: $TMP/run}
YAML

# signal_while_loading NAME SIG WANT [WRITER]: starts a fit on the pipe
# (with WRITER feeding it, if given), signals it after half a second, and
# checks the exit status, the one line on stderr and the empty run folder.
signal_while_loading() {
  local name=$1 sig=$2 want=$3 writer=${4:-} wpid=""
  if [ -n "$writer" ]; then
    bash -c "$writer" >"$TMP/pipe.csv" &
    wpid=$!
  fi
  set +e
  # timeout passes the signal on (once: with --foreground it sends none to
  # its process group, which would make it a second signal), and kills a
  # fit that ignores it after a minute (exit 137: the test fails).
  timeout --foreground -s KILL 60 "$BIN" fit "$TMP/pipe.yaml" >"$TMP/out" 2>"$TMP/err" &
  local pid=$!
  sleep 0.5
  kill -s "$sig" "$pid"
  wait "$pid"
  CODE=$?
  set -e
  [ -n "$wpid" ] && { kill "$wpid" 2>/dev/null || true; wait "$wpid" 2>/dev/null || true; }
  ERR=$(cat "$TMP/err")
  expect_code "$name" "$want"
  expect_no_stack "$name"
  expect_grep "$name" err "^mlptrain: interrupted by SIG$sig while reading the data; nothing was written$"
  if [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ]; then ok; else fail "$name: more than one stderr line: $ERR"; fi
  if [ ! -e "$TMP/run" ]; then ok; else fail "$name: the run folder was made"; fi
}

signal_while_loading "SIGTERM, no writer" TERM 143
# The abandoned reader holds the pipe open for reading no longer: the
# process has exited, so a new fit opens it afresh.
signal_while_loading "SIGINT, no writer" INT 130
signal_while_loading "SIGTERM, slow writer" TERM 143 'head -3 datasets/iris.csv; sleep 30'

# The other commands, which have nothing to save, stop at once wherever
# they are: here reading the data or the model from a pipe (eval,
# predict), the config's data (gradcheck, graph); fit and sweep while
# reading the config.
"$BIN" fit configs/xor.yaml --quiet --epochs 2 --out "$TMP/xor" >/dev/null
for c in "eval $TMP/xor/model.json $TMP/pipe.csv|evaluating; its output, if any, is cut short" \
  "predict $TMP/xor/model.json $TMP/pipe.csv|predicting; its output, if any, is cut short" \
  "eval $TMP/pipe.csv datasets/xor.csv|evaluating; its output, if any, is cut short" \
  "gradcheck $TMP/pipe.yaml|checking gradients; its output, if any, is cut short" \
  "graph $TMP/pipe.yaml --values|building the graph; its output, if any, is cut short" \
  "fit $TMP/pipe.csv|reading the config; nothing was written" "sweep $TMP/pipe.csv --grid train.seed=1,2|reading the config; nothing was written"; do
  args=${c%%|*} what=${c#*|}
  set +e
  # shellcheck disable=SC2086
  timeout --foreground -s KILL 60 "$BIN" $args >"$TMP/out" 2>"$TMP/err" &
  pid=$!
  sleep 0.5
  kill -s TERM "$pid"
  wait "$pid"
  CODE=$?
  set -e
  ERR=$(cat "$TMP/err")
  name="SIGTERM during ${args%% *}"
  expect_code "$name" 143
  expect_grep "$name" err "^mlptrain: interrupted by SIGTERM while $what$"
done

# SIGHUP (the terminal closed) saves the run as SIGTERM does: exit 129.
cat >"$TMP/long.yaml" <<YAML
data: {train: datasets/diabetes.csv, validation: 0.2, target: progression}
model: {layers: [{units: 32, activation: tanh}, {activation: identity}], loss: squared_error}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 16, epochs: 1000000, seed: 3}
output: {dir: $TMP/hup}
YAML
set +e
timeout --foreground -s KILL 60 "$BIN" fit "$TMP/long.yaml" --progress-every 1 >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 1200); do grep -q '^epoch 20/' "$TMP/err" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -s HUP "$pid"
wait "$pid"
CODE=$?
set -e
ERR=$(grep -v '^epoch ' "$TMP/err" || true)
expect_code "SIGHUP" 129
expect_grep "SIGHUP" err "^mlptrain: interrupted by SIGHUP; the run folder holds what was done so far$"
if jq -e '.stopped == "interrupted"' "$TMP/hup/report.json" >/dev/null; then ok; else fail "SIGHUP: no interrupted report"; fi

# A closed stderr (its reader gone, as with 2>&1 >/dev/null | head -1)
# loses progress lines, not the run: exit 0 and the run folder written.
set +e
"$BIN" fit "$TMP/long.yaml" --epochs 300 --out "$TMP/closed" --progress-every 1 2>&1 >/dev/null | head -1 >/dev/null
CODE=${PIPESTATUS[0]}
set -e
ERR=""
expect_code "closed stderr" 0
if jq -e '.stopped == "completed" and .epochs_run == 300' "$TMP/closed/report.json" >/dev/null; then ok; else fail "closed stderr: the run was not written"; fi

finish
