#!/usr/bin/env bash
# bench/run.sh: times `mlptrain fit` on the reference workload of issue 6
# (784 -> 256 ReLU -> 10 softmax, cross-entropy, plain SGD, batch 128,
# lr 0.01) in float64 and float32 against the Python peers in
# ../shared/bench/ (numpy, scikit-learn, PyTorch from Debian packages) at
# the same precision, in one run, and prints the times, the ratios
# mlptrain/peer, the share of the machine's GEMM peak each epoch reaches,
# the issue's targets (issue 13), the backward/forward ratio of a step and
# the share of a fit outside its training steps. See bench/README.md.
#
# usage (from the repository root):
#   bash bench/run.sh [--rows N] [--epochs E] [--threads "1 2"] [--precision "f64 f32"]
#                     [--data FILE] [--repeat R] [--no-gemm] [--no-iris] [--no-peak] [--no-step]
#
# Not part of the test command: without numpy (to make the data) it says so
# and exits 0; peers that are not installed are skipped.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bash bench/run.sh [--rows N] [--epochs E] [--threads "1 2"] [--precision "f64 f32"] [--data FILE]
                        [--repeat R] [--no-gemm] [--no-iris] [--no-peak] [--no-step]

  --rows N       rows of the generated reference data (default 60000: 330 MB of CSV)
  --epochs E     epochs per training run; the epoch time is the median over epochs 2..E (default 4)
  --threads L    thread counts to time, a quoted list (default "1 2"): train.threads and GOMAXPROCS
                 for mlptrain, OPENBLAS/OMP/MKL_NUM_THREADS and peers.py --threads for the peers
  --precision L  precisions to time, a quoted list of f64 and f32 (default "f64 f32"): train.precision
                 float64 / float32 for mlptrain, peers.py --prec for the peers
  --data FILE    the reference CSV, generated there if missing (default: $MLPTRAIN_BENCH_DATA,
                 else ${TMPDIR:-/tmp}/mlptrain-bench-ref-N.csv); it is kept as a cache
  --repeat R     runs of each mlptrain load timing, reported as the median (default 3)
  --no-gemm      skip the GEMM GFLOP/s comparison (go test -bench vs numpy's OpenBLAS)
  --no-iris      skip the iris-sized comparison with scikit-learn
  --no-peak      skip measuring the GEMM peak (no GFLOP/s share of peak in the epoch table)
  --no-step      skip the backward/forward ratio (go test -bench ReferenceStep in internal/graph)
Environment: MLPTRAIN_BENCH_DATA (cached CSV), MLPTRAIN_BENCH_PEERS (folder of peers.py and
gendata.py, default ../shared/bench), TMPDIR.
EOF
}

die() {
	echo "bench: $*" >&2
	exit 2
}
note() { echo "bench: $*" >&2; }

posint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

ROWS=60000
EPOCHS=4
THREADS="1 2"
PRECISION="f64 f32"
REPEAT=3
DATA=${MLPTRAIN_BENCH_DATA:-}
GEMM=1
IRIS=1
PEAK=1
STEP=1
ROWS_GIVEN=0
while (($#)); do
	case $1 in
	--rows)
		(($# >= 2)) || die "--rows needs a value"
		ROWS=$2 ROWS_GIVEN=1
		shift 2
		;;
	--epochs)
		(($# >= 2)) || die "--epochs needs a value"
		EPOCHS=$2
		shift 2
		;;
	--threads)
		(($# >= 2)) || die "--threads needs a value"
		THREADS=$2
		shift 2
		;;
	--precision)
		(($# >= 2)) || die "--precision needs a value"
		PRECISION=$2
		shift 2
		;;
	--data)
		(($# >= 2)) || die "--data needs a value"
		DATA=$2
		shift 2
		;;
	--repeat)
		(($# >= 2)) || die "--repeat needs a value"
		REPEAT=$2
		shift 2
		;;
	--no-gemm) GEMM=0 && shift ;;
	--no-iris) IRIS=0 && shift ;;
	--no-peak) PEAK=0 && shift ;;
	--no-step) STEP=0 && shift ;;
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
posint "$REPEAT" || die "--repeat $REPEAT: want a positive whole number"
read -r -a TLIST <<<"$THREADS"
((${#TLIST[@]})) || die "--threads: want a list such as \"1 2\""
for t in "${TLIST[@]}"; do
	posint "$t" || die "--threads: $t is not a positive whole number"
done
read -r -a PLIST <<<"$PRECISION"
((${#PLIST[@]})) || die "--precision: want a list such as \"f64 f32\""
for i in "${!PLIST[@]}"; do
	case ${PLIST[$i]} in
	f64 | float64) PLIST[i]=f64 ;;
	f32 | float32) PLIST[i]=f32 ;;
	*) die "--precision: ${PLIST[$i]} is not f64 or f32" ;;
	esac
done
# train.precision's name of a precision.
declare -A LONG=([f64]=float64 [f32]=float32)

[[ -f go.mod && -d cmd/mlptrain ]] || die "run me from the repository root: bash bench/run.sh"
command -v go >/dev/null || PATH=/usr/local/go/bin:$PATH
command -v go >/dev/null || die "no go on PATH (nor /usr/local/go/bin/go)"
PY=/usr/bin/python3
PEERS=${MLPTRAIN_BENCH_PEERS:-../shared/bench}
TMPDIR=${TMPDIR:-/tmp}
[[ -n $DATA ]] || DATA=$TMPDIR/mlptrain-bench-ref-$ROWS.csv

pyhas() { [[ -x $PY ]] && "$PY" -c "import $1" >/dev/null 2>&1; }

# 1. The reference data, made once and cached.
if [[ ! -s $DATA ]]; then
	if ! pyhas numpy; then
		echo "bench: numpy is not installed ($PY, Debian's python3-numpy), so the reference data $DATA cannot be made; nothing to time."
		echo "bench: apt-get install -y python3-numpy python3-pandas python3-sklearn python3-torch, or pass --data FILE."
		exit 0
	fi
	[[ -f $PEERS/gendata.py ]] || {
		echo "bench: $PEERS/gendata.py not found (set MLPTRAIN_BENCH_PEERS); nothing to time."
		exit 0
	}
	note "generating $ROWS rows into $DATA"
	mkdir -p "$(dirname "$DATA")"
	"$PY" "$PEERS/gendata.py" --rows "$ROWS" --out "$DATA.tmp.$$" >/dev/null
	mv "$DATA.tmp.$$" "$DATA"
fi
NROWS=$(($(wc -l <"$DATA") - 1))
NCOLS=$(head -n 1 "$DATA" | awk -F, '{print NF}')
NFEAT=$((NCOLS - 1))
if ((ROWS_GIVEN && NROWS != ROWS)); then
	note "warning: $DATA has $NROWS rows, not --rows $ROWS; timing the file as it is"
fi
head -n 1 "$DATA" | grep -q ',label$' || die "$DATA: the last column is not \`label\` (make it with gendata.py)"

WORK=$(mktemp -d "$TMPDIR/mlptrain-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Helpers: wall time of a command, medians, ratios, peak RSS.
now() { echo "$EPOCHREALTIME"; }
# stamp: each line of stdin, after the time it arrived.
stamp() { while IFS= read -r l || [[ -n $l ]]; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) printf "%.4g\n", v[(NR + 1) / 2]; else printf "%.4g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$"; if (a !~ n || b !~ n || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
HAVE_TIME=0
[[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1 && HAVE_TIME=1
# timed OUT CMD...: runs CMD under /usr/bin/time -v (when there is one), writing its report to OUT.
timed() {
	local out=$1
	shift
	if ((HAVE_TIME)); then
		/usr/bin/time -v -o "$out" "$@"
	else
		: >"$out"
		"$@"
	fi
}
us() { awk -v x="$1" 'BEGIN { if (x ~ /^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$/) printf "%.1f", x * 1e6; else print x }'; }
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 * 1024 / 1e6; f = 1 } END { if (!f) print "-" }' "$1"; }
# col METRICS NAME: the column of metrics.csv whose header is NAME (6, seconds, today).
col() { head -n 1 "$1" | awk -F, -v n="$2" '{ for (i = 1; i <= NF; i++) if ($i == n) { print i; exit } }'; }
# epoch_median METRICS E: the median of metrics.csv's seconds over epochs 2..E (epoch 1 if E = 1).
epoch_median() {
	[[ -s $1 ]] || {
		echo failed
		return
	}
	awk -F, -v e="$2" -v c="$(col "$1" seconds)" 'NR > 1 && ($1 >= 2 || e == 1) { print $c }' "$1" | median
}
# epoch_sum METRICS: the sum of metrics.csv's seconds over all epochs (the fit's training steps).
epoch_sum() {
	[[ -s $1 ]] || return 0
	awk -F, -v c="$(col "$1" seconds)" 'NR > 1 { s += $c } END { printf "%.4f", s }' "$1"
}
# report_seconds REPORT: report.json's seconds (the fit after its setup: the steps, each epoch's
# bookkeeping, the final checkpoint; not the final scoring nor the writing of the run folder).
report_seconds() { awk '/^  "seconds":/ { gsub(/[",]/, "", $2); print $2; exit }' "$1"; }
num() { [[ $1 =~ ^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$ ]]; }
# pct A B: A/B in percent, or - .
pct() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$"; if (a !~ n || b !~ n || b + 0 == 0) print "-"; else printf "%.1f%%", 100 * a / b }'; }
# gfl FLOPS SECONDS: GFLOP/s, or - .
gfl() { awk -v f="$1" -v s="$2" 'BEGIN { n = "^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$"; if (s !~ n || s + 0 == 0) print "-"; else printf "%.1f", f / s / 1e9 }'; }
# meets VALUE GOAL: yes if VALUE <= GOAL, NO if not, - if VALUE is not a number.
meets() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$"; if (a !~ n) print "-"; else if (a + 0 <= b + 0) print "yes"; else print "NO" }'; }
# maxof A B: the larger of two numbers, either of which may be missing.
maxof() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$"; if (a !~ n && b !~ n) print "-"; else if (b !~ n || (a ~ n && a + 0 >= b + 0)) print a; else print b }'; }
# bench_col FILE NAME UNIT STAT: the median (STAT med) or the largest (STAT max) value before UNIT
# on the lines of benchmark NAME (any -CPU suffix) in go test's output FILE.
bench_col() {
	awk -v s="$2" -v u="$3" '{ n = $1; sub(/-[0-9]+$/, "", n) } n == s { for (i = 2; i <= NF; i++) if ($i == u) print $(i - 1) }' "$1" |
		if [[ $4 == max ]]; then sort -g | tail -n 1; else median | awk '$1 != "nan"'; fi
}

# The Python peers' environment, as a command prefix: peerenv T sets PENV.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset (this machine sets
# OPENBLAS_CORETYPE=Haswell, which keeps OpenBLAS off its AVX-512 kernels,
# about 25% slower in numpy), OpenMP workers sleep when idle (PyTorch's
# libgomp beside OpenBLAS's threads; peers.py sets it too) and every thread
# pool runs T threads (peers.py --threads also calls torch.set_num_threads).
peerenv() {
	PENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE
		OMP_NUM_THREADS="$1" OPENBLAS_NUM_THREADS="$1" MKL_NUM_THREADS="$1")
}
# The openblas build of mlptrain links the same OpenBLAS: same variables unset.
OBENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

# 2. mlptrain, built once.
BIN=$WORK/mlptrain
note "building mlptrain"
go build -o "$BIN" ./cmd/mlptrain
# The optional OpenBLAS build (-tags openblas: cgo and libopenblas-dev), as
# a reference inside the same trainer, when it builds here.
OBIN=$WORK/mlptrain-openblas
HAS_OBUILD=0
if CGO_ENABLED=1 go build -tags openblas -o "$OBIN" ./cmd/mlptrain 2>"$WORK/openblas-build.err"; then
	HAS_OBUILD=1
else
	note "no OpenBLAS build (needs cgo and libopenblas-dev): $(tail -n 1 "$WORK/openblas-build.err")"
fi
CFG=$WORK/ref.yaml
. "$(dirname "$0")/refconfig.sh"
ref_config "$CFG" "$DATA" "$EPOCHS" "$WORK/run"

pyver() {
	pyhas "$1" && "$PY" -c "import $1; print($1.__version__)" 2>/dev/null || echo "not installed"
}
HAS_NUMPY=0 HAS_PANDAS=0 HAS_SKLEARN=0 HAS_TORCH=0
pyhas numpy && HAS_NUMPY=1
pyhas pandas && HAS_PANDAS=1
pyhas sklearn && HAS_SKLEARN=1
pyhas torch && HAS_TORCH=1
HAS_PEERS=0
[[ -f $PEERS/peers.py ]] && HAS_PEERS=1
# Does scikit-learn train in float32? MLPClassifier keeps float32 input as
# float32 (weights, activations, gradients) since scikit-learn 1.0 or so;
# an older one converts it to float64, and then there is no sklearn f32 row.
SK32=0
if ((HAS_SKLEARN)); then
	[[ $("$PY" -c 'import numpy as np
from sklearn.neural_network import MLPClassifier
X = np.random.default_rng(0).random((64, 4), dtype=np.float32)
m = MLPClassifier(hidden_layer_sizes=(3,), solver="sgd").partial_fit(X, np.arange(64) % 2, classes=[0, 1])
print(m.coefs_[0].dtype, m.coefs_[1].dtype)' 2>/dev/null) == "float32 float32" ]] && SK32=1
fi
OPENBLAS=$(dpkg-query -W -f '${Version}' libopenblas0-pthread 2>/dev/null || echo "?")
# The microkernels this CPU runs, fastest first, as BenchmarkKernels (and,
# where there are float32 kernels, BenchmarkKernels32) name them.
kernels() {
	go test ./internal/gemm -run '^$' -bench "^$1\$/^fwd_HW2" -benchtime 1x 2>/dev/null |
		awk -v b="$1" 'index($1, b "/") == 1 { n = split($1, p, "/"); sub(/-[0-9]+$/, "", p[n]); printf "%s%s", s, p[n]; s = " " }'
}
KERNELS=$(kernels BenchmarkKernels || true)
KERNELS32=$(kernels BenchmarkKernels32 || true)

EPLABEL="median over epochs 2..$EPOCHS"
((EPOCHS > 1)) || EPLABEL="epoch 1 (warm-up included: use --epochs 4)"
F64MB=$(awk -v n="$NROWS" -v c="$NCOLS" 'BEGIN { printf "%.0f", n * c * 8 / 1e6 }')
# An epoch's floating-point operations: the five products of each step, as
# every implementation here computes them. Forward X·W1 and H·W2; backward
# Xᵀ·Z̄1, Hᵀ·Z̄2 and Z̄2·W2ᵀ: no gradient is computed for the data input X,
# so the backward pass is about one forward, not the lecture's two.
HID=256 CLS=10
FLOP_FWD=$(awk -v n="$NROWS" -v d="$NFEAT" -v h="$HID" -v k="$CLS" 'BEGIN { printf "%.0f", 2 * n * (d * h + h * k) }')
FLOP_BWD=$(awk -v n="$NROWS" -v d="$NFEAT" -v h="$HID" -v k="$CLS" 'BEGIN { printf "%.0f", 2 * n * (d * h + 2 * h * k) }')
FLOP_EP=$((FLOP_FWD + FLOP_BWD))
gf() { awk -v f="$1" 'BEGIN { printf "%.1f", f / 1e9 }'; }
REV="?"
if r=$(git rev-parse --short HEAD 2>/dev/null); then
	REV=$r
	git diff --quiet HEAD 2>/dev/null || REV+=" (with uncommitted changes)"
fi
echo "mlptrain benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $REV"
echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p') ($(nproc) cores); $(go version | cut -d' ' -f3-)"
echo "gemm kernels on this cpu, fastest first: float64 ${KERNELS:-?}; float32 ${KERNELS32:-(no BenchmarkKernels32 in this tree)}"
echo "peers: numpy $(pyver numpy), pandas $(pyver pandas), scikit-learn $(pyver sklearn), torch $(pyver torch), OpenBLAS $OPENBLAS"
echo "peer environment: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=T OPENBLAS_NUM_THREADS=T MKL_NUM_THREADS=T $PY peers.py --threads T (this shell has OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-<unset>} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-<unset>})"
if ((HAS_NUMPY)); then
	peerenv "${TLIST[-1]}"
	TPINFO=$("${PENV[@]}" "$PY" -c 'import threadpoolctl, numpy; print(threadpoolctl.threadpool_info())' 2>&1) || TPINFO="threadpoolctl failed: $(tail -n 1 <<<"$TPINFO")"
	echo "threadpoolctl.threadpool_info() after import numpy, in the peer environment (T = ${TLIST[-1]}): $TPINFO"
	if ((HAS_TORCH)); then
		TPT=$("${PENV[@]}" "$PY" -c 'import threadpoolctl, torch; print(threadpoolctl.threadpool_info())' 2>&1) || TPT="threadpoolctl failed: $(tail -n 1 <<<"$TPT")"
		echo "threadpoolctl.threadpool_info() after import torch: $TPT"
	fi
	grep -Eq "'architecture': '(SkylakeX|Cooperlake|SapphireRapids)'" <<<"$TPINFO" ||
		echo "WARNING: numpy's OpenBLAS does not run an AVX-512 kernel (SkylakeX, Cooperlake) here: the peers are not at their best"
fi
if ((HAS_SKLEARN)); then
	if ((SK32)); then
		echo "scikit-learn: MLPClassifier trains in float32 on float32 input (coefs_ stay float32): its f32 rows are float32 arithmetic"
	else
		echo "scikit-learn: MLPClassifier converts float32 input to float64 here: no sklearn f32 rows"
	fi
fi
echo "data: $DATA: $NROWS rows x $NFEAT features + label, $(($(stat -c %s "$DATA") / 1000000)) MB of CSV, $F64MB MB as float64"
echo "workload: $NFEAT-$HID-$CLS ReLU/softmax, cross-entropy, SGD lr 0.01, batch 128, ${PLIST[*]}; epoch time = $EPLABEL"
echo "FLOPs per epoch: forward 2n(dh+hk) = $(gf "$FLOP_FWD") G, backward 2n(dh+2hk) = $(gf "$FLOP_BWD") G (no gradient for the data input),"
echo "  $(gf "$FLOP_EP") GFLOP in all (n = $NROWS, d = $NFEAT, h = $HID, k = $CLS); the lecture's backward = 2 x forward would count $(gf $((3 * FLOP_FWD))) G"
echo

# 3. The runs, thread count by thread count, precision by precision:
# the GEMM peak, then mlptrain, then each peer.
declare -A EP RSS LOAD SETUP SETUP_RSS STEPS_S WALL_S END_S PEAK_GO PEAK_NP PEAKV
# measure_peak T: the GEMM peak at T threads, per precision, best of 5: our
# kernels (BenchmarkPeakGemm, 2048², through gemm.Gemm / gemm.Gemm32) and
# numpy's matmul on the same size; the peak is the higher.
measure_peak() {
	local T=$1 P pat
	pat=$(for P in "${PLIST[@]}"; do printf '%s|' "${LONG[$P]}"; done)
	note "gemm peak, $T thread(s): go test -bench PeakGemm, numpy.matmul 2048x2048"
	go test ./internal/graph -run '^$' -bench "^BenchmarkPeakGemm\$/^(${pat%|})\$" -benchtime 2x -count 5 -cpu "$T" \
		>"$WORK/peak-$T.txt" 2>&1 || note "go test -bench PeakGemm failed: $(tail -n 1 "$WORK/peak-$T.txt")"
	local NP=""
	if ((HAS_NUMPY)); then
		peerenv "$T"
		NP=$("${PENV[@]}" "$PY" - "${PLIST[@]}" <<'EOF'
import sys, time
import numpy as np
n = 2048
rng = np.random.default_rng(0)
for p in sys.argv[1:]:
    dt = {"f64": np.float64, "f32": np.float32}[p]
    a, b = rng.random((n, n)).astype(dt), rng.random((n, n)).astype(dt)
    c = np.empty((n, n), dt)
    np.matmul(a, b, out=c)
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        np.matmul(a, b, out=c)
        ts.append(time.perf_counter() - t)
    print(p, 2 * n ** 3 / min(ts) / 1e9)
EOF
		) || {
			note "numpy matmul peak failed"
			NP=""
		}
	fi
	for P in "${PLIST[@]}"; do
		PEAK_GO[$P,$T]=$(bench_col "$WORK/peak-$T.txt" "BenchmarkPeakGemm/${LONG[$P]}/2048" GFLOP/s max | awk '{ printf "%.1f", $1 }')
		PEAK_NP[$P,$T]=$(awk -v p="$P" '$1 == p { printf "%.1f", $2 }' <<<"$NP")
		PEAKV[$P,$T]=$(maxof "${PEAK_GO[$P,$T]}" "${PEAK_NP[$P,$T]}")
	done
}
# run_load T: the CSV load and the setup of a fit (float64 config), REPEAT times each.
run_load() {
	local T=$1 i s e
	local loads=() setups=()
	note "mlptrain, $T thread(s): load ($REPEAT runs of graph --rows 1 and fit --epochs 0)"
	for ((i = 0; i < REPEAT; i++)); do
		s=$(now)
		GOMAXPROCS=$T "$BIN" graph "$CFG" --rows 1 >/dev/null
		e=$(now)
		loads+=("$(sub "$e" "$s")")
		s=$(now)
		timed "$WORK/time-setup-$T" env GOMAXPROCS="$T" "$BIN" fit "$CFG" --set train.threads="$T" --epochs 0 \
			--out "$WORK/run0-$T" --quiet >/dev/null
		e=$(now)
		setups+=("$(sub "$e" "$s")")
	done
	LOAD[$T]=$(printf '%s\n' "${loads[@]}" | median)
	SETUP[$T]=$(printf '%s\n' "${setups[@]}" | median)
	SETUP_RSS[$T]=$(rss_mb "$WORK/time-setup-$T")
}
# run_fit T P: one fit of EPOCHS epochs at T threads and precision P.
run_fit() {
	local T=$1 P=$2 s e run=$WORK/run-$2-$1
	note "mlptrain $P, $T thread(s): fit, $EPOCHS epochs"
	s=$(now)
	# The progress lines on stderr, each stamped as it arrives: the end of
	# the fit runs from the last epoch's line to the process's exit.
	if ! (timed "$WORK/time-fit-$P-$T" env GOMAXPROCS="$T" "$BIN" fit "$CFG" --set train.threads="$T" \
		--set train.precision="${LONG[$P]}" --out "$run" --json 2>&1 >"$WORK/report-$P-$T.json" | stamp >"$WORK/fit-$P-$T.err"
	exit "${PIPESTATUS[0]}"); then
		note "mlptrain $P, $T thread(s) failed: $(tail -n 1 "$WORK/fit-$P-$T.err" | cut -d' ' -f2-)"
		EP[mlptrain,$P,$T]=failed RSS[mlptrain,$P,$T]=-
		return
	fi
	e=$(now)
	local last
	last=$(awk -v e="epoch $EPOCHS/" 'index($2 " " $3, e) == 1 { print $1 }' "$WORK/fit-$P-$T.err" | tail -n 1)
	[[ -n $last ]] && END_S[$P,$T]=$(sub "$e" "$last")
	local got
	got=$(sed -n 's/^ *"threads": \([0-9]*\).*/\1/p' "$WORK/report-$P-$T.json")
	[[ $got == "$T" ]] || note "warning: report.json says threads $got, want $T"
	# model.json says "precision": "float32" in a float32 run, nothing in a float64 one.
	local says=float64
	grep -q '"precision": "float32"' "$run/model.json" && says=float32
	[[ $says == "${LONG[$P]}" ]] || note "warning: $run/model.json says precision $says, want ${LONG[$P]}"
	EP[mlptrain,$P,$T]=$(epoch_median "$run/metrics.csv" "$EPOCHS")
	RSS[mlptrain,$P,$T]=$(rss_mb "$WORK/time-fit-$P-$T")
	STEPS_S[$P,$T]=$(epoch_sum "$run/metrics.csv")
	WALL_S[$P,$T]=$(sub "$e" "$s")
}
# run_openblas T P: the epoch time of the same fit built with -tags openblas.
run_openblas() {
	local T=$1 P=$2
	note "mlptrain -tags openblas $P, $T thread(s): fit, $EPOCHS epochs"
	if timed "$WORK/time-ofit-$P-$T" "${OBENV[@]}" GOMAXPROCS="$T" "$OBIN" fit "$CFG" --set train.threads="$T" \
		--set train.precision="${LONG[$P]}" --out "$WORK/orun-$P-$T" --quiet --json >"$WORK/oreport-$P-$T.json" 2>"$WORK/ofit-$P-$T.err"; then
		EP[mlptrain-openblas,$P,$T]=$(epoch_median "$WORK/orun-$P-$T/metrics.csv" "$EPOCHS")
		RSS[mlptrain-openblas,$P,$T]=$(rss_mb "$WORK/time-ofit-$P-$T")
	else
		note "mlptrain -tags openblas $P failed: $(tail -n 1 "$WORK/ofit-$P-$T.err")"
		EP[mlptrain-openblas,$P,$T]=failed RSS[mlptrain-openblas,$P,$T]=-
	fi
}
# run_peer IMPL T P: peers.py --impl IMPL --threads T --prec P.
run_peer() {
	local impl=$1 T=$2 P=$3 out=$WORK/peer-$1-$3-$2
	if [[ $impl == sklearn && $P == f32 ]] && ((!SK32)); then
		EP[$impl,$P,$T]="n/a" RSS[$impl,$P,$T]=-
		return
	fi
	note "$impl $P, $T thread(s)"
	peerenv "$T"
	if timed "$out.time" "${PENV[@]}" "$PY" "$PEERS/peers.py" --impl "$impl" --prec "$P" --threads "$T" --epochs "$EPOCHS" "$DATA" \
		>"$out.txt" 2>"$out.err"; then
		EP[$impl,$P,$T]=$(awk '$1 == "epoch_seconds_median" { print $2 }' "$out.txt")
		RSS[$impl,$P,$T]=$(rss_mb "$out.time")
	else
		note "$impl $P failed: $(tail -n 1 "$out.err")"
		EP[$impl,$P,$T]=failed RSS[$impl,$P,$T]=-
	fi
}
PEER_LIST=()
MISSING=()
# peers.py loads the data with pandas, whichever peer it times.
if ((!HAS_PEERS)); then
	MISSING+=("all peers: $PEERS/peers.py not found (set MLPTRAIN_BENCH_PEERS)")
elif ((!HAS_NUMPY || !HAS_PANDAS)); then
	MISSING+=("all peers: peers.py needs numpy and pandas in $PY (python3-numpy, python3-pandas)")
else
	PEER_LIST+=(numpy)
	if ((HAS_SKLEARN)); then PEER_LIST+=(sklearn); else MISSING+=("sklearn: not installed in $PY (python3-sklearn)"); fi
	if ((HAS_TORCH)); then PEER_LIST+=(torch); else MISSING+=("torch: not installed in $PY (python3-torch)"); fi
fi
for m in "${MISSING[@]}"; do note "skipped $m"; done
IMPLS=("${PEER_LIST[@]}")
((HAS_OBUILD)) && IMPLS=(mlptrain-openblas "${IMPLS[@]}")
for T in "${TLIST[@]}"; do
	((PEAK)) && measure_peak "$T"
	run_load "$T"
	for P in "${PLIST[@]}"; do
		run_fit "$T" "$P"
		((HAS_OBUILD)) && run_openblas "$T" "$P"
		for impl in "${PEER_LIST[@]}"; do
			run_peer "$impl" "$T" "$P"
		done
	done
done

# The peers' loaders, once each, single-threaded as they are.
PYLOAD=""
if ((HAS_NUMPY)); then
	note "numpy.loadtxt and pandas.read_csv"
	peerenv 1
	PYLOAD=$("${PENV[@]}" "$PY" - "$DATA" <<'EOF'
import sys, time
import numpy as np
t = time.perf_counter()
a = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
print(f"numpy.loadtxt {time.perf_counter() - t:.4f}")
del a
try:
    import pandas as pd
except ImportError:
    sys.exit(0)
t = time.perf_counter()
d = pd.read_csv(sys.argv[1])
print(f"pandas.read_csv {time.perf_counter() - t:.4f}")
EOF
	) || note "the python loaders failed"
fi
LOADTXT=$(awk '$1 == "numpy.loadtxt" { print $2 }' <<<"$PYLOAD")
READCSV=$(awk '$1 == "pandas.read_csv" { print $2 }' <<<"$PYLOAD")

# 4. The tables.
echo "== epoch seconds (median); mlptrain/peer at the same precision and thread count: below 1 means mlptrain is faster;"
if ((PEAK)); then
	echo "   GFLOP/s = $(gf "$FLOP_EP") GFLOP / epoch_s; %peak = of the GEMM peak measured below at that precision and thread count =="
else
	echo "   GFLOP/s = $(gf "$FLOP_EP") GFLOP / epoch_s; no %peak (--no-peak) =="
fi
EFMT='%-17s %4s %7s %9s %13s %8s %7s %11s\n'
printf "$EFMT" implementation prec threads epoch_s mlptrain/peer GFLOP/s %peak peak_RSS_MB
for T in "${TLIST[@]}"; do
	for P in "${PLIST[@]}"; do
		m=${EP[mlptrain,$P,$T]}
		printf "$EFMT" mlptrain "$P" "$T" "$m" - "$(gfl "$FLOP_EP" "$m")" "$(pct "$(gfl "$FLOP_EP" "$m")" "${PEAKV[$P,$T]-}")" "${RSS[mlptrain,$P,$T]}"
		for impl in "${IMPLS[@]}"; do
			v=${EP[$impl,$P,$T]}
			printf "$EFMT" "$impl" "$P" "$T" "$v" "$(ratio "$m" "$v")" "$(gfl "$FLOP_EP" "$v")" \
				"$(pct "$(gfl "$FLOP_EP" "$v")" "${PEAKV[$P,$T]-}")" "${RSS[$impl,$P,$T]}"
		done
	done
done
for m in "${MISSING[@]}"; do echo "(skipped $m)"; done
[[ " ${PLIST[*]} " == *" f32 "* && " ${PEER_LIST[*]} " == *" sklearn "* ]] && ((!SK32)) &&
	echo "(sklearn f32: n/a, this scikit-learn trains float32 input in float64)"

if ((PEAK)); then
	echo
	echo "== GEMM peak, GFLOP/s on a 2048x2048 product, best of 5: mlptrain = go test ./internal/graph -bench PeakGemm"
	echo "   (gemm.Gemm / gemm.Gemm32, the graph's kernels), numpy = matmul in the peer environment (OpenBLAS); peak = the higher =="
	printf '%-4s %7s %9s %9s %9s  %s\n' prec threads mlptrain numpy peak from
	for T in "${TLIST[@]}"; do
		for P in "${PLIST[@]}"; do
			from=-
			[[ ${PEAKV[$P,$T]} != - ]] && from=numpy
			[[ ${PEAKV[$P,$T]} != - && ${PEAKV[$P,$T]} == "${PEAK_GO[$P,$T]}" ]] && from=mlptrain
			printf '%-4s %7s %9s %9s %9s  %s\n' "$P" "$T" "${PEAK_GO[$P,$T]:--}" "${PEAK_NP[$P,$T]:--}" "${PEAKV[$P,$T]}" "$from"
		done
	done
fi

echo
echo "== end of fit, as issue 13 counts it: from the last epoch's progress line on stderr to the process's exit (the final"
echo "   checkpoint, written and fsynced even with checkpoint_every: 0; the final scoring of the training set; model.json,"
echo "   report.json, the pictures), against the process's wall time; steps_s = the sum of metrics.csv's epoch seconds =="
FFMT='%-4s %7s %15s %9s %9s %10s\n'
printf "$FFMT" prec threads process_wall_s steps_s end_s end/wall
for T in "${TLIST[@]}"; do
	for P in "${PLIST[@]}"; do
		printf "$FFMT" "$P" "$T" "${WALL_S[$P,$T]:--}" "${STEPS_S[$P,$T]:--}" "${END_S[$P,$T]:--}" "$(pct "${END_S[$P,$T]-}" "${WALL_S[$P,$T]-}")"
	done
done
echo "(the end's pieces: MLPTRAIN_ENDFIT_DATA=$DATA go test ./internal/train -run EndOfFitBreakdown -v)"

# The issue's targets, from the ratios of this run.
echo
echo "== issue 13's targets (ratios of this run; - = not measured in this run; the end-of-fit goal is for a 4-epoch fit,"
echo "   this run's fits have $EPOCHS) =="
TFMT='%-48s %7s %8s %4s\n'
printf "$TFMT" target goal value met
# target LABEL GOAL VALUE [UNIT]: met when VALUE <= GOAL.
target() {
	local u=${4-} v=$3
	num "$v" && v+=$u
	printf "$TFMT" "$1" "<= $2$u" "$v" "$(meets "$3" "$2")"
}
for T in 1 2; do
	target "f32 epoch / PyTorch f32 epoch, $T thread(s)" 0.90 "$(ratio "${EP[mlptrain,f32,$T]-}" "${EP[torch,f32,$T]-}")"
done
best=- bestp=none
for impl in numpy sklearn torch; do
	v=${EP[$impl,f64,2]-}
	num "$v" || continue
	if ! num "$best" || awk -v a="$v" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$v bestp=$impl; fi
done
target "f64 epoch / best f64 peer ($bestp), 2 threads" 0.80 "$(ratio "${EP[mlptrain,f64,2]-}" "$best")"
for P in f64 f32; do
	target "2-thread epoch / 1-thread epoch, mlptrain $P" 0.60 "$(ratio "${EP[mlptrain,$P,2]-}" "${EP[mlptrain,$P,1]-}")"
done
for T in "${TLIST[@]}"; do
	for P in "${PLIST[@]}"; do
		o=-
		num "${END_S[$P,$T]-}" && num "${WALL_S[$P,$T]-}" && o=$(awk -v a="${END_S[$P,$T]}" -v b="${WALL_S[$P,$T]}" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b }')
		target "end of fit / whole fit, $P, $T thread(s)" 5 "$o" %
	done
done

echo
echo "== CSV load seconds (float64 config; wall; mlptrain: median of $REPEAT process runs; python: in-process, once) =="
printf '%-44s %7s %9s %15s %15s\n' what threads seconds /numpy.loadtxt /pandas.read_csv
for T in "${TLIST[@]}"; do
	printf '%-44s %7s %9s %15s %15s\n' "mlptrain graph --rows 1 (config + CSV load)" "$T" "${LOAD[$T]}" \
		"$(ratio "${LOAD[$T]}" "$LOADTXT")" "$(ratio "${LOAD[$T]}" "$READCSV")"
	printf '%-44s %7s %9s %15s %15s\n' "mlptrain fit --epochs 0 (load + setup)" "$T" "${SETUP[$T]}" \
		"$(ratio "${SETUP[$T]}" "$LOADTXT")" "$(ratio "${SETUP[$T]}" "$READCSV")"
done
printf '%-44s %7s %9s\n' numpy.loadtxt 1 "${LOADTXT:--}"
printf '%-44s %7s %9s\n' pandas.read_csv 1 "${READCSV:--}"
echo
echo "== memory: peak RSS vs the data as float64 ($NROWS x $NCOLS x 8 = $F64MB MB) =="
for T in "${TLIST[@]}"; do
	line="mlptrain, $T thread(s):"
	for P in "${PLIST[@]}"; do
		line+=" fit $P ${RSS[mlptrain,$P,$T]} MB = $(ratio "${RSS[mlptrain,$P,$T]}" "$F64MB") x;"
	done
	echo "$line fit --epochs 0 (f64): ${SETUP_RSS[$T]} MB = $(ratio "${SETUP_RSS[$T]}" "$F64MB") x"
done
((HAVE_TIME)) || echo "(no /usr/bin/time: peak RSS not measured)"

# The lecture's accounting: a step's backward pass against its forward pass.
if ((STEP)); then
	echo
	echo "== backward / forward time of a training step, 784-256-10, batch 128 (go test ./internal/graph -bench ReferenceStep,"
	echo "   median of 5 x 200 steps, one go test per thread count); the lecture's count is about 2 =="
	SFMT='%-4s %7s %11s %12s %17s\n'
	printf "$SFMT" prec threads forward_us backward_us backward/forward
	pat=$(for P in "${PLIST[@]}"; do printf '%s|' "${LONG[$P]}"; done)
	for T in "${TLIST[@]}"; do
		note "step, $T thread(s): go test -bench ReferenceStep"
		go test ./internal/graph -run '^$' -bench "^BenchmarkReferenceStep\$/^(${pat%|})\$" -benchtime 200x -count 5 -cpu "$T" \
			>"$WORK/step-$T.txt" 2>&1 || note "go test -bench ReferenceStep failed: $(tail -n 1 "$WORK/step-$T.txt")"
		for P in "${PLIST[@]}"; do
			fw=$(bench_col "$WORK/step-$T.txt" "BenchmarkReferenceStep/${LONG[$P]}/forward" ns/op med)
			bw=$(bench_col "$WORK/step-$T.txt" "BenchmarkReferenceStep/${LONG[$P]}/backward" ns/op med)
			printf "$SFMT" "$P" "$T" "$(awk -v x="$fw" 'BEGIN { if (x != "") printf "%.1f", x / 1e3; else print "-" }')" \
				"$(awk -v x="$bw" 'BEGIN { if (x != "") printf "%.1f", x / 1e3; else print "-" }')" "$(ratio "$bw" "$fw")"
		done
	done
fi

# 5. Iris-sized: per-step overhead dominates.
if ((IRIS)); then
	echo
	echo "== iris-sized: 4-16-3 (hidden tanh or relu, softmax), batch 32, 200 epochs, lr 0.05, no momentum, 1 thread, datasets/iris.csv =="
	echo "us per epoch; mlptrain steps = median of metrics.csv seconds, loop = report.json seconds / 200, process = wall / 200;"
	echo "scikit-learn = MLPClassifier fit time / n_iter_, median of 5 fits; speedup = scikit-learn / mlptrain"
	printf '%-10s %14s %13s %16s %13s %15s %14s\n' activation mlptrain_steps mlptrain_loop mlptrain_process scikit-learn speedup_steps speedup_loop
	for act in tanh relu; do
		ICFG=$WORK/iris-$act.yaml
		cat >"$ICFG" <<EOF
data:
  train: datasets/iris.csv
  validation: 0
  target: species
  normalize: standardize
model:
  layers:
    - {units: 16, activation: $act}
    - {activation: softmax}
  loss: cross_entropy
  init: xavier
train:
  optimizer: sgd
  learning_rate: 0.05
  momentum: 0
  batch_size: 32
  epochs: 200
  l2: 0
  seed: 1
  threads: 1
  checkpoint_every: 0
output:
  dir: $(yq "$WORK/iris-$act")
EOF
		note "iris, $act: mlptrain"
		s=$(now)
		GOMAXPROCS=1 "$BIN" fit "$ICFG" --quiet --json >"$WORK/iris-$act.json"
		e=$(now)
		IEP=$(awk -F, 'NR > 1 { print $6 }' "$WORK/iris-$act/metrics.csv" | median)
		ILOOP=$(awk '/"seconds":/ { gsub(/[",]/, "", $2); printf "%.4g", $2 / 200 }' "$WORK/iris-$act.json")
		IPROC=$(awk -v a="$e" -v b="$s" 'BEGIN { printf "%.4g", (a - b) / 200 }')
		ISKE=-
		if ((HAS_SKLEARN && HAS_PANDAS)); then
			note "iris, $act: scikit-learn"
			peerenv 1
			ISKE=$("${PENV[@]}" "$PY" - datasets/iris.csv "$act" <<'EOF'
import statistics, sys, time, warnings
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
warnings.simplefilter("ignore", ConvergenceWarning)
df = pd.read_csv(sys.argv[1])
y = df.pop("species").to_numpy()
X = StandardScaler().fit_transform(df.to_numpy(dtype=float))
per = []
for r in range(5):
    clf = MLPClassifier(hidden_layer_sizes=(16,), activation=sys.argv[2], solver="sgd", batch_size=32,
                        max_iter=200, learning_rate_init=0.05, momentum=0, nesterovs_momentum=False,
                        alpha=0, shuffle=False, tol=0, n_iter_no_change=10**9, random_state=r)
    t = time.perf_counter()
    clf.fit(X, y)
    assert clf.n_iter_ == 200, clf.n_iter_
    per.append((time.perf_counter() - t) / clf.n_iter_)
print(f"{statistics.median(per):.6g}")
EOF
			) || ISKE=failed
		fi
		printf '%-10s %14s %13s %16s %13s %15s %14s\n' "$act" "$(us "$IEP")" "$(us "$ILOOP")" "$(us "$IPROC")" "$(us "$ISKE")" \
			"$(ratio "$ISKE" "$IEP")" "$(ratio "$ISKE" "$ILOOP")"
	done
	((HAS_SKLEARN && HAS_PANDAS)) || echo "(scikit-learn not installed: no comparison)"
fi

# 6. The GEMM against OpenBLAS (through numpy, and through the openblas
# build's go test) on the network's products.
# gflops SHAPE IMPL FILE: the median GFLOP/s of BenchmarkGemm/SHAPE/IMPL in FILE.
gflops() {
	awk -v s="BenchmarkGemm/$1/$2" '$1 == s || index($1, s "-") == 1 { for (i = 2; i <= NF; i++) if ($i == "GFLOP/s") print $(i - 1) }' "$3" |
		median | awk '$1 != "nan" { printf "%.1f", $1 }'
}
if ((GEMM)); then
	echo
	echo "== GEMM GFLOP/s on the network's products (median of 5; mlptrain: go test -bench Gemm .../asm; OpenBLAS: numpy.matmul, and"
	echo "   go test -tags openblas -bench Gemm .../openblas: the graph's calls, with beta = 1 in the backward products, through netlib) =="
	printf '%-22s %7s %10s %10s %16s %12s %15s\n' shape threads mlptrain openblas mlptrain/openblas openblas_go mlptrain/ob_go
	SHAPES="fwd_XW1_128x784x256 fwd_HW2_128x256x10 bwd_XtZ1_784x128x256 bwd_Z2W2t_128x10x256 bwd_HtZ2_256x128x10"
	for T in "${TLIST[@]}"; do
		note "gemm, $T thread(s)"
		if ((HAS_OBUILD)); then
			"${OBENV[@]}" CGO_ENABLED=1 go test -tags openblas ./internal/gemm -run '^$' -bench '^BenchmarkGemm$/^(fwd|bwd).*/^(asm|openblas)$' \
				-benchtime 200x -count 5 -cpu "$T" >"$WORK/gemm-$T.txt" 2>&1 || note "go test -tags openblas -bench Gemm failed"
		else
			go test ./internal/gemm -run '^$' -bench '^BenchmarkGemm$/^(fwd|bwd).*/^asm$' -benchtime 200x -count 5 -cpu "$T" >"$WORK/gemm-$T.txt" 2>&1 ||
				note "go test -bench Gemm failed"
		fi
		OB=""
		peerenv "$T"
		((HAS_NUMPY)) && OB=$("${PENV[@]}" "$PY" - <<'EOF'
import statistics, time
import numpy as np
rng = np.random.default_rng(0)
# name: a, b as the graph passes them (transposed views for Trans), c = a.b
shapes = {"fwd_XW1_128x784x256": ((128, 784), (784, 256), 0, 0), "fwd_HW2_128x256x10": ((128, 256), (256, 10), 0, 0),
          "bwd_XtZ1_784x128x256": ((128, 784), (128, 256), 1, 0), "bwd_Z2W2t_128x10x256": ((128, 10), (256, 10), 0, 1),
          "bwd_HtZ2_256x128x10": ((128, 256), (128, 10), 1, 0)}
for name, (sa, sb, ta, tb) in shapes.items():
    a, b = rng.random(sa), rng.random(sb)
    a, b = (a.T if ta else a), (b.T if tb else b)
    c = np.empty((a.shape[0], b.shape[1]))
    reps = max(20, int(2e8 / (2 * a.shape[0] * a.shape[1] * b.shape[1])))
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        ts.append((time.perf_counter() - t) / reps)
    print(name, 2 * a.shape[0] * a.shape[1] * b.shape[1] / statistics.median(ts) / 1e9)
EOF
		) || OB=""
		for sh in $SHAPES; do
			g=$(gflops "$sh" asm "$WORK/gemm-$T.txt")
			og=$(gflops "$sh" openblas "$WORK/gemm-$T.txt")
			o=$(awk -v s="$sh" '$1 == s { printf "%.1f", $2 }' <<<"$OB")
			printf '%-22s %7s %10.1f %10s %16s %12s %15s\n' "$sh" "$T" "$g" "${o:--}" "$(ratio "$g" "$o")" \
				"${og:--}" "$(ratio "$g" "$og")"
		done
	done
fi
