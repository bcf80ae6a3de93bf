#!/usr/bin/env bash
# The Slurm recipe of docs/scale.md on a real one-node Slurm: munged and
# slurmctld/slurmd run from a temporary folder (their own key, socket,
# ports, state and logs), the recipe's sbatch --array=0-2 script runs the
# built binary as three tasks, and collect must give the sweep.json,
# sweep.csv and sweep.png of one unsharded process. The daemons are stopped
# on exit. Skipped, saying why, without root or without Debian's slurmctld,
# slurmd, munge and slurm-client (which .ci/run installs).
source "$(dirname "$0")/lib.sh"

skip() { echo "skipped: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root (the test starts munged and slurmd)"
for c in munged mungekey slurmctld slurmd sbatch squeue scontrol sinfo runuser; do
  command -v "$c" >/dev/null 2>&1 || skip "$c not found (apt-get install -y slurmctld slurmd munge slurm-client)"
done
id munge >/dev/null 2>&1 || skip "no user munge (install the munge package)"

start=$(date +%s)
# munged wants its socket's folder, and the path to it, searchable by all;
# $TMP is private, so the daemons get a folder of their own.
S=$(mktemp -d /tmp/mlptrain-slurm.XXXXXX)
chmod 755 "$S"
stop() {
  for f in "$S/slurmd.pid" "$S/slurmctld.pid" "$S/munge/munged.pid"; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$S/slurmd.pid" "$S/slurmctld.pid" "$S/munge/munged.pid"; do
    for _ in $(seq 50); do
      [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null || break
      sleep 0.1
    done
  done
  rm -rf "$S" "$TMP"
}
trap stop EXIT

mkdir -p "$S/munge" "$S/state" "$S/spool" "$S/log"
chown munge:munge "$S/munge"
chmod 755 "$S/munge"
mungekey --create --keyfile "$S/munge/munge.key" --force
chown munge:munge "$S/munge/munge.key"
chmod 600 "$S/munge/munge.key"
runuser -u munge -- munged --key-file="$S/munge/munge.key" --socket="$S/munge/munge.sock" \
  --pid-file="$S/munge/munged.pid" --log-file="$S/munge/munged.log" --seed-file="$S/munge/munged.seed"

host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
# Ports of our own, so that a Slurm already on the machine is not disturbed.
port=$((20000 + ($$ % 10000) * 2))
export SLURM_CONF=$S/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=mlptrain-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/munge.sock
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -i -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
  sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break
  sleep 0.2
done
if sinfo -h -o %t | grep -qE '^(idle|mix|alloc)'; then ok; else
  fail "the Slurm node did not come up: $(sinfo 2>&1); $(tail -5 "$S/log/slurmctld.log" "$S/log/slurmd.log" 2>&1)"
  finish
fi
echo "slurm up in $(($(date +%s) - start))s" >&2

# The recipe, as docs/scale.md gives it.
awk '/<!-- slurm-recipe/ { on = 1; next } /<!-- end slurm-recipe/ { on = 0 } on && !/^```/' docs/scale.md >"$TMP/sweep.sbatch"
if grep -q -- '--array=0-2' "$TMP/sweep.sbatch" && grep -q -- '--shard auto' "$TMP/sweep.sbatch"; then ok; else fail "recipe not found in docs/scale.md: $(cat "$TMP/sweep.sbatch")"; fi

SW=$TMP/slurm-sweep
# sbatch passes the environment on: the binary and the folder. Tasks run
# in the folder sbatch was called from, the repository's root.
jid=$(MLPTRAIN=$BIN SWEEP_DIR=$SW sbatch --parsable --output="$TMP/task-%a.out" "$TMP/sweep.sbatch")
jid=${jid%%;*}
deadline=$(($(date +%s) + 600))
while squeue -h -j "$jid" 2>/dev/null | grep -q .; do
  if [ "$(date +%s)" -gt "$deadline" ]; then
    fail "array job $jid still queued or running after 600s: $(squeue -j "$jid" 2>&1)"
    scancel "$jid" || true
    break
  fi
  sleep 0.5
done
codes=$(scontrol -o show job "$jid" 2>/dev/null | grep -oE 'ArrayTaskId=[0-9]+ .*ExitCode=[0-9]+:[0-9]+' | sed -E 's/ArrayTaskId=([0-9]+) .*ExitCode=([0-9:]+)/\1=\2/' | sort | tr '\n' ' ')
if [ "$codes" = "0=0:0 1=0:0 2=0:0 " ]; then ok; else fail "array tasks' exit codes: '$codes', want 0=0:0 1=0:0 2=0:0; $(tail -n 3 "$TMP"/task-*.out 2>&1)"; fi
for k in 0 1 2; do
  expect_file "task $k's manifest" "$SW/.mlptrain/shard-$k-of-3.json"
done
echo "array job done $(($(date +%s) - start))s after start" >&2

run sweep collect "$SW" --json
expect_code "collect of the Slurm shards" 0
expect_jq "collect of the Slurm shards" '(.points | length) == 6 and all(.points[]; .stopped == "completed") and (.best | type) == "number" and (has("shard") | not)'

# One process, the same command without --shard.
ONE=$TMP/one
run sweep configs/sine.yaml --grid train.learning_rate=0.001,0.01,0.1 --grid model.width=4,16 --epochs 50 --out "$ONE" --quiet
expect_code "unsharded sweep" 0
sed "s#$ONE#DIR#g" "$ONE/sweep.json" >"$TMP/one.json"
sed "s#$SW#DIR#g" "$SW/sweep.json" >"$TMP/slurm.json"
expect_same "Slurm shards + collect give one process's sweep.json" "$TMP/one.json" "$TMP/slurm.json"
sed "s#$ONE#DIR#g" "$ONE/sweep.csv" >"$TMP/one.csv"
sed "s#$SW#DIR#g" "$SW/sweep.csv" >"$TMP/slurm.csv"
expect_same "Slurm shards + collect give one process's sweep.csv" "$TMP/one.csv" "$TMP/slurm.csv"
expect_same "Slurm shards + collect give one process's sweep.png" "$ONE/sweep.png" "$SW/sweep.png"
echo "slurm test took $(($(date +%s) - start))s" >&2
finish
