#!/usr/bin/env bash
# Regenerates onnx-ml.pb.go from onnx-ml.proto, the ONNX schema (see
# README.md): go generate ./internal/onnx/onnxpb, or bash gen.sh here.
# Needs protoc (Debian: protobuf-compiler) and protoc-gen-go v1.36.12
# (go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12).
# To take a newer schema, copy onnx-ml.proto from the onnx package
# (Debian python3-onnx: /usr/lib/python3/dist-packages/onnx/onnx-ml.proto)
# over this one first, and update README.md.
set -euo pipefail
cd "$(dirname "$0")"
want=v1.36.12
got=$(protoc-gen-go --version 2>/dev/null | awk '{print $2}') || true
if [ "$got" != "$want" ]; then
  echo "gen.sh: protoc-gen-go $want needed (found: ${got:-none}); go install google.golang.org/protobuf/cmd/protoc-gen-go@$want" >&2
  exit 1
fi
protoc --go_out=. --go_opt=paths=source_relative \
  --go_opt=Monnx-ml.proto=github.com/mlptrain/mlptrain/internal/onnx/onnxpb \
  onnx-ml.proto
