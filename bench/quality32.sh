#!/usr/bin/env bash
# quality32.sh: float32 against float64 test accuracy (issue 13's quality
# target: within 0.3 points) on iris, digits and an MNIST-like synthetic
# set, 5 seeds each, mean ± sample std and the difference of the means.
#
#   bash bench/quality32.sh            # from the repository root
#
# The MNIST-like set (12000 training and 3000 test rows, 784 pixels in
# [0,1), 10 classes) is made here, seeded, by /usr/bin/python3 with numpy,
# harder than ../shared/bench/gendata.py's: x = 0.08·p_c + 0.92·u.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/mlptrain" ./cmd/mlptrain
BIN=$WORK/mlptrain
SEEDS=${SEEDS:-"1 2 3 4 5"}

/usr/bin/python3 - "$WORK" <<'PY'
import sys, numpy as np
out = sys.argv[1]
rng = np.random.default_rng(13)
proto = rng.random((10, 784))
for name, n in [("mnistlike.csv", 12000), ("mnistlike_test.csv", 3000)]:
    y = rng.integers(0, 10, n)
    x = 0.08 * proto[y] + 0.92 * rng.random((n, 784))
    with open(f"{out}/{name}", "w") as f:
        f.write(",".join([f"f{j}" for j in range(784)] + ["label"]) + "\n")
        np.savetxt(f, np.column_stack([x, y]), delimiter=",", fmt=["%.4f"] * 784 + ["%d"])
PY
cat > "$WORK/mnistlike.yaml" <<YAML
data: {train: $WORK/mnistlike.csv, test: $WORK/mnistlike_test.csv, validation: 0, target: label, normalize: none}
model:
  layers: [{units: 256, activation: relu}, {activation: softmax}]
train: {optimizer: sgd, learning_rate: 0.05, momentum: 0, batch_size: 128, epochs: 20, checkpoint_every: 0}
YAML

printf '%-10s %-8s %-22s %-22s %s\n' dataset metric float64 float32 "float32 − float64 (points)"
for ds in iris digits mnistlike; do
	cfg=configs/$ds.yaml
	[[ $ds == mnistlike ]] && cfg=$WORK/mnistlike.yaml
	for p in float64 float32; do
		for s in $SEEDS; do
			"$BIN" fit "$cfg" --seed "$s" --set train.precision=$p --set output.dir="$WORK/run-$ds-$p-$s" --quiet --json |
				jq '.test.accuracy'
		done >"$WORK/$ds-$p"
	done
	jq -rs --arg ds "$ds" --slurpfile b "$WORK/$ds-float32" '
		def ms: (add/length) as $m | [$m, (if length > 1 then ((map((. - $m) * (. - $m)) | add) / (length - 1) | sqrt) else 0 end)];
		(ms) as $a | ($b | ms) as $c |
		"\($ds | .+ "          " | .[0:10]) accuracy \(($a[0]*1000|round)/1000) ± \(($a[1]*1000|round)/1000)        \(($c[0]*1000|round)/1000) ± \(($c[1]*1000|round)/1000)        \((($c[0]-$a[0])*1000|round)/10)"' "$WORK/$ds-float64"
done
