# Sourced by bench/run.sh and bench/contended.sh: the reference workload's
# config, the peers' (../shared/bench/peers.py) in mlptrain's keys.

# yq S: S as a YAML single-quoted string.
yq() { printf "'%s'" "${1//\'/\'\'}"; }

# ref_config FILE DATA EPOCHS DIR: writes to FILE the config of the
# reference workload on the CSV DATA, for EPOCHS epochs, into the run
# folder DIR: DATA's features → 256 ReLU → 10 softmax, cross-entropy,
# plain SGD (lr 0.01, batch 128), 1 thread, no checkpoints.
ref_config() {
	cat >"$1" <<EOC
# The peers' workload: FEATURES-256-10, ReLU, softmax cross-entropy, plain SGD.
data:
  train: $(yq "$2")
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
  epochs: $3
  l2: 0
  seed: 1
  threads: 1
  checkpoint_every: 0
output:
  dir: $(yq "$4")
EOC
}
