#!/usr/bin/env bash
# The project's whole test command: formatting, vet, staticcheck, the
# package dependency rules, unit tests (with fuzz seed corpora), and the
# end-to-end tests of the CLI. Run from anywhere: bash scripts/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files -co --exclude-standard '*.go'))
if [ -n "$unformatted" ]; then
  printf 'gofmt would change:\n%s\n' "$unformatted" >&2
  exit 1
fi

step "go vet"
go vet ./...

step "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

step "dependency direction"
# gemm, vmath and graph know only numbers (graph's products go through
# gemm; gemm and vmath ask cpufeat which kernels the CPU runs, and gemm
# asks cpuload how busy the machine is); layers
# builds on graph; data knows only files and tables (and shares gemm's
# threads for its passes over them); atomicfile knows
# only the file system; train draws no pictures: plot alone imports
# gonum.org/v1/plot, and of the internal packages only sweep and cv import
# plot (cmd does too); sweep and cv run many fits through train (sharing
# runset's folder and pool, which knows no training), and nothing but cmd
# imports them; nothing imports cmd. (These are the default build's
# imports: with -tags openblas, gemm also imports its own
# internal/gemm/openblas.)
deps=$(go list -f '{{.ImportPath}}: {{join .Imports " "}}' ./internal/...)
fail=0
rule() { # package, forbidden-import regexp
  local imports bad
  imports=$(printf '%s\n' "$deps" | grep -E "^github.com/mlptrain/mlptrain/internal/$1: " | cut -d' ' -f2- | tr ' ' '\n')
  bad=$(printf '%s\n' "$imports" | grep -E "$2" || true)
  if [ -n "$bad" ]; then
    echo "internal/$1 must not import: $(printf '%s' "$bad" | tr '\n' ' ')" >&2
    fail=1
  fi
}
rule graph 'mlptrain/internal/(layers|data|train|config|gradcheck|examples|inputerr|jsonnum)|spf13|plot'
rule gemm 'mlptrain/internal/(graph|layers|data|train|config|gradcheck|examples|inputerr|jsonnum|vmath)|spf13|plot'
rule vmath 'mlptrain/internal/(graph|layers|data|train|config|gradcheck|examples|inputerr|jsonnum|gemm)|spf13|plot'
rule runfolder 'mlptrain/internal/(graph|layers|data|train|config|gradcheck|plot|sweep)|spf13|gonum'
rule sysmem 'mlptrain/internal/|spf13|plot'
rule cpuload 'mlptrain/internal/|spf13|plot|gonum'
rule cpufeat 'mlptrain/internal/|spf13|plot'
rule atomicfile 'mlptrain/internal/|spf13|plot|gonum'
rule layers 'mlptrain/internal/(data|train|config|gradcheck)|spf13|plot'
rule data 'mlptrain/internal/(graph|layers|train|config|gradcheck)|spf13|plot'
rule config 'mlptrain/internal/(graph|layers|data|train|gradcheck)|plot'
rule gradcheck 'mlptrain/internal/(layers|data|train|config)|spf13|plot'
# The vocabulary catalog is read by config, layers, train and cmd, so it
# imports nothing but the standard library.
rule vocab 'mlptrain/|spf13|gonum|golang.org/x'
# The ranking metrics (ROC AUC, average precision) are pure functions of
# slices, for train, eval and plot's callers alike.
rule metric 'mlptrain/|spf13|gonum|golang.org/x'
rule train 'mlptrain/internal/(plot|sweep)|gonum.org/v1/plot'
rule plot 'mlptrain/internal/(sweep|config|data|gradcheck)|spf13'
rule sweep 'mlptrain/internal/(graph|layers|data|gemm|vmath|cpufeat|gradcheck)|spf13|gonum.org/v1/plot'
rule cv 'mlptrain/internal/(graph|layers|data|gemm|vmath|cpufeat|gradcheck|sweep)|spf13|gonum.org/v1/plot'
rule runset 'mlptrain/internal/(graph|layers|data|train|config|gradcheck|plot|sweep|cv)|spf13|gonum'
only() { # import path (and those under it), the internal packages allowed it (a|b; "" for none; cmd may)
  local who
  who=$(printf '%s\n' "$deps" | grep -E " $1(/[^ ]*)?( |$)" | cut -d: -f1 | sed 's|^github.com/mlptrain/mlptrain/||' | grep -Evx "internal/($2)" || true)
  if [ -n "$who" ]; then
    echo "$(printf '%s' "$who" | tr '\n' ' ') must not import $1 (only cmd${2:+ and internal/$2} may)" >&2
    fail=1
  fi
}
# The ONNX export reads a saved model (train, data, layers, graph's
# constants) and writes a file; it draws nothing and runs no fits. The
# protobuf runtime is its dependency alone.
rule onnx 'mlptrain/internal/(plot|sweep|cv|runset|runfolder|config|gradcheck|gemm|vmath)|spf13|gonum.org/v1/plot'
rule onnx/onnxpb 'mlptrain/'
rule onnx/onnxref 'mlptrain/internal/(graph|layers|data|train|config|plot|sweep|cv)|spf13|gonum'
only gonum.org/v1/plot plot
# Parquet files are read by data alone (parquet.go); the rest see a Dataset.
only github.com/parquet-go/parquet-go data
only google.golang.org/protobuf 'onnx|onnx/onnxpb'
only github.com/mlptrain/mlptrain/internal/onnx 'onnx|onnx/onnxref'
only github.com/mlptrain/mlptrain/internal/plot 'sweep|cv'
only github.com/mlptrain/mlptrain/internal/sweep ''
only github.com/mlptrain/mlptrain/internal/cv ''
if printf '%s\n' "$deps" | grep -q 'mlptrain/cmd'; then echo "nothing may import cmd" >&2; fail=1; fi
# internal/ortrun runs models through node and onnxruntime-node: for tests
# only, and on the standard library alone.
rule ortrun 'mlptrain/|spf13|gonum|golang.org/x'
if go list -f '{{.ImportPath}}: {{join .Imports " "}}' ./... | grep -q ' github.com/mlptrain/mlptrain/internal/ortrun\( \|$\)'; then
  echo "only tests may import internal/ortrun" >&2
  fail=1
fi
for p in graph layers data train gradcheck jsonnum inputerr; do rule "$p" 'spf13/viper'; done
[ "$fail" = 0 ]

step "go test"
go test -shuffle=on ./...

step "go test -tags purego (the portable kernels, as arm64 and old x86 CPUs run them)"
# Numeric goldens are the AVX2/AVX-512 kernels' bits; with the portable
# kernels they are compared within stated tolerances (cmd/mlptrain's
# numgolden_test.go).
go test -shuffle=on -tags purego ./...

step "go test -tags noavx512 (the kernels a CPU with AVX2 only runs)"
# They must give the AVX-512 kernels' bits: the goldens compare exactly.
go test -shuffle=on -tags noavx512 ./internal/gemm/... ./internal/vmath/ ./internal/graph/ ./internal/train/ ./cmd/mlptrain/

step "go test -tags openblas (gemm and graph through OpenBLAS)"
# The optional OpenBLAS build (README, "OpenBLAS build") needs cgo and
# libopenblas-dev; CI installs them (.ci/run) and must run this step.
have_openblas() {
  [ "$(go env CGO_ENABLED)" = 1 ] &&
    printf 'void openblas_set_num_threads(int);\nint main(void) { openblas_set_num_threads(1); return 0; }\n' |
    $(go env CC) -x c - -o /dev/null -lopenblas >/dev/null 2>&1
}
if have_openblas; then
  go vet -tags openblas ./internal/gemm/...
  go test -shuffle=on -tags openblas ./internal/gemm/... ./internal/graph/
elif [ "${CI:-}" = true ]; then
  echo "OpenBLAS (libopenblas-dev) or cgo not found, but CI=true requires this step" >&2
  exit 1
else
  echo "skipped: OpenBLAS or cgo not found (apt-get install libopenblas-dev, CGO_ENABLED=1)"
fi

step "end-to-end tests"
for t in tests/e2e/*.sh; do
  [ "$(basename "$t")" = lib.sh ] && continue
  echo "-- $t"
  bash "$t"
done
echo
echo "all checks passed"
