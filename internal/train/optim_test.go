package train

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/mlptrain/mlptrain/internal/vocab"
	"gonum.org/v1/gonum/mat"
)

// step runs n optimizer steps on f(w) = ½ a w² (gradient a·w) from w0, or
// on the linear f(w) = c·w when linear is set, and returns every iterate.
func steps(t *testing.T, name string, lr, mu, a, w0 float64, n int, linear bool) []float64 {
	t.Helper()
	o, err := NewOptimizer(name, Hyper{LearningRate: lr, Momentum: mu})
	if err != nil {
		t.Fatal(err)
	}
	w := mat.NewDense(1, 1, []float64{w0})
	g := mat.NewDense(1, 1, nil)
	out := []float64{w0}
	for i := 0; i < n; i++ {
		if linear {
			g.Set(0, 0, a)
		} else {
			g.Set(0, 0, a*w.At(0, 0))
		}
		o.Step([]*mat.Dense{w}, []*mat.Dense{g})
		out = append(out, w.At(0, 0))
	}
	return out
}

const optimTol = 1e-12

func TestGradientDescentClosedForm(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"gd", "sgd"} {
		const lr, a, w0 = 0.1, 3.0, 2.0
		got := steps(t, name, lr, 0, a, w0, 10, false)
		for k, w := range got {
			if want := w0 * math.Pow(1-lr*a, float64(k)); math.Abs(w-want) > optimTol {
				t.Errorf("%s: w_%d = %v, want (1−αa)^k w0 = %v", name, k, w, want)
			}
		}
	}
}

func TestMomentumClosedForm(t *testing.T) {
	t.Parallel()
	// p ← μp − α a w, w ← w + p gives w_{k+1} = (1+μ−αa) w_k − μ w_{k−1},
	// w_1 = (1−αa) w0, solved by w_k = A r1^k + B r2^k with r1, r2 the
	// roots of r² − (1+μ−αa) r + μ = 0 (real for these numbers).
	const lr, mu, a, w0 = 0.1, 0.3, 1.0, 1.0
	s := 1 + mu - lr*a
	disc := math.Sqrt(s*s - 4*mu)
	if math.IsNaN(disc) {
		t.Fatal("complex roots: pick other constants")
	}
	r1, r2 := (s+disc)/2, (s-disc)/2
	w1 := (1 - lr*a) * w0
	// A + B = w0, A r1 + B r2 = w1.
	bCoef := (w1 - r1*w0) / (r2 - r1)
	aCoef := w0 - bCoef
	got := steps(t, "momentum", lr, mu, a, w0, 12, false)
	for k, w := range got {
		want := aCoef*math.Pow(r1, float64(k)) + bCoef*math.Pow(r2, float64(k))
		if math.Abs(w-want) > optimTol {
			t.Errorf("w_%d = %v, want %v", k, w, want)
		}
	}
}

func TestAdamClosedForm(t *testing.T) {
	t.Parallel()
	// On a constant gradient c, the bias-corrected moments are exactly c
	// and c², so every step moves by α·c/(|c|+ε).
	const lr, c, w0 = 0.01, -4.0, 1.0
	got := steps(t, "adam", lr, 0, c, w0, 8, true)
	for k, w := range got {
		want := w0 - float64(k)*lr*c/(math.Abs(c)+adamEps)
		if math.Abs(w-want) > optimTol {
			t.Errorf("w_%d = %v, want %v", k, w, want)
		}
	}
	// On the quadratic the first step is α·sign(g) whatever the scale.
	for _, a := range []float64{1e-3, 1, 1e3} {
		got := steps(t, "adam", lr, 0, a, w0, 1, false)
		if want := w0 - lr*(a*w0)/(a*w0+adamEps); math.Abs(got[1]-want) > optimTol {
			t.Errorf("a=%g: first step to %v, want %v", a, got[1], want)
		}
	}
}

// torchSteps are PyTorch 1.13's iterates (float64) on
// f(w) = ½ Σ a_i w_i² + ¼ Σ w_i, a = (3, 0.5, −1), from w = (1, −2, 0.5),
// made by this script (/usr/bin/python3):
//
//	import torch
//	torch.set_default_dtype(torch.float64)
//	def run(make, n=5):
//	    w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
//	    a = torch.tensor([3.0, 0.5, -1.0])
//	    opt = make([w])
//	    out = []
//	    for _ in range(n):
//	        opt.zero_grad()
//	        loss = 0.5 * (a * w * w).sum() + 0.25 * w.sum()
//	        loss.backward()
//	        opt.step()
//	        out.append([float(x) for x in w.detach()])
//	    return out
//	for name, make in [
//	    ("nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
//	    ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-8)),
//	    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)),
//	]:
//	    print(name)
//	    for r in run(make):
//	        print("\t{%s}," % ", ".join(repr(x) for x in r))
var torchSteps = []struct {
	name string
	h    Hyper
	want [][]float64
}{
	{"nesterov", Hyper{LearningRate: 0.1, Momentum: 0.9}, [][]float64{
		{0.3825, -1.8575, 0.5475},
		{-0.14627500000000002, -1.6677875, 0.624275},
		{-0.46052075000000003, -1.4471939375, 0.73770975},
		{-0.5453393475, -1.2112267446875, 0.8987811275},
		{-0.46017325967500006, -0.9739134575984375, 1.1231199039750002},
	}},
	{"rmsprop", Hyper{LearningRate: 0.01}, [][]float64{
		{0.9000000030769231, -1.9000000133333317, 0.599999960000016},
		{0.8326044350676518, -1.8315851308337707, 0.6815110892542724},
		{0.7792445718660624, -1.7768515170579282, 0.7525728331412674},
		{0.7341633642083478, -1.7301960897729192, 0.8165222313991622},
		{0.6947068484756839, -1.689025437839569, 0.8751923045006509},
	}},
	{"adamw", Hyper{LearningRate: 0.01, WeightDecay: 0.1}, [][]float64{
		{0.9890000000307693, -1.9880000001333333, 0.5094999996},
		{0.9780137903992084, -1.9760141745251887, 0.5189984798644208},
		{0.9670432457011675, -1.9640439738342659, 0.5285004261062136},
		{0.9560902544076176, -1.952090854580081, 0.5380105677140361},
		{0.9451567144881979, -1.940156275773093, 0.5475333806541743},
	}},
}

// torchTol bounds the difference from PyTorch's iterates, relative to
// max(1, |w|): the same rules, with the operations in another order.
const torchTol = 1e-13

func TestOptimizersMatchPyTorch(t *testing.T) {
	t.Parallel()
	a := []float64{3, 0.5, -1}
	for _, tc := range torchSteps {
		o, err := NewOptimizer(tc.name, tc.h)
		if err != nil {
			t.Fatal(err)
		}
		w := mat.NewDense(1, 3, []float64{1, -2, 0.5})
		g := mat.NewDense(1, 3, nil)
		for k, want := range tc.want {
			for j := range a {
				g.Set(0, j, a[j]*w.At(0, j)+0.25)
			}
			o.Step([]*mat.Dense{w}, []*mat.Dense{g})
			for j, x := range want {
				if got := w.At(0, j); math.Abs(got-x) > torchTol*math.Max(1, math.Abs(x)) {
					t.Errorf("%s: w_%d[%d] = %v, PyTorch %v", tc.name, k+1, j, got, x)
				}
			}
		}
	}
}

func TestNesterovClosedForm(t *testing.T) {
	t.Parallel()
	// On a constant gradient c, b_k = c(1 − μ^k)/(1 − μ), and step k
	// moves by α(c + μ b_k).
	const lr, mu, c, w0 = 0.1, 0.5, 2.0, 1.0
	got := steps(t, "nesterov", lr, mu, c, w0, 8, true)
	want := w0
	for k := 1; k < len(got); k++ {
		b := c * (1 - math.Pow(mu, float64(k))) / (1 - mu)
		want -= lr * (c + mu*b)
		if math.Abs(got[k]-want) > optimTol {
			t.Errorf("w_%d = %v, want %v", k, got[k], want)
		}
	}
}

func TestRMSpropClosedForm(t *testing.T) {
	t.Parallel()
	// On a constant gradient c, v_k = c²(1 − 0.99^k), and step k moves
	// by α c/(|c|√(1 − 0.99^k) + ε): ε outside the root.
	const lr, c, w0 = 0.01, -3.0, 1.0
	got := steps(t, "rmsprop", lr, 0, c, w0, 8, true)
	want := w0
	for k := 1; k < len(got); k++ {
		want -= lr * c / (math.Abs(c)*math.Sqrt(1-math.Pow(rmspropAlpha, float64(k))) + rmspropEps)
		if math.Abs(got[k]-want) > optimTol {
			t.Errorf("w_%d = %v, want %v", k, got[k], want)
		}
	}
}

// TestAdamW checks that adamw with no decay is adam bit for bit, that on
// a zero gradient it only decays, W_k = (1 − αλ)^k W_0, and that it
// leaves the parameters Hyper.Decayed excludes (the biases) undecayed.
func TestAdamW(t *testing.T) {
	t.Parallel()
	a, b := steps(t, "adam", 0.01, 0, 2, 1, 10, false), steps(t, "adamw", 0.01, 0, 2, 1, 10, false)
	if !sameBits(a, b) {
		t.Errorf("adamw with weight_decay 0: %v, adam %v", b, a)
	}
	const lr, wd = 0.1, 0.5
	o, err := NewOptimizer("adamw", Hyper{LearningRate: lr, WeightDecay: wd, Decayed: []bool{true, false}})
	if err != nil {
		t.Fatal(err)
	}
	w, bias := mat.NewDense(1, 2, []float64{1, -4}), mat.NewDense(1, 1, []float64{3})
	zero := []*mat.Dense{mat.NewDense(1, 2, nil), mat.NewDense(1, 1, nil)}
	for k := 1; k <= 5; k++ {
		o.Step([]*mat.Dense{w, bias}, zero)
		f := math.Pow(1-lr*wd, float64(k))
		if got := w.RawMatrix().Data; math.Abs(got[0]-f) > optimTol || math.Abs(got[1]+4*f) > optimTol {
			t.Errorf("step %d: W = %v, want (1 − αλ)^k W_0 = %v", k, got, []float64{f, -4 * f})
		}
		if bias.At(0, 0) != 3 {
			t.Errorf("step %d: the bias decayed to %v", k, bias.At(0, 0))
		}
	}
}

// TestSetLearningRate checks that every optimizer steps by the rate set
// last: halving it halves sgd's step, and a run continued at a new rate
// equals one made at that rate from the same state.
func TestSetLearningRate(t *testing.T) {
	t.Parallel()
	for _, name := range vocab.OptimizerNames() {
		h := Hyper{LearningRate: 0.1, Momentum: 0.5, WeightDecay: 0.1}
		one, _ := NewOptimizer(name, h)
		w, g := mat.NewDense(1, 1, []float64{1}), mat.NewDense(1, 1, nil)
		for i := range 4 {
			if i == 2 {
				one.SetLearningRate(0.02)
			}
			g.Set(0, 0, 3*w.At(0, 0))
			one.Step([]*mat.Dense{w}, []*mat.Dense{g})
		}
		// The same with the state handed over at step 2.
		first, _ := NewOptimizer(name, h)
		w2 := mat.NewDense(1, 1, []float64{1})
		for range 2 {
			g.Set(0, 0, 3*w2.At(0, 0))
			first.Step([]*mat.Dense{w2}, []*mat.Dense{g})
		}
		h.LearningRate = 0.02
		second, _ := NewOptimizer(name, h)
		if err := second.SetState(first.State()); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			g.Set(0, 0, 3*w2.At(0, 0))
			second.Step([]*mat.Dense{w2}, []*mat.Dense{g})
		}
		if w.At(0, 0) != w2.At(0, 0) {
			t.Errorf("%s: rate set mid-run gives %v, a new optimizer at that rate %v", name, w.At(0, 0), w2.At(0, 0))
		}
	}
}

// TestOptimizerState splits a run of every optimizer of the catalog at a
// step and restores its state, passed through checkpoint JSON, into a new
// optimizer: the run continues exactly. The JSON holds the step count and
// the buffers the catalog names, in its order.
func TestOptimizerState(t *testing.T) {
	t.Parallel()
	for _, spec := range vocab.Optimizers() {
		name := spec.Name
		whole := steps(t, name, 0.05, 0.9, 2, 1, 6, false)
		h := Hyper{LearningRate: 0.05, Momentum: 0.9}
		o, err := NewOptimizer(name, h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fresh, _ := json.Marshal(o.State())
		if string(fresh) != `{"steps":0}` {
			t.Errorf("%s: state before the first step %s", name, fresh)
		}
		w := mat.NewDense(1, 1, []float64{1})
		g := mat.NewDense(1, 1, nil)
		for i := 0; i < 3; i++ {
			g.Set(0, 0, 2*w.At(0, 0))
			o.Step([]*mat.Dense{w}, []*mat.Dense{g})
		}
		b, err := json.Marshal(o.State())
		if err != nil {
			t.Fatal(err)
		}
		if keys := jsonKeys(t, b); !slices.Equal(keys, append([]string{"steps"}, spec.StateNames()...)) {
			t.Errorf("%s: state members %v, want steps and %v", name, keys, spec.StateNames())
		}
		var s OptimizerState
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		o2, _ := NewOptimizer(name, h)
		if err := o2.SetState(&s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := 3; i < 6; i++ {
			g.Set(0, 0, 2*w.At(0, 0))
			o2.Step([]*mat.Dense{w}, []*mat.Dense{g})
		}
		if w.At(0, 0) != whole[6] {
			t.Errorf("%s: resumed run ends at %v, whole run at %v", name, w.At(0, 0), whole[6])
		}
	}
	if _, err := NewOptimizer("adagrad", Hyper{LearningRate: 0.1}); err == nil {
		t.Error("NewOptimizer(adagrad) succeeded")
	}
}

// jsonKeys returns the member names of the JSON object b, in order.
func jsonKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestOptimizerSetStateRefuses checks that a state that does not fit the
// optimizer is refused: buffers it does not keep, some but not all of
// its buffers, buffers before the first step or none after it.
func TestOptimizerSetStateRefuses(t *testing.T) {
	t.Parallel()
	one := [][]float64{{0}}
	for _, tc := range []struct {
		name string
		s    OptimizerState
	}{
		{"sgd", OptimizerState{Steps: 2, Buffers: []StateBuffer{{"m", one}}}},
		{"momentum", OptimizerState{Steps: 2, Buffers: []StateBuffer{{"v", one}}}},
		{"momentum", OptimizerState{Steps: 2}},
		{"momentum", OptimizerState{Steps: 0, Buffers: []StateBuffer{{"m", one}}}},
		{"momentum", OptimizerState{Steps: 2, Buffers: []StateBuffer{{"m", one}, {"m", one}}}},
		{"adam", OptimizerState{Steps: 2, Buffers: []StateBuffer{{"m", one}}}},
		{"adam", OptimizerState{Steps: -1}},
	} {
		o, _ := NewOptimizer(tc.name, Hyper{LearningRate: 0.1})
		if err := o.SetState(&tc.s); err == nil {
			t.Errorf("%s took the state %+v", tc.name, tc.s)
		}
	}
	for _, bad := range []string{`[]`, `{"m": [[1]]}`, `{"steps": 1, "steps": 2}`, `{"steps": 1.5}`, `{"steps": 1, "m": {}}`} {
		var s OptimizerState
		if err := json.Unmarshal([]byte(bad), &s); err == nil {
			t.Errorf("optimizer state %s read as %+v", bad, s)
		}
	}
}

// TestOptimizersMatchCatalog checks that train has an update for every
// optimizer of the catalog and for no other, and that each reads the
// hyperparameters the catalog says it reads and no other.
func TestOptimizersMatchCatalog(t *testing.T) {
	t.Parallel()
	if got, want := slices.Sorted(maps.Keys(updateRules)), slices.Sorted(slices.Values(vocab.OptimizerNames())); !slices.Equal(got, want) {
		t.Errorf("train's optimizers %v, the catalog's %v", got, want)
	}
	// Every hyperparameter, by its key under train.
	fields := map[string]func(*Hyper) *float64{
		"learning_rate": func(h *Hyper) *float64 { return &h.LearningRate },
		"momentum":      func(h *Hyper) *float64 { return &h.Momentum },
		"weight_decay":  func(h *Hyper) *float64 { return &h.WeightDecay },
	}
	run := func(name string, h Hyper) float64 {
		o, err := NewOptimizer(name, h)
		if err != nil {
			t.Fatal(err)
		}
		w, g := mat.NewDense(1, 1, []float64{1}), mat.NewDense(1, 1, nil)
		for range 4 {
			g.Set(0, 0, 3*w.At(0, 0)-0.5)
			o.Step([]*mat.Dense{w}, []*mat.Dense{g})
		}
		return w.At(0, 0)
	}
	for _, spec := range vocab.Optimizers() {
		for _, key := range spec.Reads {
			if fields[key] == nil {
				t.Errorf("%s reads %s, which Hyper does not hold", spec.Name, key)
			}
		}
		base := Hyper{LearningRate: 0.05, Momentum: 0.5, WeightDecay: 0.1}
		w0 := run(spec.Name, base)
		for key, field := range fields {
			h := base
			*field(&h) *= 1.5
			if changed, reads := run(spec.Name, h) != w0, slices.Contains(spec.Reads, key); changed != reads {
				t.Errorf("%s: changing %s changes the update: %v; the catalog says it reads it: %v", spec.Name, key, changed, reads)
			}
		}
	}
}

// TestStepReportsNonFinite checks that every optimizer's Step reports a
// weight made infinite or NaN by its update, wherever it is among the
// parameters, and reports finite updates as finite.
func TestStepReportsNonFinite(t *testing.T) {
	t.Parallel()
	overflows := 0
	for _, name := range vocab.OptimizerNames() {
		for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64} {
			for at := range 3 {
				o, err := NewOptimizer(name, Hyper{LearningRate: 1, Momentum: 0.9})
				if err != nil {
					t.Fatal(err)
				}
				ws := []*mat.Dense{mat.NewDense(2, 2, []float64{1, 2, 3, 4}), mat.NewDense(1, 3, []float64{5, 6, 7})}
				gs := []*mat.Dense{mat.NewDense(2, 2, []float64{0.1, 0.1, 0.1, 0.1}), mat.NewDense(1, 3, []float64{0.1, 0.1, 0.1})}
				if !o.Step(ws, gs) {
					t.Errorf("%s: finite step reported non-finite", name)
				}
				// A gradient of −MaxFloat64 overflows w − lr·g for gd and
				// momentum; Adam's normalized step stays finite there, but
				// its second moment g² overflows (and would stall every
				// later step). Either way Step must say what happened.
				gs[1].RawMatrix().Data[at] = bad
				if bad == math.MaxFloat64 {
					ws[1].RawMatrix().Data[at] = math.MaxFloat64
					gs[1].RawMatrix().Data[at] = -math.MaxFloat64
				}
				got := o.Step(ws, gs)
				wantFinite := allFiniteData(ws) && stateFinite(o.State())
				if bad != math.MaxFloat64 && wantFinite {
					t.Errorf("%s, gradient %v: the weights stayed finite", name, bad)
				}
				if bad == math.MaxFloat64 && !wantFinite {
					overflows++
				}
				if got != wantFinite {
					t.Errorf("%s, gradient %v at entry %d: Step reported finite=%v, want %v (weights %v)", name, bad, at, got, wantFinite, ws[1].RawMatrix().Data)
				}
			}
		}
	}
	if overflows == 0 {
		t.Error("no update overflowed on a gradient of −MaxFloat64: the case tests nothing")
	}
}

// TestStepParallel checks that an update large enough to be shared among
// threads gives the serial update's bits, for every optimizer, and still
// reports a non-finite weight in any chunk.
func TestStepParallel(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	rng := rand.New(rand.NewPCG(3, 4))
	rnd := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range m.RawMatrix().Data {
			m.RawMatrix().Data[i] = rng.NormFloat64()
		}
		return m
	}
	// 784×256 + 256 + 256×10 + 10 entries: 5 chunks of W1 and one each after.
	shapes := [][2]int{{784, 256}, {1, 256}, {256, 10}, {1, 10}}
	var ws0, gs []*mat.Dense
	for _, sh := range shapes {
		ws0, gs = append(ws0, rnd(sh[0], sh[1])), append(gs, rnd(sh[0], sh[1]))
	}
	for _, name := range vocab.OptimizerNames() {
		par, err := NewOptimizer(name, Hyper{LearningRate: 0.01, Momentum: 0.9})
		if err != nil {
			t.Fatal(err)
		}
		ser, _ := NewOptimizer(name, Hyper{LearningRate: 0.01, Momentum: 0.9})
		ser.(interface{ serial() }).serial()
		wp, wsr := cloneAll(ws0), cloneAll(ws0)
		for range 3 {
			if !par.Step(wp, gs) || !ser.Step(wsr, gs) {
				t.Fatalf("%s: finite update reported non-finite", name)
			}
		}
		for i := range wp {
			if !sameBits(wp[i].RawMatrix().Data, wsr[i].RawMatrix().Data) {
				t.Errorf("%s: parameter %d differs between the parallel and the serial update", name, i)
			}
		}
		for _, at := range [][2]int{{0, 0}, {0, 784*256 - 1}, {0, 3 * chunkLen}, {2, 5}} {
			g := gs[at[0]].RawMatrix().Data
			keep := g[at[1]]
			g[at[1]] = math.Inf(1)
			if par.Step(cloneAll(wp), gs) {
				t.Errorf("%s: an infinite gradient at parameter %d entry %d went unreported", name, at[0], at[1])
			}
			g[at[1]] = keep
		}
	}
}

// allFiniteData reports whether every entry of ms is finite.
// stateFinite reports whether every number of an optimizer's state is
// finite.
func stateFinite(s *OptimizerState) bool {
	for _, b := range s.Buffers {
		for _, row := range b.Data {
			for _, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return false
				}
			}
		}
	}
	return true
}

func allFiniteData(ms []*mat.Dense) bool {
	for _, m := range ms {
		for _, v := range m.RawMatrix().Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// TestStepAllocatesNothing checks that, after the first step allocates
// the state, a step of any optimizer of the catalog allocates nothing.
func TestStepAllocatesNothing(t *testing.T) {
	for _, name := range vocab.OptimizerNames() {
		o, err := NewOptimizer(name, Hyper{LearningRate: 0.01, Momentum: 0.9})
		if err != nil {
			t.Fatal(err)
		}
		ws := []*mat.Dense{mat.NewDense(4, 16, nil), mat.NewDense(1, 16, nil)}
		gs := []*mat.Dense{mat.NewDense(4, 16, nil), mat.NewDense(1, 16, nil)}
		o.Step(ws, gs)
		if n := testing.AllocsPerRun(20, func() { o.Step(ws, gs) }); n != 0 {
			t.Errorf("%s: %v allocations a step, want 0", name, n)
		}
	}
}
