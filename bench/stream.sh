#!/usr/bin/env bash
# bench/stream.sh: data.stream on a CSV larger than a third of this
# machine's memory. Generates ROWS rows (default 200,000,000: 8.5 GB) of
# bench/streamgen (x1..x4 numeric, cat_a and cat_b of 20 levels, a 3-class
# label) into $TMPDIR, fits one epoch with data.stream: true under
# /usr/bin/time -v (peak RSS), then fits one epoch in memory on the first
# 1/20 of the rows, and compares the epoch time per row (metrics.csv's
# seconds). Deletes the generated files at the end.
#
# usage (from the repository root): [UNITS=128] bash bench/stream.sh [ROWS]
# (two hidden ReLU layers of UNITS units, Adam, batch 512)
set -euo pipefail
ROWS=${1:-200000000}
T=${TMPDIR:-/tmp}/mlptrain_stream_bench
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
export PATH=/usr/local/go/bin:$PATH
go build -o "$T/mlptrain" ./cmd/mlptrain
go build -o "$T/streamgen" ./bench/streamgen
echo "generating $ROWS rows" >&2
/usr/bin/time -f "generate: %e s" "$T/streamgen" -rows "$ROWS" >"$T/big.csv"
{ head -n 1 "$T/big.csv"; tail -n 100000 "$T/big.csv"; } >"$T/val.csv" # also training rows: a check, not a held-out score
ls -l "$T/big.csv"
SUB=$((ROWS / 20))
head -n $((SUB + 1)) "$T/big.csv" >"$T/sub.csv"
cfg() { # file stream dir
	cat <<YAML
data:
  train: $1
  target: label
  validation: $T/val.csv
  stream: $2
  shuffle_buffer: 65536
model:
  layers:
    - {units: ${UNITS:-128}, activation: relu}
    - {units: ${UNITS:-128}, activation: relu}
    - {activation: softmax}
train:
  optimizer: adam
  learning_rate: 0.002
  batch_size: 512
  epochs: 1
  checkpoint_every: 0
output:
  dir: $3
YAML
}
cfg "$T/big.csv" true "$T/run_stream" >"$T/stream.yaml"
cfg "$T/sub.csv" false "$T/run_mem" >"$T/mem.yaml"
/usr/bin/time -v "$T/mlptrain" fit "$T/stream.yaml" 2>"$T/time_stream.txt" | tail -4
grep -E "Maximum resident|Elapsed" "$T/time_stream.txt"
/usr/bin/time -v "$T/mlptrain" fit "$T/mem.yaml" 2>"$T/time_mem.txt" | tail -4
grep -E "Maximum resident|Elapsed" "$T/time_mem.txt"
s=$(tail -1 "$T/run_stream/metrics.csv" | cut -d, -f6)
m=$(tail -1 "$T/run_mem/metrics.csv" | cut -d, -f6)
echo "stream epoch: $s s for $ROWS rows; in-memory epoch: $m s for $SUB rows"
awk -v s="$s" -v m="$m" -v n="$ROWS" -v k="$SUB" 'BEGIN { printf "per row: stream %.3f us, in memory %.3f us, ratio %.3f\n", s/n*1e6, m/k*1e6, (s/n)/(m/k) }'
