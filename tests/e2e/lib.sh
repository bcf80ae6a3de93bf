# Shared helpers for the end-to-end tests; source it. It builds the binary
# once per test script into a temporary folder that is removed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/mlptrain" ./cmd/mlptrain
BIN="$TMP/mlptrain"
FAILS=0
PASSES=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { PASSES=$((PASSES + 1)); }

# run CMD...: runs the binary, leaving stdout in $OUT, stderr in $ERR and
# the exit status in $CODE.
run() {
  set +e
  "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
  CODE=$?
  set -e
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

# expect_code NAME WANT: checks $CODE.
expect_code() {
  if [ "$CODE" = "$2" ]; then ok; else fail "$1: exit $CODE, want $2; stderr: $ERR"; fi
}

# expect_jq NAME FILTER: checks that jq -e FILTER holds on $OUT.
expect_jq() {
  if printf '%s' "$OUT" | jq -e "$2" >/dev/null 2>&1; then ok; else fail "$1: jq '$2' does not hold on: $(printf '%s' "$OUT" | head -c 600)"; fi
}

# expect_grep NAME WHERE PATTERN: checks that $OUT or $ERR (WHERE) matches
# the extended regexp PATTERN.
expect_grep() {
  local text
  if [ "$2" = out ]; then text=$OUT; else text=$ERR; fi
  if printf '%s' "$text" | grep -qE -- "$3"; then ok; else fail "$1: $2 does not match '$3': $(printf '%s' "$text" | head -c 600)"; fi
}

# expect_no_stack NAME: no Go stack trace or panic on stderr.
expect_no_stack() {
  if printf '%s' "$ERR" | grep -qE 'goroutine [0-9]+|panic:|\.go:[0-9]+ \+0x'; then fail "$1: stack trace on stderr: $ERR"; else ok; fi
}

finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" = 0 ]
}

# expect_file NAME PATH...: checks that each PATH is a non-empty regular file.
expect_file() {
  local name=$1 f
  shift
  for f in "$@"; do
    if [ -f "$f" ] && [ -s "$f" ]; then ok; else fail "$name: missing or empty file $f"; fi
  done
}

# expect_same NAME A B: checks that files A and B have identical bytes.
expect_same() {
  if cmp -s -- "$2" "$3"; then ok; else fail "$1: $2 and $3 differ: $(diff -- "$2" "$3" 2>&1 | head -5)"; fi
}

# expect_jq_file NAME FILE FILTER: checks that jq -e FILTER holds on FILE.
expect_jq_file() {
  if jq -e "$3" "$2" >/dev/null 2>&1; then ok; else fail "$1: jq '$3' does not hold on $2: $(head -c 600 "$2" 2>&1)"; fi
}
