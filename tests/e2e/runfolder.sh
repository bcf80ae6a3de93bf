#!/usr/bin/env bash
# End-to-end test of what mlptrain writes: predict -o to devices, FIFOs,
# links and folders; a run folder locked against a second fit, and not by
# a killed one; a killed run resumed from its staging folder; a full disk
# (a tmpfs, as root) leaving the previous run whole.
source "$(dirname "$0")/lib.sh"

# one_line NAME: checks that $ERR is one line.
one_line() {
  if [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ]; then ok; else fail "$1: stderr is not one line: $ERR"; fi
}

# same_files NAME A B: checks that folders A and B hold the same files
# (not the hidden ones) with the same bytes.
same_files() {
  local a b f
  a=$(cd "$2" && ls) b=$(cd "$3" && ls)
  if [ "$a" = "$b" ]; then ok; else fail "$1: $2 holds $(echo $a), $3 holds $(echo $b)"; return; fi
  for f in $a; do expect_same "$1: $f" "$2/$f" "$3/$f"; done
}

# --- predict -o ------------------------------------------------------------
run fit configs/xor.yaml --out "$TMP/xor" --quiet --epochs 5
expect_code "xor" 0
model="$TMP/xor/model.json"
run predict "$model" datasets/xor.csv
want=$OUT

# Device nodes: as root, nodes made here (a regression would replace
# them, not the system's); otherwise the system's, which a user cannot
# replace.
null=/dev/null full=/dev/full
if [ "$(id -u)" = 0 ] && mknod "$TMP/null" c 1 3 2>/dev/null && mknod "$TMP/full" c 1 7 2>/dev/null; then
  null=$TMP/null full=$TMP/full
fi
run predict "$model" datasets/xor.csv -o "$null"
expect_code "predict -o $null" 0
if [ -c "$null" ]; then ok; else fail "predict -o $null: no longer a character device"; fi
run predict "$model" datasets/xor.csv -o "$full"
expect_code "predict -o $full" 2
expect_grep "predict -o $full" err "^mlptrain: $full: cannot write the predictions: no space left on device \(hint: the disk is full; free some space"
one_line "predict -o $full"
if [ -c "$full" ]; then ok; else fail "predict -o $full: no longer a character device"; fi

# A FIFO, read by cat: the reader gets the predictions. (File descriptor 9,
# a writer held open until predict is done, lets the reader open the FIFO
# first, and ends its input even if predict never opens the FIFO.)
mkfifo "$TMP/fifo"
exec 9<>"$TMP/fifo"
exec 8<"$TMP/fifo"
cat <&8 9>&- >"$TMP/from-fifo" &
reader=$!
exec 8<&-
run predict "$model" datasets/xor.csv -o "$TMP/fifo"
exec 9>&-
expect_code "predict -o FIFO" 0
wait "$reader" || fail "predict -o FIFO: the reader failed"
if [ "$(cat "$TMP/from-fifo")" = "$want" ]; then ok; else fail "predict -o FIFO: the reader got: $(head -c 300 "$TMP/from-fifo")"; fi
if [ -p "$TMP/fifo" ]; then ok; else fail "predict -o FIFO: no longer a FIFO"; fi

# A link to /proc/self/fd/1, as /dev/stdout is on Linux (a link of our
# own: a regression, run as root, would replace /dev/stdout itself):
# written through the descriptor, after what the shell wrote to it.
ln -s /proc/self/fd/1 "$TMP/stdout"
set +e
{ echo "# header"; "$BIN" predict "$model" datasets/xor.csv -o "$TMP/stdout"; } >"$TMP/stdout.csv" 2>"$TMP/err"
CODE=$?
set -e
ERR=$(cat "$TMP/err")
expect_code "predict -o stdout" 0
if [ "$(cat "$TMP/stdout.csv")" = "# header
$want" ]; then ok; else fail "predict -o stdout wrote: $(head -c 300 "$TMP/stdout.csv")"; fi
if [ -L "$TMP/stdout" ]; then ok; else fail "predict -o stdout: the link was replaced"; fi

# A link: the file it names gets the predictions, the link stays.
echo stale >"$TMP/p.csv"
ln -s p.csv "$TMP/latest.csv"
run predict "$model" datasets/xor.csv -o "$TMP/latest.csv"
expect_code "predict -o link" 0
if [ -L "$TMP/latest.csv" ] && [ "$(cat "$TMP/p.csv")" = "$want" ]; then ok; else fail "predict -o link: link $(ls -l "$TMP/latest.csv"), file: $(head -c 100 "$TMP/p.csv")"; fi

# A folder is refused.
mkdir "$TMP/folder"
run predict "$model" datasets/xor.csv -o "$TMP/folder"
expect_code "predict -o folder" 2
expect_grep "predict -o folder" err "^mlptrain: $TMP/folder: cannot write the predictions: is a directory \(hint: give the path of a file"
one_line "predict -o folder"

# --- one fit at a time; a killed fit ---------------------------------------
# A run that takes several seconds, so that a periodic checkpoint (at most
# one every 5 seconds) is written before it is killed.
cat >"$TMP/long.yaml" <<'YAML'
data:
  train: datasets/diabetes.csv
  validation: 0.2
  target: progression
model:
  layers:
    - {units: 64, activation: tanh}
    - {activation: identity}
  loss: squared_error
train:
  optimizer: adam
  learning_rate: 0.01
  batch_size: 16
  epochs: 3
  seed: 5
YAML
dir="$TMP/run"
run fit "$TMP/long.yaml" --out "$dir" --quiet
expect_code "first run" 0
cp -r "$dir" "$TMP/first"

set +e
"$BIN" fit "$TMP/long.yaml" --out "$dir" --epochs 1000000 --progress-every 1 >/dev/null 2>"$TMP/long.err" &
pid=$!
set -e
for _ in $(seq 1200); do grep -q '^epoch 2/' "$TMP/long.err" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done

# A second fit into the folder while the first trains is refused.
run fit "$TMP/long.yaml" --out "$dir" --quiet
expect_code "second fit" 2
expect_grep "second fit" err "^mlptrain: $dir: output.dir: the run folder is in use by another fit \(process $pid\) \(hint: "
one_line "second fit"

# Kill the first once it has a checkpoint: no cleanup runs.
ck="$dir/.mlptrain/next/checkpoint.json"
for _ in $(seq 1200); do [ -f "$ck" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
if [ -f "$ck" ]; then ok; else fail "no checkpoint in the staging folder: $(cat "$TMP/long.err" | tail -3)"; fi
{ kill -KILL "$pid"; wait "$pid"; } 2>/dev/null || true
# The folder still holds the first run, whole; the lock file the killed
# fit left does not block the next.
same_files "after SIGKILL" "$TMP/first" "$dir"
if [ -f "$dir/.mlptrain/lock" ]; then ok; else fail "the killed fit left no lock file"; fi

# --resume continues the killed run from its staging checkpoint, to the
# model of an uninterrupted run.
epochs=$(($(jq .epoch "$ck") + 2))
run fit "$TMP/long.yaml" --resume "$dir" --epochs "$epochs" --quiet --json
expect_code "resume the killed run" 0
expect_jq "resume the killed run" ".stopped == \"completed\" and .epochs_run == $epochs"
run fit "$TMP/long.yaml" --out "$TMP/whole" --epochs "$epochs" --quiet
expect_code "uninterrupted run" 0
expect_same "resumed killed run" "$TMP/whole/model.json" "$dir/model.json"
hidden=$(find "$dir" -mindepth 1 -maxdepth 1 -name '.*' | wc -l)
if [ "$hidden" = 0 ]; then ok; else fail "hidden entries after the resumed run: $(ls -a "$dir")"; fi

# --- a full disk -----------------------------------------------------------
disk="$TMP/disk"
mkdir "$disk"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=320k tmpfs "$disk" 2>/dev/null; then
  trap 'umount "$disk"; rm -rf "$TMP"' EXIT
  dir="$disk/run"
  # A small run fits; a larger one's files and the small run's do not.
  run fit configs/xor.yaml --out "$dir" --quiet --epochs 10
  expect_code "small run on the small disk" 0
  cp -r "$dir" "$TMP/small"
  run fit configs/xor.yaml --out "$dir" --quiet --seed 2
  expect_code "full disk" 2
  expect_grep "full disk" err "^mlptrain: $dir/\.mlptrain/next/[a-z.]+: output.dir: cannot write the run folder: no space left on device \(hint: the disk is full; free some space"
  one_line "full disk"
  same_files "full disk" "$TMP/small" "$dir"
  # With room, --resume finishes the run that failed, as if it had not.
  if [ -f "$dir/.mlptrain/next/checkpoint.json" ]; then
    mount -o remount,size=4m "$disk"
    run fit configs/xor.yaml --resume "$dir" --quiet --seed 2
    expect_code "resume after the full disk" 0
    run fit configs/xor.yaml --out "$TMP/xor2" --quiet --seed 2
    expect_same "resumed after the full disk" "$TMP/xor2/model.json" "$dir/model.json"
  else
    echo "note: the full disk came before the final checkpoint; not resumed"
  fi
else
  echo "skipped: a full disk needs root to mount a tmpfs"
fi

# A folder that is not a run folder (here a copy of the configs) is
# refused, and left as it was.
mkdir -p "$TMP/notrun"
cp configs/xor.yaml configs/iris.yaml "$TMP/notrun/"
before=$(ls -A "$TMP/notrun")
run fit configs/xor.yaml --quiet --out "$TMP/notrun"
expect_code "not a run folder" 2
expect_grep "not a run folder" err "^mlptrain: $TMP/notrun: output.dir: not a run folder: it holds \"iris.yaml\", \"xor.yaml\", which a fit does not write \(hint: choose a new or empty folder, or an earlier run's, with --out DIR\)$"
if [ "$(ls -A "$TMP/notrun")" = "$before" ]; then ok; else fail "not a run folder: it changed: $(ls -A "$TMP/notrun")"; fi

finish
