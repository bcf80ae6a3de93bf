package train

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchTrainer returns a trainer for the config text, its epoch drawn.
func benchTrainer(b *testing.B, text string) *trainer {
	b.Helper()
	tr, err := newTrainer(prepareTest(b, b.TempDir(), text))
	if err != nil {
		b.Fatal(err)
	}
	tr.startEpoch()
	return tr
}

// benchSteps runs training steps, starting a new epoch whenever one ends.
func benchSteps(b *testing.B, tr *trainer) {
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if tr.step == tr.steps() {
			tr.startEpoch()
		}
		if err := tr.trainStep(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainStep times one whole training step as Fit runs it (gather,
// forward, backward, update, divergence check, accuracy): on issue 6's
// reference network (784-256-10 ReLU/softmax, batch 128, random data) and
// on iris (4-16-3, batch 32); the -balanced and -weighted variants train
// with class weights, -dropout0.5 and -batchnorm with those on the hidden
// layer.
func BenchmarkTrainStep(b *testing.B) {
	for _, precision := range []string{"float64", "float32"} {
		name := "784-256-10-b128"
		if precision == "float32" {
			name += "-float32"
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, "ref.csv")
			writeRefCSV(b, path, 1024, 784, 10)
			benchSteps(b, benchTrainer(b, fmt.Sprintf(`
data: {train: %s, target: label, validation: 0, normalize: none}
model: {layers: [{units: 256, activation: relu}, {activation: softmax}], loss: cross_entropy}
train: {optimizer: sgd, learning_rate: 0.01, batch_size: 128, epochs: 1, checkpoint_every: 0, precision: %s}
`, q(path), precision)))
		})
	}
	// Dropout 0.5 on the hidden layer (a mask of 128×256 drawn per step)
	// and batch normalization of its z.
	for _, v := range []struct{ name, layer string }{
		{"dropout0.5", "dropout: 0.5"},
		{"batchnorm", "batch_norm: true"},
	} {
		b.Run("784-256-10-b128-"+v.name, func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, "ref.csv")
			writeRefCSV(b, path, 1024, 784, 10)
			benchSteps(b, benchTrainer(b, fmt.Sprintf(`
data: {train: %s, target: label, validation: 0, normalize: none}
model: {layers: [{units: 256, activation: relu, %s}, {activation: softmax}], loss: cross_entropy}
train: {optimizer: sgd, learning_rate: 0.01, batch_size: 128, epochs: 1, checkpoint_every: 0}
`, q(path), v.layer)))
		})
	}
	// Weighted nets: each row's class weight gathered into r.
	b.Run("784-256-10-b128-balanced", func(b *testing.B) {
		dir := b.TempDir()
		path := filepath.Join(dir, "ref.csv")
		writeRefCSV(b, path, 1024, 784, 10)
		benchSteps(b, benchTrainer(b, fmt.Sprintf(`
data: {train: %s, target: label, validation: 0, normalize: none}
model: {layers: [{units: 256, activation: relu}, {activation: softmax}], loss: cross_entropy}
train: {optimizer: sgd, learning_rate: 0.01, batch_size: 128, epochs: 1, checkpoint_every: 0, class_weight: balanced}
`, q(path))))
	})
	for _, act := range []string{"tanh", "relu"} {
		b.Run("iris-4-16-3-b32-"+act, func(b *testing.B) {
			path, err := filepath.Abs("../../datasets/iris.csv")
			if err != nil {
				b.Fatal(err)
			}
			benchSteps(b, benchTrainer(b, fmt.Sprintf(`
data: {train: %s, target: species, validation: 0, normalize: standardize}
model: {layers: [{units: 16, activation: %s}, {activation: softmax}], loss: cross_entropy}
train: {optimizer: sgd, learning_rate: 0.05, batch_size: 32, epochs: 1, checkpoint_every: 0}
`, q(path), act)))
		})
	}
	b.Run("iris-4-16-3-b32-tanh-weighted", func(b *testing.B) {
		path, err := filepath.Abs("../../datasets/iris.csv")
		if err != nil {
			b.Fatal(err)
		}
		benchSteps(b, benchTrainer(b, fmt.Sprintf(`
data: {train: %s, target: species, validation: 0, normalize: standardize}
model: {layers: [{units: 16, activation: tanh}, {activation: softmax}], loss: cross_entropy}
train: {optimizer: sgd, learning_rate: 0.05, batch_size: 32, epochs: 1, checkpoint_every: 0, class_weight: {setosa: 2}}
`, q(path))))
	})
}

// writeRefCSV writes n rows of d uniform features in [0, 1) and a label
// among k classes, from a fixed seed.
func writeRefCSV(b *testing.B, path string, n, d, k int) {
	b.Helper()
	rng := rand.New(rand.NewPCG(42, 0))
	var s strings.Builder
	for j := range d {
		fmt.Fprintf(&s, "x%d,", j)
	}
	s.WriteString("label\n")
	for range n {
		for range d {
			fmt.Fprintf(&s, "%.3f,", rng.Float64())
		}
		fmt.Fprintf(&s, "%d\n", rng.IntN(k))
	}
	if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
		b.Fatal(err)
	}
}
