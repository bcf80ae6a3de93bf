#!/usr/bin/env bash
# Times reading the reference table (60,000 rows × 784 features and a
# label) as Parquet and as CSV with data.ReadFile, and the peak RSS of a
# process that reads it once, then writes the medians and ratios to
# bench/results/parquet.md. The two files are generated once into
# ${TMPDIR:-/tmp} (mlptrain-bench-pq-60000.{parquet,csv}) and kept there.
# Usage: bash bench/parquet.sh [COUNT]   (COUNT runs of each, default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
MLPTRAIN_PQ_RSS=1 go test ./internal/data/ -run '^TestReadRefPeakRSS$' -bench '^BenchmarkReadRef(Parquet|CSV)$' \
	-benchtime 3x -count "$count" -v | tee "$out" | grep -E '^(Benchmark|peak-rss)' >&2
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
pq=$(grep '^BenchmarkReadRefParquet' "$out" | awk '{print $3}' | median)
cs=$(grep '^BenchmarkReadRefCSV' "$out" | awk '{print $3}' | median)
rpq=$(grep '^peak-rss .parquet' "$out" | awk '{print $3}' | median)
rcs=$(grep '^peak-rss .csv' "$out" | awk '{print $3}' | median)
x=$((60000 * 784 * 8))
cpu=$(grep -m1 '^cpu:' "$out" | cut -d' ' -f2-)
{
	echo "# Reading the reference table: Parquet vs CSV"
	echo
	echo "\`bash bench/parquet.sh $count\` on $(go env GOOS)/$(go env GOARCH), $cpu, GOMAXPROCS $(nproc), $(go version | cut -d' ' -f3), $(date -u +%Y-%m-%d)."
	echo "The table: 60,000 rows × 784 features (4 decimals in [0, 1)) and a label 0-9, read by data.ReadFile"
	echo "with data.target label as a classifier; Parquet: doubles and an int64, uncompressed, plain,"
	echo "row groups of 16,384 rows ($(du -m /tmp/mlptrain-bench-pq-60000.parquet | cut -f1) MB); CSV: $(du -m /tmp/mlptrain-bench-pq-60000.csv | cut -f1) MB."
	echo "Medians of $count runs of each (3 reads a run); peak RSS of a new process reading the file once (3 runs each)."
	echo
	echo "| | Parquet | CSV | CSV / Parquet |"
	echo "|---|---|---|---|"
	awk -v p="$pq" -v c="$cs" 'BEGIN {printf "| read time | %.0f ms | %.0f ms | %.2f× |\n", p/1e6, c/1e6, c/p}'
	awk -v p="$rpq" -v c="$rcs" -v x="$x" 'BEGIN {printf "| peak RSS | %.0f MB (%.2f× X) | %.0f MB (%.2f× X) | |\n", p/1e6, p/x, c/1e6, c/x}'
	echo
	echo "X, the float64 matrix, is 60000×784×8 = $((x / 1000000)) MB. The goals: Parquet at least 3× faster than CSV,"
	echo "and its peak RSS at most 1.3× X."
	echo
	echo "Raw lines:"
	echo
	echo '```'
	grep -E '^(Benchmark|peak-rss)' "$out"
	echo '```'
} > bench/results/parquet.md
cat bench/results/parquet.md
