package train

import (
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/mat"
)

// scheduleTol bounds the difference from PyTorch's rates, relative: its
// schedules multiply the last rate by γ where ours take the power.
const scheduleTol = 1e-14

// TestScheduleMatchesPyTorch checks each schedule's rates against
// PyTorch 1.13's, from lr 0.1, printed by this script (/usr/bin/python3):
//
//	import torch
//	def lrs(make, n, losses=None):
//	    p = torch.nn.Parameter(torch.zeros(1))
//	    opt = torch.optim.SGD([p], lr=0.1)
//	    s = make(opt)
//	    out = []
//	    for e in range(n):
//	        out.append(opt.param_groups[0]["lr"])
//	        opt.step()
//	        if losses is None:
//	            s.step()
//	        else:
//	            s.step(losses[e])
//	    return out
//	sched = torch.optim.lr_scheduler
//	print("step", lrs(lambda o: sched.StepLR(o, step_size=3, gamma=0.5), 8))
//	print("exponential", lrs(lambda o: sched.ExponentialLR(o, gamma=0.9), 6))
//	print("cosine", lrs(lambda o: sched.CosineAnnealingLR(o, T_max=6, eta_min=0.01), 6))
//	print("warmup", lrs(lambda o: sched.LinearLR(o, start_factor=1/4, end_factor=1, total_iters=3), 6))
//	losses = [1.0, 0.9, 0.95, 0.9, 0.91, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89]
//	print("plateau", lrs(lambda o: sched.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1, threshold=0, min_lr=0.02), len(losses), losses))
func TestScheduleMatchesPyTorch(t *testing.T) {
	t.Parallel()
	losses := []float64{1.0, 0.9, 0.95, 0.9, 0.91, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89, 0.89}
	for _, tc := range []struct {
		name   string
		s      config.Schedule
		epochs int
		want   []float64
	}{
		{"step", config.Schedule{Kind: "step", StepEpochs: 3, Gamma: 0.5}, 8,
			[]float64{0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025}},
		{"exponential", config.Schedule{Kind: "exponential", Gamma: 0.9}, 6,
			[]float64{0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002}},
		{"cosine", config.Schedule{Kind: "cosine", MinLR: 0.01}, 6,
			[]float64{0.1, 0.09397114317029975, 0.07750000000000001, 0.055000000000000014, 0.032500000000000015, 0.01602885682970026}},
		// Warmup over 4 epochs is LinearLR(start_factor=1/4, total_iters=3).
		{"warmup", config.Schedule{Kind: "constant", WarmupEpochs: 4}, 6,
			[]float64{0.025, 0.05, 0.07500000000000001, 0.1, 0.1, 0.1}},
		{"plateau", config.Schedule{Kind: "plateau", Gamma: 0.5, Patience: 1, MinLR: 0.02}, len(losses),
			[]float64{0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02}},
	} {
		s := newSchedule(config.Train{LearningRate: 0.1, Epochs: tc.epochs, Schedule: tc.s})
		for e, want := range tc.want {
			if got := s.rate(e + 1); math.Abs(got-want) > scheduleTol*want {
				t.Errorf("%s: epoch %d at %v, PyTorch %v", tc.name, e+1, got, want)
			}
			s.observe(e+1, losses[e])
		}
	}
}

// TestScheduleWarmupThenSchedule checks that a schedule starts after the
// warmup, at its own epoch 0, and that plateau ignores the warmup's
// losses.
func TestScheduleWarmupThenSchedule(t *testing.T) {
	t.Parallel()
	s := newSchedule(config.Train{LearningRate: 1, Epochs: 12, Schedule: config.Schedule{Kind: "cosine", WarmupEpochs: 2}})
	for e, want := range map[int]float64{1: 0.5, 2: 1, 3: 1, 8: 0.5} {
		if got := s.rate(e); math.Abs(got-want) > 1e-15 {
			t.Errorf("cosine after 2 warmup epochs of 12: epoch %d at %v, want %v", e, got, want)
		}
	}
	p := newSchedule(config.Train{LearningRate: 1, Epochs: 10, Schedule: config.Schedule{Kind: "plateau", WarmupEpochs: 3, Gamma: 0.1, Patience: 1}})
	for e := 1; e <= 3; e++ {
		p.observe(e, 5) // no improvement after the first: ignored
	}
	if p.rate(4) != 1 || p.bad != 0 || !math.IsInf(p.best, 1) {
		t.Errorf("plateau after warmup: rate %v, bad %d, best %v", p.rate(4), p.bad, p.best)
	}
}

// TestSchedulesMatchCatalog checks that train has a rate for every
// schedule of the catalog and for no other.
func TestSchedulesMatchCatalog(t *testing.T) {
	t.Parallel()
	if got, want := slices.Sorted(maps.Keys(scheduleRates)), slices.Sorted(slices.Values(vocab.ScheduleNames())); !slices.Equal(got, want) {
		t.Errorf("train's schedules %v, the catalog's %v", got, want)
	}
}

// TestClipGrads checks clipping against torch.nn.utils.clip_grad_norm_
// (PyTorch 1.13, float64), made by:
//
//	x = torch.tensor([[3.0, -4.0], [1.0, 2.0]], dtype=torch.float64, requires_grad=True)
//	b = torch.tensor([0.5, -0.5], dtype=torch.float64, requires_grad=True)
//	x.grad = torch.tensor([[3.0, -4.0], [1.0, 2.0]], dtype=torch.float64)
//	b.grad = torch.tensor([0.5, -0.5], dtype=torch.float64)
//	n = torch.nn.utils.clip_grad_norm_([x, b], max_norm=2.0)
//	print(float(n), [repr(float(v)) for v in x.grad.flatten()], [repr(float(v)) for v in b.grad])
//
// and that a gradient within the bound, or huge but finite, is handled
// without allocating.
func TestClipGrads(t *testing.T) {
	gs := []*mat.Dense{mat.NewDense(2, 2, []float64{3, -4, 1, 2}), mat.NewDense(1, 2, []float64{0.5, -0.5})}
	if !clipGrads(gs, 2) {
		t.Error("a gradient of norm 5.52 was not clipped to 2")
	}
	want := [][]float64{{1.0864287557889465, -1.448571674385262, 0.3621429185963155, 0.724285837192631}, {0.18107145929815774, -0.18107145929815774}}
	for i, g := range gs {
		for j, v := range g.RawMatrix().Data {
			if math.Abs(v-want[i][j]) > 1e-15 {
				t.Errorf("clipped gradient %d[%d] = %v, PyTorch %v", i, j, v, want[i][j])
			}
		}
	}
	small := []*mat.Dense{mat.NewDense(1, 2, []float64{0.3, 0.4})}
	if clipGrads(small, 1) || small[0].At(0, 0) != 0.3 {
		t.Errorf("a gradient of norm 0.5 was clipped at 1: %v", small[0].RawMatrix().Data)
	}
	// ‖g‖² overflows, ‖g‖ does not: the direction is kept.
	huge := []*mat.Dense{mat.NewDense(1, 2, []float64{3e200, -4e200})}
	if !clipGrads(huge, 1) || math.Abs(huge[0].At(0, 0)-0.6) > 1e-12 || math.Abs(huge[0].At(0, 1)+0.8) > 1e-12 {
		t.Errorf("a gradient of norm 5e200 clipped to %v, want [0.6 -0.8]", huge[0].RawMatrix().Data)
	}
	inf := []*mat.Dense{mat.NewDense(1, 2, []float64{math.Inf(1), 1})}
	if clipGrads(inf, 1) || inf[0].At(0, 1) != 1 {
		t.Errorf("an infinite gradient was scaled: %v", inf[0].RawMatrix().Data)
	}
	big := []*mat.Dense{mat.NewDense(64, 64, nil), mat.NewDense(1, 64, nil)}
	if n := testing.AllocsPerRun(20, func() {
		big[0].Set(0, 0, 10)
		clipGrads(big, 1)
	}); n != 0 {
		t.Errorf("clipGrads: %v allocations, want 0", n)
	}
}
