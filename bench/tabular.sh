#!/usr/bin/env bash
# bench/tabular.sh: times mlptrain on the 1,000,000-row tabular file of
# bench/gen_tabular.py (4 numeric columns, 2 categorical of 250 levels, a
# 3-class label) with configs/bench_tabular.yaml's network (504 -> 64 ReLU
# -> 3 softmax, Adam, batch 512), and prints the ratios against the peers
# measured in bench/results/tabular_peers_run*.json (bench/tabular_peers.py).
#
# usage (from the repository root):
#   bash bench/tabular.sh [--data FILE] [--epochs E] [--threads "1 2"] [--repeat R] [--before BIN] [--before-src DIR]
#
# Measures, per thread count T (GOMAXPROCS=T and train.threads=T):
#   load+encode: go test -bench ReadFileTabular (internal/data: the CSV read)
#                and -bench PrepareTabular (internal/train: read, one-hot,
#                scaling, labels, as fit does before training), median of R;
#                and the wall time of `mlptrain fit --epochs 0`, median of R
#   epoch:       the median of metrics.csv's seconds over epochs 2..E of one fit
#   peak RSS:    of that fit, by /usr/bin/time -v, against the CSV's size
# --before BIN times another mlptrain binary (fit --epochs 0 and the fit) in
# the same run, for before/after ratios; --before-src DIR runs the two
# go test benchmarks in another source tree too (one that has them: copy
# internal/{data,train}/tabular_bench_test.go into it).
# Not part of the test command; without the data or numpy it says so and exits 0.
set -euo pipefail

die() {
	echo "bench: $*" >&2
	exit 2
}
note() { echo "bench: $*" >&2; }
posint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

DATA=${MLPTRAIN_TABULAR_DATA:-${TMPDIR:-/tmp}/tab1m.csv}
EPOCHS=4
THREADS="1 2"
REPEAT=5
BEFORE=""
BEFORE_SRC=""
while (($#)); do
	case $1 in
	--data) (($# >= 2)) || die "--data needs a value"; DATA=$2; shift 2 ;;
	--epochs) (($# >= 2)) || die "--epochs needs a value"; EPOCHS=$2; shift 2 ;;
	--threads) (($# >= 2)) || die "--threads needs a value"; THREADS=$2; shift 2 ;;
	--repeat) (($# >= 2)) || die "--repeat needs a value"; REPEAT=$2; shift 2 ;;
	--before) (($# >= 2)) || die "--before needs a value"; BEFORE=$2; shift 2 ;;
	--before-src) (($# >= 2)) || die "--before-src needs a value"; BEFORE_SRC=$2; shift 2 ;;
	-h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done
posint "$EPOCHS" || die "--epochs $EPOCHS: want a positive whole number"
posint "$REPEAT" || die "--repeat $REPEAT: want a positive whole number"
read -r -a TLIST <<<"$THREADS"
((${#TLIST[@]})) || die "--threads: want a list such as \"1 2\""
[[ -f go.mod && -d cmd/mlptrain ]] || die "run me from the repository root: bash bench/tabular.sh"
[[ -z $BEFORE || -x $BEFORE ]] || die "--before $BEFORE: not an executable"
PY=/usr/bin/python3

if [[ ! -s $DATA ]]; then
	if ! [[ -x $PY ]] || ! "$PY" -c "import numpy" 2>/dev/null; then
		echo "bench: no $DATA, and no numpy to make it (python3-numpy); nothing to time."
		exit 0
	fi
	note "generating $DATA"
	"$PY" bench/gen_tabular.py "$DATA.tmp.$$" && mv "$DATA.tmp.$$" "$DATA"
fi
# Only go test reads MLPTRAIN_TABULAR_DATA: mlptrain refuses MLPTRAIN_ keys it does not know.
unset MLPTRAIN_TABULAR_DATA

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mlptrain-tabular.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
now() { echo "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) printf "%.4g\n", v[(NR + 1) / 2]; else printf "%.4g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$"; if (a !~ n || b !~ n || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
HAVE_TIME=0
[[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1 && HAVE_TIME=1
timed() {
	local out=$1
	shift
	if ((HAVE_TIME)); then /usr/bin/time -v -o "$out" "$@"; else : >"$out" && "$@"; fi
}
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 * 1024 / 1e6; f = 1 } END { if (!f) print "-" }' "$1"; }
epoch_median() { awk -F, -v e="$2" 'NR > 1 && ($1 >= 2 || e == 1) { print $6 }' "$1" | median; }
# benchsec FILE NAME: the median seconds/op of benchmark NAME in go test output FILE.
benchsec() { awk -v s="Benchmark$2" '$1 == s || index($1, s "-") == 1 { print $3 / 1e9 }' "$1" | median; }

# The peers' numbers: medians over the runs in bench/results/tabular_peers_run*.json.
peer() { # peer IMPL T FIELD
	"$PY" - "$@" bench/results/tabular_peers_run*.json <<'PYEOF'
import json, statistics, sys
impl, t, field, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
v = []
for f in files:
    for r in json.load(open(f))["runs"]:
        if r["impl"] == impl and r["threads"] == t:
            v.append(r["seconds_median"][field] if impl == "prep" else r[field])
print(f"{statistics.median(v):.4g}" if v else "-")
PYEOF
}

BIN=$WORK/mlptrain
note "building mlptrain"
go build -o "$BIN" ./cmd/mlptrain
CFG=$WORK/tabular.yaml
sed "s|^  train: .*|  train: '$DATA'|" configs/bench_tabular.yaml >"$CFG"

SIZE=$(stat -c %s "$DATA")
SIZE_MB=$(awk -v s="$SIZE" 'BEGIN { printf "%.1f", s / 1e6 }')
echo "mlptrain tabular benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p') ($(nproc) cores); $(go version | cut -d' ' -f3-)"
echo "data: $DATA: $(($(wc -l <"$DATA") - 1)) rows, $SIZE_MB MB of CSV, md5 $(md5sum "$DATA" | cut -d' ' -f1)"
echo "config: configs/bench_tabular.yaml, epochs $EPOCHS (epoch time: median over epochs 2..$EPOCHS)"
[[ -r /proc/pressure/cpu ]] && echo "cpu pressure at start: $(head -n 1 /proc/pressure/cpu)"
echo

declare -A LOAD PREP BLOAD BPREP SETUP EP RSS
# measure NAME BIN T: fit --epochs 0 (REPEAT runs) and one fit of EPOCHS.
measure() {
	local name=$1 bin=$2 T=$3 i s e setups=()
	note "$name, $T thread(s): $REPEAT x fit --epochs 0, then fit --epochs $EPOCHS"
	for ((i = 0; i < REPEAT; i++)); do
		s=$(now)
		GOMAXPROCS=$T "$bin" fit "$CFG" --set train.threads="$T" --epochs 0 --out "$WORK/run0-$name-$T" --quiet >/dev/null
		e=$(now)
		setups+=("$(sub "$e" "$s")")
	done
	SETUP[$name,$T]=$(printf '%s\n' "${setups[@]}" | median)
	timed "$WORK/time-$name-$T" env GOMAXPROCS="$T" "$bin" fit "$CFG" --set train.threads="$T" --epochs "$EPOCHS" \
		--out "$WORK/run-$name-$T" --quiet >/dev/null
	EP[$name,$T]=$(epoch_median "$WORK/run-$name-$T/metrics.csv" "$EPOCHS")
	RSS[$name,$T]=$(rss_mb "$WORK/time-$name-$T")
}
NAMES=(mlptrain)
[[ -n $BEFORE ]] && NAMES+=(before)
for T in "${TLIST[@]}"; do
	note "go test -bench ReadFileTabular / PrepareTabular, -cpu $T, -count $REPEAT"
	MLPTRAIN_TABULAR_DATA=$DATA go test ./internal/data -run '^$' -bench 'ReadFileTabular$' -benchtime 3x -count "$REPEAT" -cpu "$T" >"$WORK/read-$T.txt"
	MLPTRAIN_TABULAR_DATA=$DATA go test ./internal/train -run '^$' -bench 'PrepareTabular$' -benchtime 3x -count "$REPEAT" -cpu "$T" >"$WORK/prep-$T.txt"
	LOAD[$T]=$(benchsec "$WORK/read-$T.txt" ReadFileTabular)
	PREP[$T]=$(benchsec "$WORK/prep-$T.txt" PrepareTabular)
	if [[ -n $BEFORE_SRC ]]; then
		note "the same in $BEFORE_SRC"
		(cd "$BEFORE_SRC" && MLPTRAIN_TABULAR_DATA=$DATA go test ./internal/data -run '^$' -bench 'ReadFileTabular$' -benchtime 3x \
			-count "$REPEAT" -cpu "$T") >"$WORK/bread-$T.txt"
		(cd "$BEFORE_SRC" && MLPTRAIN_TABULAR_DATA=$DATA go test ./internal/train -run '^$' -bench 'PrepareTabular$' -benchtime 3x \
			-count "$REPEAT" -cpu "$T") >"$WORK/bprep-$T.txt"
		BLOAD[$T]=$(benchsec "$WORK/bread-$T.txt" ReadFileTabular)
		BPREP[$T]=$(benchsec "$WORK/bprep-$T.txt" PrepareTabular)
	fi
	measure mlptrain "$BIN" "$T"
	[[ -n $BEFORE ]] && measure before "$BEFORE" "$T"
done

echo "== load+encode seconds (median of $REPEAT); peer: pandas.read_csv + OneHotEncoder + StandardScaler + LabelEncoder (sklearn total) =="
printf '%-40s %7s %9s %10s %12s\n' what threads seconds peer_s mlptrain/peer
for T in "${TLIST[@]}"; do
	P=$(peer prep "$T" sklearn_total)
	printf '%-40s %7s %9s %10s %12s\n' "data.ReadFile (go test -bench)" "$T" "${LOAD[$T]}" "$P" "$(ratio "${LOAD[$T]}" "$P")"
	printf '%-40s %7s %9s %10s %12s\n' "train.PrepareWithin (go test -bench)" "$T" "${PREP[$T]}" "$P" "$(ratio "${PREP[$T]}" "$P")"
	if [[ -n $BEFORE_SRC ]]; then
		printf '%-40s %7s %9s %10s %12s\n' "before: data.ReadFile" "$T" "${BLOAD[$T]}" "$P" "$(ratio "${BLOAD[$T]}" "$P")"
		printf '%-40s %7s %9s %10s %12s\n' "before: train.PrepareWithin" "$T" "${BPREP[$T]}" "$P" "$(ratio "${BPREP[$T]}" "$P")"
	fi
	for name in "${NAMES[@]}"; do
		printf '%-40s %7s %9s %10s %12s\n' "$name fit --epochs 0 (process wall)" "$T" "${SETUP[$name,$T]}" "$P" "$(ratio "${SETUP[$name,$T]}" "$P")"
	done
done
echo
echo "== epoch seconds (median over epochs 2..$EPOCHS); peers: PyTorch float32 EmbeddingBag (embed), dense get_dummies (dense) =="
printf '%-10s %7s %9s %9s %10s %9s %10s\n' what threads epoch_s embed_s /embed dense_s /dense
for T in "${TLIST[@]}"; do
	EMB=$(peer embed "$T" epoch_seconds_median)
	DEN=$(peer dense "$T" epoch_seconds_median)
	for name in "${NAMES[@]}"; do
		printf '%-10s %7s %9s %9s %10s %9s %10s\n' "$name" "$T" "${EP[$name,$T]}" "$EMB" "$(ratio "${EP[$name,$T]}" "$EMB")" \
			"$DEN" "$(ratio "${EP[$name,$T]}" "$DEN")"
	done
done
echo
echo "== peak RSS of fit (MB) against the CSV ($SIZE_MB MB); target <= 2x =="
for T in "${TLIST[@]}"; do
	for name in "${NAMES[@]}"; do
		echo "$name, $T thread(s): ${RSS[$name,$T]} MB = $(ratio "${RSS[$name,$T]}" "$SIZE_MB") x the CSV"
	done
done
((HAVE_TIME)) || echo "(no /usr/bin/time: peak RSS not measured)"
if [[ -n $BEFORE ]]; then
	echo
	echo "== mlptrain / before =="
	for T in "${TLIST[@]}"; do
		[[ -n $BEFORE_SRC ]] && echo "$T thread(s): data.ReadFile $(ratio "${LOAD[$T]}" "${BLOAD[$T]}"), train.PrepareWithin $(ratio "${PREP[$T]}" "${BPREP[$T]}")"
		echo "$T thread(s): fit --epochs 0 $(ratio "${SETUP[mlptrain,$T]}" "${SETUP[before,$T]}"), epoch $(ratio "${EP[mlptrain,$T]}" "${EP[before,$T]}"), peak RSS $(ratio "${RSS[mlptrain,$T]}" "${RSS[before,$T]}")"
	done
fi
