#!/usr/bin/env bash
# End-to-end tests of the memory limit while the data is read and while
# graph and gradcheck build their batch: a gzip bomb stops at the row that
# passes --max-memory, with one line naming the file and the row; a random
# batch too large for the machine is refused before it is made.
source "$(dirname "$0")/lib.sh"

# 2,000,000 rows of "0,1,1" in about 60 KB: 64 MB as a table.
awk 'BEGIN { print "x1,x2,y"; for (i = 0; i < 2000000; i++) print "0,1,1" }' | gzip -1 >"$TMP/b.csv.gz"
cat >"$TMP/bomb.yaml" <<YAML
data: {train: $TMP/b.csv.gz, target: y, validation: 0.2}
model: {layers: [{units: 4, activation: tanh}, {activation: identity}], loss: squared_error}
train: {epochs: 1}
output: {dir: $TMP/bomb}
YAML

run fit "$TMP/bomb.yaml" --quiet --max-memory 16MiB
expect_code "gzip bomb over --max-memory" 2
expect_no_stack "gzip bomb over --max-memory"
expect_grep "gzip bomb over --max-memory" err "^mlptrain: $TMP/b.csv.gz:524290: the data needs more than 16 MiB of memory \(the limit, --max-memory\) at 32 bytes a row \(hint: use fewer rows or columns, or raise the limit with --max-memory SIZE\)$"
if [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ]; then ok; else fail "gzip bomb: more than one stderr line: $ERR"; fi

# The same rows as a test file, after a small training file.
awk 'BEGIN { print "x1,x2,y"; for (i = 0; i < 100; i++) print "0,1,1" }' >"$TMP/small.csv"
cat >"$TMP/test.yaml" <<YAML
data: {train: $TMP/small.csv, test: $TMP/b.csv.gz, target: y, validation: 0.2}
model: {layers: [{units: 4, activation: tanh}, {activation: identity}], loss: squared_error}
train: {epochs: 1}
output: {dir: $TMP/test}
YAML
run fit "$TMP/test.yaml" --quiet --max-memory 16MiB
expect_code "test file over --max-memory" 2
expect_grep "test file over --max-memory" err "^mlptrain: $TMP/b.csv.gz:524290: the data needs more than 16 MiB"

run fit "$TMP/bomb.yaml" --quiet --max-memory 1GiB --json
expect_code "gzip bomb within --max-memory" 0

# A batch of random rows whose graph no machine holds: 2^26 rows through
# 4096 units, some 13 TiB.
cat >"$TMP/wide.yaml" <<YAML
data: {train: $TMP/small.csv, target: y, validation: 0.2}
model: {layers: [{units: 4096, activation: tanh}, {activation: identity}], loss: squared_error}
YAML
run graph "$TMP/wide.yaml" --values --random-data 67108864x1
expect_code "graph --random-data too large" 2
expect_no_stack "graph --random-data too large"
expect_grep "graph --random-data too large" err "^mlptrain: --random-data: the graph of 67108864 rows needs about [0-9.]+ TiB of memory \(1 inputs, 4097 units, 12289 parameters\), more than the limit of .* \(hint: use at most [0-9]+ rows, e.g. --random-data [0-9]+x1\)$"
if [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ]; then ok; else fail "graph --random-data: more than one stderr line: $ERR"; fi

run gradcheck "$TMP/wide.yaml" --random-data 67108864x1 --entries 5
expect_code "gradcheck --random-data too large" 2
expect_grep "gradcheck --random-data too large" err "^mlptrain: --random-data: the graph of 67108864 rows needs about"

run gradcheck "$TMP/wide.yaml" --random-data 64x1 --entries 5 --json
expect_code "gradcheck --random-data within the limit" 0

finish
