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
# gemm and graph know only numbers (graph's products go through gemm);
# layers builds on graph; data knows only files and tables; nothing imports
# cmd.
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
rule gemm 'mlptrain/internal/|spf13|plot'
rule layers 'mlptrain/internal/(data|train|config|gradcheck)|spf13|plot'
rule data 'mlptrain/internal/(graph|layers|train|config|gradcheck)|spf13|plot'
rule config 'mlptrain/internal/(graph|layers|data|train|gradcheck)|plot'
rule gradcheck 'mlptrain/internal/(layers|data|train|config)|spf13|plot'
if printf '%s\n' "$deps" | grep -q 'mlptrain/cmd'; then echo "nothing may import cmd" >&2; fail=1; fi
for p in graph layers data train gradcheck jsonnum inputerr; do rule "$p" 'spf13/viper'; done
[ "$fail" = 0 ]

step "go test"
go test -shuffle=on ./...

step "end-to-end tests"
for t in tests/e2e/*.sh; do
  [ "$(basename "$t")" = lib.sh ] && continue
  echo "-- $t"
  bash "$t"
done
echo
echo "all checks passed"
