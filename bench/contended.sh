#!/usr/bin/env bash
# bench/contended.sh: times the reference epoch (784 -> 256 ReLU -> 10
# softmax, plain SGD, batch 128, float64 or --precision's; see bench/README.md) at
# train.threads 1 and 2, on an idle machine and while a CPU-bound process
# keeps one core busy, and prints the medians and the ratios 2t/1t in both
# conditions (issue 13). With --base REF it also builds REF's code and
# times both binaries, round by round, in the same run.
#
# usage (from the repository root):
#   bash bench/contended.sh [--rows N] [--epochs E] [--repeat R] [--base REF]
#                           [--data FILE] [--busy-cpu C] [--precision P] [--gemm]
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bash bench/contended.sh [--rows N] [--epochs E] [--repeat R] [--base REF] [--data FILE] [--busy-cpu C] [--precision P] [--gemm]

  --rows N       rows of the reference data (default 20000)
  --epochs E     epochs per fit; a fit's epoch time is the median over epochs 2..E (default 5)
  --repeat R     fits per binary, thread count and condition; the median of the R is reported (default 3)
  --base REF     also build REF (a git commit or branch, e.g. main) and time it beside the work tree
  --data FILE    the reference CSV, generated there if missing
                 (default: $MLPTRAIN_BENCH_DATA, else ${TMPDIR:-/tmp}/mlptrain-bench-ref-N.csv)
  --busy-cpu C   the core the competing busy loop is pinned to (default 1)
  --precision P  train.precision of the fits: float64 (default) or float32
  --gemm         also run go test -bench ProductSequence in internal/gemm, idle and contended
Environment: MLPTRAIN_BENCH_DATA, MLPTRAIN_BENCH_PEERS (folder of gendata.py, default
../shared/bench), TMPDIR.
EOF
}

die() {
	echo "contended: $*" >&2
	exit 2
}
note() { echo "contended: $*" >&2; }
posint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

ROWS=20000
EPOCHS=5
REPEAT=3
BASE=""
BUSYCPU=1
PRECISION=float64
GEMM=0
DATA=${MLPTRAIN_BENCH_DATA:-}
while (($#)); do
	case $1 in
	--rows | --epochs | --repeat | --base | --data | --busy-cpu | --precision)
		(($# >= 2)) || die "$1 needs a value"
		case $1 in
		--rows) ROWS=$2 ;;
		--epochs) EPOCHS=$2 ;;
		--repeat) REPEAT=$2 ;;
		--base) BASE=$2 ;;
		--data) DATA=$2 ;;
		--busy-cpu) BUSYCPU=$2 ;;
		--precision) PRECISION=$2 ;;
		esac
		shift 2
		;;
	--gemm) GEMM=1 && shift ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage >&2
		die "unknown argument: $1"
		;;
	esac
done
posint "$ROWS" || die "--rows $ROWS: want a positive whole number"
posint "$EPOCHS" || die "--epochs $EPOCHS: want a positive whole number"
((EPOCHS >= 2)) || die "--epochs $EPOCHS: want at least 2 (epoch 1 is warm-up)"
posint "$REPEAT" || die "--repeat $REPEAT: want a positive whole number"
[[ $BUSYCPU =~ ^[0-9]+$ ]] || die "--busy-cpu $BUSYCPU: want a core number"
[[ $PRECISION == float64 || $PRECISION == float32 ]] || die "--precision $PRECISION: want float64 or float32"
[[ -f go.mod && -d cmd/mlptrain ]] || die "run me from the repository root: bash bench/contended.sh"
command -v taskset >/dev/null || die "taskset (util-linux) is needed to pin the busy loop"

TMPDIR=${TMPDIR:-/tmp}
PEERS=${MLPTRAIN_BENCH_PEERS:-../shared/bench}
[[ -n $DATA ]] || DATA=$TMPDIR/mlptrain-bench-ref-$ROWS.csv
if [[ ! -s $DATA ]]; then
	[[ -x /usr/bin/python3 && -f $PEERS/gendata.py ]] || die "$DATA is missing and $PEERS/gendata.py (with numpy) cannot make it"
	note "generating $ROWS rows into $DATA"
	/usr/bin/python3 "$PEERS/gendata.py" --rows "$ROWS" --out "$DATA.tmp.$$" >/dev/null
	mv "$DATA.tmp.$$" "$DATA"
fi

WORK=$(mktemp -d "$TMPDIR/mlptrain-contended.XXXXXX")
BUSY=""
cleanup() {
	[[ -z $BUSY ]] || kill "$BUSY" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

# busy_start / busy_stop: a CPU-bound process pinned to core BUSYCPU.
busy_start() {
	taskset -c "$BUSYCPU" sh -c 'while :; do :; done' &
	BUSY=$!
	sleep 0.3
}
busy_stop() {
	kill "$BUSY"
	wait "$BUSY" 2>/dev/null || true
	BUSY=""
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) printf "%.4f\n", v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# 1. The binaries: the work tree, and --base's code from git archive.
NAMES=(work)
note "building the work tree"
go build -o "$WORK/mlptrain-work" ./cmd/mlptrain
if [[ -n $BASE ]]; then
	git rev-parse --verify -q "$BASE^{commit}" >/dev/null || die "--base $BASE: not a commit"
	note "building $BASE ($(git rev-parse --short "$BASE"))"
	mkdir "$WORK/base-src"
	git archive "$BASE" | tar -x -C "$WORK/base-src"
	(cd "$WORK/base-src" && go build -o "$WORK/mlptrain-base" ./cmd/mlptrain)
	NAMES=(base work)
fi

CFG=$WORK/ref.yaml
. "$(dirname "$0")/refconfig.sh"
ref_config "$CFG" "$DATA" "$EPOCHS" "$WORK/run"

# fit NAME T OUT: one fit; prints the median of metrics.csv's seconds over epochs 2..E.
fit() {
	GOMAXPROCS=$2 "$WORK/mlptrain-$1" fit "$CFG" --set train.threads="$2" --set train.precision="$PRECISION" --out "$3" --quiet >/dev/null
	awk -F, 'NR > 1 && $1 >= 2 { print $6 }' "$3/metrics.csv" | median
}

echo "mlptrain contended benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p') ($(nproc) cores); $(go version | cut -d' ' -f3-); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work tree: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo ' + uncommitted changes')${BASE:+; base: $BASE ($(git rev-parse --short "$BASE"))}"
echo "data: $DATA ($(($(wc -l <"$DATA") - 1)) rows); $PRECISION; epoch = median of epochs 2..$EPOCHS of a fit; median of $REPEAT fits"
echo "contended: taskset -c $BUSYCPU sh -c 'while :; do :; done' runs beside mlptrain"
echo

# 2. The fits, round by round, so that a change in the machine's load
# falls on every binary alike.
declare -A EP
for cond in idle contended; do
	for ((r = 1; r <= REPEAT; r++)); do
		[[ $cond == contended ]] && busy_start
		# The binaries take turns going first.
		order=("${NAMES[@]}")
		((r % 2 == 0)) && mapfile -t order < <(printf '%s\n' "${NAMES[@]}" | tac)
		for name in "${order[@]}"; do
			for T in 1 2; do
				e=$(fit "$name" "$T" "$WORK/run-$name-$T-$cond-$r")
				EP[$name,$T,$cond]+="$e "
				note "$cond, round $r, $name, $T thread(s): $e s"
			done
		done
		[[ $cond == contended ]] && busy_stop
	done
done

echo "== epoch seconds (median of $REPEAT fits) and 2-thread/1-thread =="
printf '%-6s %-10s %9s %9s %8s   %s\n' binary condition 1_thread 2_threads 2t/1t "fits (1t | 2t)"
for name in "${NAMES[@]}"; do
	for cond in idle contended; do
		one=$(tr ' ' '\n' <<<"${EP[$name,1,$cond]}" | grep . | median)
		two=$(tr ' ' '\n' <<<"${EP[$name,2,$cond]}" | grep . | median)
		printf '%-6s %-10s %9s %9s %8s   %s| %s\n' "$name" "$cond" "$one" "$two" "$(ratio "$two" "$one")" \
			"${EP[$name,1,$cond]}" "${EP[$name,2,$cond]}"
	done
done

# 3. The gemm package's product sequence, idle and contended.
if ((GEMM)); then
	echo
	echo "== go test ./internal/gemm -bench ProductSequence -count 5 (median ns/op of 5; work tree${BASE:+ and base}; -N: GOMAXPROCS N) =="
	for cond in idle contended; do
		for name in "${NAMES[@]}"; do
			dir=.
			if [[ $name == base ]]; then
				dir=$WORK/base-src
				# The benchmark, if the base is older than it.
				[[ -f $dir/internal/gemm/parallel_bench_test.go ]] ||
					cp internal/gemm/parallel_bench_test.go "$dir/internal/gemm/"
			fi
			[[ $cond == contended ]] && busy_start
			(cd "$dir" && go test ./internal/gemm -run '^$' -bench 'ProductSequence' -count 5 -cpu 1,2) >"$WORK/gemm-$name-$cond.txt" 2>&1 ||
				note "$name: go test -bench ProductSequence failed (the base may not have it)"
			[[ $cond == contended ]] && busy_stop
			awk -v n="$name" -v c="$cond" '/^BenchmarkProductSequence/ { s[$1] = s[$1] " " $3 }
				END { for (k in s) print n, c, k, s[k] }' "$WORK/gemm-$name-$cond.txt" |
				while read -r n c k rest; do
					printf '%-6s %-10s %-40s %12.0f\n' "$n" "$c" "$k" "$(tr ' ' '\n' <<<"$rest" | grep . | median)"
				done | sort
		done
	done
fi
