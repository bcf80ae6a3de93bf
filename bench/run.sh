#!/usr/bin/env bash
# bench/run.sh: times `mlptrain fit` on the reference workload of issue 6
# (784 -> 256 ReLU -> 10 softmax, cross-entropy, plain SGD, batch 128,
# lr 0.01, float64) against the Python peers in ../shared/bench/ (numpy,
# scikit-learn, PyTorch from Debian packages), in one run, and prints the
# times and the ratios mlptrain/peer. See bench/README.md.
#
# usage (from the repository root):
#   bash bench/run.sh [--rows N] [--epochs E] [--threads "1 2"] [--data FILE]
#                     [--repeat R] [--no-gemm] [--no-iris]
#
# Not part of the test command: without numpy (to make the data) it says so
# and exits 0; peers that are not installed are skipped.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bash bench/run.sh [--rows N] [--epochs E] [--threads "1 2"] [--data FILE] [--repeat R] [--no-gemm] [--no-iris]

  --rows N       rows of the generated reference data (default 60000: 330 MB of CSV)
  --epochs E     epochs per training run; the epoch time is the median over epochs 2..E (default 4)
  --threads L    thread counts to time, a quoted list (default "1 2"): train.threads and GOMAXPROCS
                 for mlptrain, OPENBLAS/OMP_NUM_THREADS (peers.py --threads) for the peers
  --data FILE    the reference CSV, generated there if missing (default: $MLPTRAIN_BENCH_DATA,
                 else ${TMPDIR:-/tmp}/mlptrain-bench-ref-N.csv); it is kept as a cache
  --repeat R     runs of each mlptrain load timing, reported as the median (default 3)
  --no-gemm      skip the GEMM GFLOP/s comparison (go test -bench vs numpy's OpenBLAS)
  --no-iris      skip the iris-sized comparison with scikit-learn
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
REPEAT=3
DATA=${MLPTRAIN_BENCH_DATA:-}
GEMM=1
IRIS=1
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

[[ -f go.mod && -d cmd/mlptrain ]] || die "run me from the repository root: bash bench/run.sh"
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
us() { awk -v x="$1" 'BEGIN { if (x ~ /^[0-9.eE+-]+$/) printf "%.1f", x * 1e6; else print x }'; }
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 * 1024 / 1e6; f = 1 } END { if (!f) print "-" }' "$1"; }
# epoch_median METRICS E: the median of metrics.csv's seconds over epochs 2..E (epoch 1 if E = 1).
epoch_median() {
	awk -F, -v e="$2" 'NR > 1 && ($1 >= 2 || e == 1) { print $6 }' "$1" | median
}

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
yq() { printf "'%s'" "${1//\'/\'\'}"; } # a YAML single-quoted string
cat >"$CFG" <<EOF
# The peers' workload: FEATURES-256-10, ReLU, softmax cross-entropy, plain SGD.
data:
  train: $(yq "$DATA")
  validation: 0
  target: label
  normalize: none
model:
  layers:
    - {units: 256, activation: relu}
    - {units: 10, activation: softmax}
  loss: cross_entropy
  init: xavier
train:
  optimizer: sgd
  learning_rate: 0.01
  momentum: 0
  batch_size: 128
  epochs: $EPOCHS
  l2: 0
  seed: 1
  threads: 1
  checkpoint_every: 0
output:
  dir: $(yq "$WORK/run")
EOF

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
OPENBLAS=$(dpkg-query -W -f '${Version}' libopenblas0-pthread 2>/dev/null || echo "?")
# The microkernels this CPU runs, fastest first, as BenchmarkKernels names them.
KERNELS=$(go test ./internal/gemm -run '^$' -bench 'Kernels/^fwd_HW2' -benchtime 1x 2>/dev/null |
	awk '/^BenchmarkKernels\// { n = split($1, p, "/"); sub(/-[0-9]+$/, "", p[n]); printf "%s%s", s, p[n]; s = " " }')

EPLABEL="median over epochs 2..$EPOCHS"
((EPOCHS > 1)) || EPLABEL="epoch 1 (warm-up included: use --epochs 4)"
F64MB=$(awk -v n="$NROWS" -v c="$NCOLS" 'BEGIN { printf "%.0f", n * c * 8 / 1e6 }')
echo "mlptrain benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p') ($(nproc) cores); $(go version | cut -d' ' -f3-)"
echo "gemm kernels on this cpu, fastest first: ${KERNELS:-?}"
echo "peers: numpy $(pyver numpy), pandas $(pyver pandas), scikit-learn $(pyver sklearn), torch $(pyver torch), OpenBLAS $OPENBLAS"
echo "data: $DATA: $NROWS rows x $NFEAT features + label, $(($(stat -c %s "$DATA") / 1000000)) MB of CSV, $F64MB MB as float64"
echo "workload: $NFEAT-256-10 ReLU/softmax, cross-entropy, SGD lr 0.01, batch 128, f64; epoch time = $EPLABEL"
echo

# 3. The runs, thread count by thread count, mlptrain then each peer.
declare -A EP RSS LOAD SETUP SETUP_RSS
run_mlptrain() {
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
	note "mlptrain, $T thread(s): fit, $EPOCHS epochs"
	timed "$WORK/time-fit-$T" env GOMAXPROCS="$T" "$BIN" fit "$CFG" --set train.threads="$T" \
		--out "$WORK/run-$T" --quiet --json >"$WORK/report-$T.json"
	local got
	got=$(sed -n 's/^ *"threads": \([0-9]*\).*/\1/p' "$WORK/report-$T.json")
	[[ $got == "$T" ]] || note "warning: report.json says threads $got, want $T"
	EP[mlptrain,$T]=$(epoch_median "$WORK/run-$T/metrics.csv" "$EPOCHS")
	RSS[mlptrain,$T]=$(rss_mb "$WORK/time-fit-$T")
}
# run_openblas T: the epoch time of the same fit built with -tags openblas.
run_openblas() {
	local T=$1
	note "mlptrain -tags openblas, $T thread(s): fit, $EPOCHS epochs"
	if timed "$WORK/time-ofit-$T" env GOMAXPROCS="$T" "$OBIN" fit "$CFG" --set train.threads="$T" \
		--out "$WORK/orun-$T" --quiet --json >"$WORK/oreport-$T.json"; then
		EP[mlptrain-openblas,$T]=$(epoch_median "$WORK/orun-$T/metrics.csv" "$EPOCHS")
		RSS[mlptrain-openblas,$T]=$(rss_mb "$WORK/time-ofit-$T")
	else
		EP[mlptrain-openblas,$T]=failed RSS[mlptrain-openblas,$T]=-
	fi
}
run_peer() {
	local impl=$1 T=$2 out=$WORK/peer-$1-$2
	note "$impl, $T thread(s)"
	if timed "$out.time" "$PY" "$PEERS/peers.py" --impl "$impl" --threads "$T" --epochs "$EPOCHS" "$DATA" >"$out.txt" 2>"$out.err"; then
		EP[$impl,$T]=$(awk '$1 == "epoch_seconds_median" { print $2 }' "$out.txt")
		RSS[$impl,$T]=$(rss_mb "$out.time")
	else
		note "$impl failed: $(tail -n 1 "$out.err")"
		EP[$impl,$T]=failed RSS[$impl,$T]=-
	fi
}
PEER_LIST=()
# peers.py loads the data with pandas, whichever peer it times.
if ((HAS_PEERS && HAS_NUMPY && HAS_PANDAS)); then
	PEER_LIST+=(numpy)
	((HAS_SKLEARN)) && PEER_LIST+=(sklearn)
	((HAS_TORCH)) && PEER_LIST+=(torch)
fi
ROWS=("${PEER_LIST[@]}")
((HAS_OBUILD)) && ROWS=(mlptrain-openblas "${ROWS[@]}")
for T in "${TLIST[@]}"; do
	run_mlptrain "$T"
	((HAS_OBUILD)) && run_openblas "$T"
	for impl in "${PEER_LIST[@]}"; do
		run_peer "$impl" "$T"
	done
done

# The peers' loaders, once each, single-threaded as they are.
PYLOAD=""
if ((HAS_NUMPY)); then
	note "numpy.loadtxt and pandas.read_csv"
	PYLOAD=$("$PY" - "$DATA" <<'EOF'
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
echo "== epoch seconds (median), ratio mlptrain/peer: below 1 means mlptrain is faster =="
printf '%-17s %7s %11s %14s %12s\n' implementation threads epoch_s mlptrain/peer peak_RSS_MB
for T in "${TLIST[@]}"; do
	printf '%-17s %7s %11s %14s %12s\n' mlptrain "$T" "${EP[mlptrain,$T]}" - "${RSS[mlptrain,$T]}"
	for impl in "${ROWS[@]}"; do
		printf '%-17s %7s %11s %14s %12s\n' "$impl" "$T" "${EP[$impl,$T]}" \
			"$(ratio "${EP[mlptrain,$T]}" "${EP[$impl,$T]}")" "${RSS[$impl,$T]}"
	done
done
((${#PEER_LIST[@]})) || echo "(no peers: they need $PY with numpy and pandas, and sklearn / torch, and $PEERS/peers.py)"
echo
echo "== CSV load seconds (wall; mlptrain: median of $REPEAT process runs; python: in-process, once) =="
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
	echo "mlptrain fit, $T thread(s): ${RSS[mlptrain,$T]} MB = $(ratio "${RSS[mlptrain,$T]}" "$F64MB") x; fit --epochs 0: ${SETUP_RSS[$T]} MB = $(ratio "${SETUP_RSS[$T]}" "$F64MB") x"
done
((HAVE_TIME)) || echo "(no /usr/bin/time: peak RSS not measured)"

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
			ISKE=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$PY" - datasets/iris.csv "$act" <<'EOF'
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
			CGO_ENABLED=1 go test -tags openblas ./internal/gemm -run '^$' -bench 'Gemm/(fwd|bwd).*/(asm|openblas)$' -benchtime 200x -count 5 \
				-cpu "$T" >"$WORK/gemm-$T.txt" 2>&1 || note "go test -tags openblas -bench Gemm failed"
		else
			go test ./internal/gemm -run '^$' -bench 'Gemm/(fwd|bwd).*/asm' -benchtime 200x -count 5 -cpu "$T" >"$WORK/gemm-$T.txt" 2>&1 ||
				note "go test -bench Gemm failed"
		fi
		OB=""
		((HAS_NUMPY)) && OB=$(OPENBLAS_NUM_THREADS=$T "$PY" - <<'EOF'
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
