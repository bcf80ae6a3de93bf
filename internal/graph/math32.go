package graph

import "github.com/mlptrain/mlptrain/internal/vmath"

// The float32 elementwise math of the graph's float32 passes, from
// internal/vmath (whose doc states each function's error bound in ulps).

func exp32(dst, x []float32)    { vmath.Exp32(dst, x[:len(dst)]) }
func log32(dst, x []float32)    { vmath.Log32(dst, x[:len(dst)]) }
func tanh32(y, x []float32)     { vmath.Tanh32(y, x[:len(y)]) }
func relu32(y, x []float32)     { vmath.ReLU32(y, x[:len(y)]) }
func logistic32(y, x []float32) { vmath.Logistic32(y, x[:len(y)]) }
func softplus32(y, x []float32) { vmath.Softplus32(y, x[:len(y)]) }
