package train

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
)

// streamFile writes a CSV of n rows: two numbers (one with missing cells),
// a category and a 3-class label.
func streamFile(t *testing.T, dir string, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 1))
	var b strings.Builder
	b.WriteString("x1,x2,c,y\n")
	for i := range n {
		x1, x2 := rng.NormFloat64(), rng.NormFloat64()
		c := []string{"a", "b", "c"}[rng.IntN(3)]
		y := "p"
		switch {
		case x1+x2 > 0.5:
			y = "q"
		case c == "a":
			y = "r"
		}
		x2s := fmt.Sprintf("%.3f", x2)
		if i%17 == 3 {
			x2s = "NA"
		}
		fmt.Fprintf(&b, "%.3f,%s,%s,%s\n", x1, x2s, c, y)
	}
	return writeTestFile(t, dir, "s.csv", b.String())
}

func streamConfig(file string, extra string) string {
	return fmt.Sprintf(`data:
  train: %s
  target: y
  validation: 0.2
  stream: true
  shuffle_buffer: 50
  missing_indicator: true
model:
  layers:
    - {units: 8, activation: tanh}
    - {activation: softmax}
train:
  optimizer: adam
  learning_rate: 0.01
  batch_size: 16
  epochs: 3
%s`, file, extra)
}

func fitStream(t *testing.T, text string, o FitOptions) (*Problem, *Result) {
	t.Helper()
	p := prepareTest(t, t.TempDir(), text)
	res, err := Fit(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// TestStreamDeterministic checks that the same seed gives the same
// weights, another seed others, and the validation rows are a hashed
// fraction held in memory.
func TestStreamDeterministic(t *testing.T) {
	dir := t.TempDir()
	file := streamFile(t, dir, 400)
	p, a := fitStream(t, streamConfig(file, ""), FitOptions{})
	_, b := fitStream(t, streamConfig(file, ""), FitOptions{})
	if WeightsSHA256(a.Model) != WeightsSHA256(b.Model) {
		t.Error("same seed, different weights")
	}
	_, c := fitStream(t, streamConfig(file, "  seed: 2\n"), FitOptions{})
	if WeightsSHA256(a.Model) == WeightsSHA256(c.Model) {
		t.Error("another seed, same weights")
	}
	if nv := p.Val.Len(); nv < 50 || nv > 110 || nv+p.stream.sum.Train != 400 {
		t.Errorf("%d validation rows and %d training rows of 400, want about 80", nv, p.stream.sum.Train)
	}
	if p.Train.Len() != 50 || a.Train.N != 50 {
		t.Errorf("train metrics on %d rows (sample %d), want the sample of shuffle_buffer = 50", a.Train.N, p.Train.Len())
	}
	if len(a.History) != 3 || a.History[2].TrainLoss >= a.History[0].TrainLoss {
		t.Errorf("history %+v: the loss does not fall", a.History)
	}
}

// TestStreamBufferBound checks that the buffer never holds more than
// shuffle_buffer rows and that an epoch emits every training row once.
func TestStreamBufferBound(t *testing.T) {
	dir := t.TempDir()
	file := streamFile(t, dir, 300)
	p := prepareTest(t, dir, streamConfig(file, ""))
	s := newStreamer(p)
	s.reset()
	seen := map[int]int{}
	for done := 0; done < p.stream.sum.Train; {
		n := min(16, p.stream.sum.Train-done)
		b, _, err := s.batch(n)
		if err != nil {
			t.Fatal(err)
		}
		if s.n > 50 || len(s.bp) != 50 {
			t.Fatalf("buffer of %d rows (capacity %d), want at most 50", s.n, len(s.bp))
		}
		for _, l := range b.Lines {
			seen[l]++
		}
		done += n
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != p.stream.sum.Train {
		t.Errorf("%d distinct rows emitted, want %d", len(seen), p.stream.sum.Train)
	}
	for l, k := range seen {
		if k != 1 {
			t.Errorf("line %d emitted %d times", l, k)
		}
	}
}

// TestStreamResumeExact interrupts a streamed fit in the middle of an
// epoch and checks that resuming from its checkpoint gives the same
// weights as the run not interrupted.
func TestStreamResumeExact(t *testing.T) {
	dir := t.TempDir()
	file := streamFile(t, dir, 400)
	text := streamConfig(file, "")
	_, whole := fitStream(t, text, FitOptions{})

	ctx, cancel := context.WithCancel(context.Background())
	ckpt := filepath.Join(t.TempDir(), "checkpoint.json")
	p := prepareTest(t, dir, text)
	first, err := Fit(ctx, p, FitOptions{Checkpoint: ckpt, afterStep: func(epoch, step int) {
		if epoch == 2 && step == 7 {
			cancel()
		}
	}})
	if err != nil || first.Stopped != StopInterrupted {
		t.Fatalf("interrupted run: %v, %v", err, first)
	}
	c, err := LoadCheckpoint(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	if c.Stream == nil || len(c.Stream.Buffer) != 50 || c.Step != 7 {
		t.Fatalf("checkpoint: step %d, stream %+v", c.Step, c.Stream)
	}
	_, resumed := fitStream(t, text, FitOptions{Resume: c})
	if WeightsSHA256(resumed.Model) != WeightsSHA256(whole.Model) {
		t.Error("resumed run's weights differ from the whole run's")
	}
	if !slices.EqualFunc(resumed.History, whole.History, func(a, b EpochStats) bool { return a.TrainLoss == b.TrainLoss && a.ValLoss == b.ValLoss }) {
		t.Errorf("history %v, want %v", resumed.History, whole.History)
	}
}

// TestStreamFileChanged checks that a file changed between epochs stops
// the fit with an error wrapping data.ErrFileChanged.
func TestStreamFileChanged(t *testing.T) {
	dir := t.TempDir()
	file := streamFile(t, dir, 200)
	p := prepareTest(t, dir, streamConfig(file, ""))
	_, err := Fit(context.Background(), p, FitOptions{afterStep: func(epoch, step int) {
		if epoch == 1 && step == 1 {
			f, _ := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("1,1,a,p\n")
			f.Close()
		}
	}})
	if !errors.Is(err, data.ErrFileChanged) {
		t.Errorf("file appended to: %v, want ErrFileChanged", err)
	}
}

// TestStreamRefuses checks the settings streaming refuses.
func TestStreamRefuses(t *testing.T) {
	dir := t.TempDir()
	file := streamFile(t, dir, 100)
	for _, c := range []struct{ text, key string }{
		{strings.Replace(streamConfig(file, ""), "shuffle_buffer: 50", "shuffle_buffer: 8", 1), "data.shuffle_buffer"},
		{strings.Replace(streamConfig(file, ""), "shuffle_buffer: 50", "shuffle_buffer: 0", 1), "data.shuffle_buffer"},
		{strings.Replace(streamConfig(file, ""), "stream: true", "stream: true\n  impute: median", 1), "data.impute"},
		{strings.Replace(streamConfig(file, ""), "stream: true", "stream: true\n  feature_map: {polynomial: 2}", 1), "data.feature_map.polynomial"},
	} {
		cfg, err := config.Parse([]byte(c.text), filepath.Join(dir, "test.yaml"), nil, noEnvironment)
		if err == nil {
			_, err = Prepare(cfg)
		}
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: %v, want an error naming it", c.key, err)
		}
	}
}

// TestStreamMemory checks that the memory estimate of a streamed fit
// counts the buffer, the sample and the validation rows, not the file:
// a limit they pass is refused, and the file alone is never counted.
func TestStreamMemory(t *testing.T) {
	dir := t.TempDir()
	file := streamFile(t, dir, 20000)
	limit := MemoryLimit{Bytes: 200_000, Source: "test"}
	cfg := parseTestConfig(t, dir, strings.Replace(streamConfig(file, ""), "validation: 0.2", "validation: 0.5", 1))
	if _, err := PrepareWithin(cfg, limit); err == nil {
		t.Error("10000 validation rows within 200 kB: no error")
	}
	cfg = parseTestConfig(t, dir, strings.Replace(streamConfig(file, ""), "validation: 0.2", "validation: 0", 1))
	if _, err := PrepareWithin(cfg, limit); err != nil {
		t.Errorf("20000 rows streamed through a buffer of 50 within 200 kB: %v", err)
	}
	cfg.Data.Stream = false
	if _, err := PrepareWithin(cfg, limit); err == nil {
		t.Error("20000 rows in memory within 200 kB: no error")
	}
}
