#!/usr/bin/env bash
# End-to-end tests of bad input through the built binary: each case must exit
# 2 with nothing on stdout and exactly one stderr line that starts with the
# file and position (or key) given, with no Go stack trace. The exhaustive
# table is cmd/mlptrain/badinput_test.go; this script checks a sample of it
# the way a shell script sees the program, plus the odd inputs that must
# work. See the README's Troubleshooting section.
source "$(dirname "$0")/lib.sh"

# bad NAME PREFIX ARGS...: runs the binary and checks exit status 2, empty
# stdout, one stderr line starting with "mlptrain: PREFIX", and no stack.
bad() {
  local name=$1 prefix=$2
  shift 2
  run "$@"
  expect_code "$name" 2
  expect_no_stack "$name"
  if [ -z "$OUT" ]; then ok; else fail "$name: stdout not empty: $(head -c 300 <<<"$OUT")"; fi
  local lines
  lines=$(printf '%s\n' "$ERR" | wc -l)
  if [ "$lines" = 1 ]; then ok; else fail "$name: $lines stderr lines, want 1: $ERR"; fi
  case $ERR in
  "mlptrain: $prefix"*) ok ;;
  *) fail "$name: stderr '$ERR' does not start with 'mlptrain: $prefix'" ;;
  esac
}

D=$TMP/data
mkdir -p "$D"
printf '' >"$D/empty.csv"
printf 'x1,x2,y\n' >"$D/header.csv"
printf 'x1,x2,y\n0,0,0\n0,1\n1,0,1\n' >"$D/ragged.csv"
printf 'x1,x2,y\n,0,0\nNA,abc,1\n?,def,1\n' >"$D/hole.csv"
printf 'x1,x2,y\n0,0,NA\n0,1,\n' >"$D/notargets.csv"
printf 'x1,x2,y\n0,0,0\n0,1,1\n-Inf,0,1\n' >"$D/inf.csv"
printf 'x1,x1,y\n0,0,0\n0,1,1\n' >"$D/dup.csv"
printf 'x1,x2,z\n0,0,0\n0,1,1\n' >"$D/notarget.csv"
printf 'x1,x2,y\n0,0,1\n0,1,1\n' >"$D/oneclass.csv"
printf 'x1,x2,y\n0,0,0\n0,1,2\n' >"$D/newclass.csv"
printf 'x1,x3,y\n0,0,0\n0,1,1\n' >"$D/otherfeat.csv"

fitcsv() { # FILE: fit the XOR config on FILE
  run_args=(fit configs/xor.yaml --quiet --epochs 2 --out "$TMP/r-$(basename "$1")" --set "data.train=$1")
}
fitcsv "$D/empty.csv"; bad "empty file" "$D/empty.csv: empty file" "${run_args[@]}"
fitcsv "$D/header.csv"; bad "header only" "$D/header.csv:1: no data rows" "${run_args[@]}"
fitcsv "$D/ragged.csv"; bad "ragged row" "$D/ragged.csv:3:3: column \"y\": expected 3 fields, got 2" "${run_args[@]}"
fitcsv "$D/hole.csv"; bad "column entirely missing" "$D/hole.csv: column \"x1\": every cell is missing in the training rows" "${run_args[@]}"
fitcsv "$D/notargets.csv"; bad "every target missing" "$D/notargets.csv:2: column \"y\": every row's target is missing (2 rows)" "${run_args[@]}"
fitcsv "$D/inf.csv"; bad "Inf cell" "$D/inf.csv:4:1: column \"x1\": not a finite number" "${run_args[@]}"
fitcsv "$D/dup.csv"; bad "duplicate column" "$D/dup.csv:1:2: column \"x1\": duplicate column name" "${run_args[@]}"
fitcsv "$D/notarget.csv"; bad "missing target" "$D/notarget.csv:1: column \"y\": target column not found" "${run_args[@]}"
fitcsv "$D/oneclass.csv"; bad "single class" "$D/oneclass.csv:2:3: column \"y\": only one class" "${run_args[@]}"
# Issue 17: no input may crash or exhaust the machine. An id column as the
# target stops at its 1001st class; endless input, from a device or a named
# pipe, at the 64 MiB line limit.
awk 'BEGIN { print "x1,x2,y"; for (i = 0; i < 20000; i++) print i % 2 "," int(i / 2) % 2 "," 100000 + i }' >"$D/ids.csv"
fitcsv "$D/ids.csv"; bad "id column as target" "$D/ids.csv:1002:3: column \"y\": too many classes: more than 1000 distinct labels" "${run_args[@]}"
if [ -c /dev/zero ]; then
  fitcsv /dev/zero; bad "endless device" "/dev/zero:1:67108865: line too long: more than 67108864 bytes (64 MiB)" "${run_args[@]}"
  mkfifo "$D/endless.csv"
  cat /dev/zero >"$D/endless.csv" 2>/dev/null &
  writer=$!
  fitcsv "$D/endless.csv"; bad "endless named pipe" "$D/endless.csv:1:67108865: line too long" "${run_args[@]}"
  kill "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
fi
bad "missing feature" "datasets/xor.csv:1: column \"x3\": feature column not found" \
  fit configs/xor.yaml --quiet --out "$TMP/r-feat" --set data.features=x1,x3
bad "directory as CSV" "datasets: is a directory" fit configs/xor.yaml --quiet --out "$TMP/r-dir" --set data.train=datasets
bad "missing CSV" "$D/nope.csv: cannot open file" fit configs/xor.yaml --quiet --out "$TMP/r-nope" --set "data.train=$D/nope.csv"

# eval and predict with a model that does not fit the data.
run fit configs/xor.yaml --quiet --epochs 2 --out "$TMP/xor"
expect_code "xor model" 0
M=$TMP/xor/model.json
bad "eval: unseen class" "$D/newclass.csv:3:3: column \"y\": unknown class \"2\"" eval "$M" "$D/newclass.csv"
bad "eval: other features" "$D/otherfeat.csv:1: column \"x2\": feature column of the model is missing" eval "$M" "$D/otherfeat.csv"
bad "predict: data of another model" "datasets/iris.csv:1: column \"x1\": feature column of the model is missing" predict "$M" datasets/iris.csv
bad "eval: directory as model" "configs: is a directory, not a model file" eval configs datasets/xor.csv
bad "predict --keep: unknown column" "datasets/xor.csv:1: column \"name\": --keep column not found in the header (hint: the header has \"x1\", \"x2\", \"y\")" predict "$M" datasets/xor.csv --keep name
printf 'x1\tx2\ty\n0\t0\t0\n0\t1\t1\n' >"$D/tabs.csv"
bad "predict: tab-separated read with ','" "$D/tabs.csv:1: looks like '\\t'-separated (3 columns), not ',' (hint: use --delimiter \"\\t\")" predict "$M" "$D/tabs.csv"
run predict "$M" "$D/tabs.csv" --delimiter '\t' --keep y
expect_code "predict --delimiter '\\t' --keep y" 0
expect_grep "predict --keep y" out '^y,predicted_y,prob_0,prob_1$'

# The delimiter: named when it is wrong; a tab as \t from --set.
printf 'x1;x2;y\n0;0;0\n0;1;1\n1;0;1\n' >"$D/semi.csv"
fitcsv "$D/semi.csv"; bad "wrong delimiter" "$D/semi.csv:1: looks like ';'-separated (3 columns), not ',' (hint: set data.delimiter: \";\")" "${run_args[@]}"
fitcsv "$D/tabs.csv"; run "${run_args[@]}" --set 'data.delimiter=\t'
expect_code "--set data.delimiter=\\t" 0
bad "--set: unclosed list" "--set data.features: invalid list \"[x1, x2\"" fit configs/xor.yaml --quiet --out "$TMP/r-l" --set 'data.features=[x1, x2'

# Config files: one key broken at a time.
cat >"$TMP/base.yaml" <<'EOF'
data:
  train: datasets/xor.csv
  validation: 0
  target: y
  normalize: none
model:
  layers:
    - {units: 2, activation: tanh}
    - {units: 1, activation: logistic}
  loss: binary_cross_entropy
train:
  optimizer: momentum
  learning_rate: 0.5
  batch_size: 0
  epochs: 2
EOF
cfg() { # NAME OLD NEW: writes $TMP/NAME.yaml, the base config with OLD replaced by NEW
  sed "s/$2/$3/" "$TMP/base.yaml" >"$TMP/$1.yaml"
}
cfg typo "learning_rate:" "learning_rat:"; bad "unknown key" "$TMP/typo.yaml:13:3: train.learning_rat: unknown key (hint: did you mean \"learning_rate\"?)" fit "$TMP/typo.yaml" --out "$TMP/r-c"
cfg ten "epochs: 2" "epochs: ten"; bad "epochs: ten" "$TMP/ten.yaml:15:11: train.epochs: expected a whole number, got \"ten\"" fit "$TMP/ten.yaml" --out "$TMP/r-c"
cfg units "units: 2" "units: -3"; bad "negative units" "$TMP/units.yaml:8:15: model.layers[0].units: must be at least 1" fit "$TMP/units.yaml" --out "$TMP/r-c"
cfg lr "learning_rate: 0.5" "learning_rate: 0"; bad "zero learning rate" "$TMP/lr.yaml:13:18: train.learning_rate:" fit "$TMP/lr.yaml" --out "$TMP/r-c"
cfg bs "batch_size: 0" "batch_size: -1"; bad "negative batch size" "$TMP/bs.yaml:14:15: train.batch_size:" fit "$TMP/bs.yaml" --out "$TMP/r-c"
cfg act "activation: tanh" "activation: tahn"; bad "unknown activation" "$TMP/act.yaml:8:30: model.layers[0].activation: unknown activation \"tahn\"" fit "$TMP/act.yaml" --out "$TMP/r-c"
cfg loss "loss: binary_cross_entropy" "loss: cross_entropie"; bad "unknown loss" "$TMP/loss.yaml:10:9: model.loss: unknown loss" fit "$TMP/loss.yaml" --out "$TMP/r-c"
cfg opt "optimizer: momentum" "optimizer: adan"; bad "unknown optimizer" "$TMP/opt.yaml:12:14: train.optimizer: unknown optimizer \"adan\"" fit "$TMP/opt.yaml" --out "$TMP/r-c"
cfg mismatch "loss: binary_cross_entropy" "loss: cross_entropy"; bad "loss/output mismatch" "$TMP/mismatch.yaml:10:9: model.loss: cross_entropy needs a softmax output layer" fit "$TMP/mismatch.yaml" --out "$TMP/r-c"
cfg val "validation: 0" "validation: 1.5"; bad "validation: 1.5" "$TMP/val.yaml:3:15: data.validation:" fit "$TMP/val.yaml" --out "$TMP/r-c"
bad "missing config" "$TMP/nope.yaml: cannot read config" fit "$TMP/nope.yaml"
touch "$TMP/afile"
bad "output folder under a file" "$TMP/afile/run: output.dir: cannot write the run folder" fit configs/xor.yaml --quiet --out "$TMP/afile/run"
printf 'layers:\n  - W: [[1, 1, 1], [1, 1, 1]]\n    b: [0, 0, 0]\n  - W: [[1], [1], [1]]\n    b: [0]\n' >"$TMP/w3.yaml"
bad "model.weights of another architecture" "$TMP/w3.yaml:2: layers[0]: W has 2 rows" fit configs/xor.yaml --quiet --out "$TMP/r-w" --set "model.weights=$TMP/w3.yaml"
bad "model.json as model.weights" "$M:2: not a weights file: unknown key \"format\"" fit configs/xor.yaml --quiet --out "$TMP/r-w" --set "model.weights=$M"

# The odd inputs that must work.
printf '\xef\xbb\xbfx1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n' >"$D/bom.csv"
run fit configs/xor.yaml --quiet --epochs 3 --out "$TMP/bom" --set "data.train=$D/bom.csv" --json
expect_code "UTF-8 BOM" 0
expect_jq_file "UTF-8 BOM" "$TMP/bom/model.json" '.features == ["x1", "x2"]'
printf 'x1,x2,y\r\n0,0,0\r\n0,1,1\r\n1,0,1\r\n1,1,0\r\n' >"$D/crlf.csv"
run fit configs/xor.yaml --quiet --epochs 3 --out "$TMP/crlf" --set "data.train=$D/crlf.csv"
expect_code "CRLF" 0
mkfifo "$D/pipe.csv"
printf 'x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n' >"$D/pipe.csv" &
writer=$!
run fit configs/xor.yaml --quiet --epochs 3 --out "$TMP/pipe" --set "data.train=$D/pipe.csv" --json
expect_code "named pipe" 0
expect_jq "named pipe" '.train.n == 4'
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
printf 'x1,x2,c,y\n0,0,5,0\n0,1,5,1\n1,0,5,1\n1,1,5,0\n' >"$D/const.csv"
run fit configs/xor.yaml --progress-every 1000 --epochs 3 --out "$TMP/const" --set "data.train=$D/const.csv" --set data.normalize=standardize
expect_code "constant column" 0
expect_grep "constant column" err '^mlptrain: warning: column "c" is constant \(every value is 5\); its scale is set to 1$'
expect_jq_file "constant column" "$TMP/const/model.json" '.normalize.scale[2] == 1'

# Issue 17: train.threads sets GOMAXPROCS; a million took 15 GB, ten
# thousand aborted in pthread_create. Both are refused before any work.
cfg threads "batch_size: 0" "threads: 1000000"; bad "a million threads" "$TMP/threads.yaml:14:12: train.threads: must be from 0 to 256, got 1000000 (hint: use 0 for every core" fit "$TMP/threads.yaml" --out "$TMP/r-c"
MLPTRAIN_TRAIN_THREADS=10000 bad "ten thousand threads in the environment" "MLPTRAIN_TRAIN_THREADS: must be from 0 to 256, got 10000" fit configs/xor.yaml --quiet --out "$TMP/r-c"

# Issue 17: an MLPTRAIN_ variable that sets no key exited 0 with the
# setting ignored; like --set of the same key, it is refused, naming the
# variable and the nearest key's variable. The program's own pass.
MLPTRAIN_MODEL_LAYERS='[{units: x' bad "MLPTRAIN_MODEL_LAYERS" "MLPTRAIN_MODEL_LAYERS: model.layers is a list of layers and cannot be set from the environment (hint: edit model.layers in the config file, or set a layer's key by index (model.layers.0.units), model.depth or model.width from the environment)" fit configs/xor.yaml --quiet --out "$TMP/r-c"
MLPTRAIN_TRAIN_EARLY_STOPPING=5 bad "MLPTRAIN_TRAIN_EARLY_STOPPING" "MLPTRAIN_TRAIN_EARLY_STOPPING: train.early_stopping is a section, not a single value (hint: set one of its keys, such as MLPTRAIN_TRAIN_EARLY_STOPPING_PATIENCE)" fit configs/xor.yaml --quiet --out "$TMP/r-c"
MLPTRAIN_TRAIN_LEARNING_RAT=0.1 bad "MLPTRAIN_TRAIN_LEARNING_RAT" "MLPTRAIN_TRAIN_LEARNING_RAT: unknown key \"train.learning_rat\" (hint: did you mean MLPTRAIN_TRAIN_LEARNING_RATE, for train.learning_rate?)" fit configs/xor.yaml --quiet --out "$TMP/r-c"
MLPTRAIN_TRAIN_LEARNING_RAT=0.1 bad "MLPTRAIN_TRAIN_LEARNING_RAT in gradcheck" "MLPTRAIN_TRAIN_LEARNING_RAT: unknown key" gradcheck configs/xor.yaml
MLPTRAIN_BENCH_DATA=/nonexistent.csv MLPTRAIN_TRAIN_EPOCHS=2 run fit configs/xor.yaml --quiet --out "$TMP/r-bench"
expect_code "MLPTRAIN_BENCH_DATA is the benchmark's, not an error" 0

finish
