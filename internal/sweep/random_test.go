package sweep

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/inputerr"
)

func TestParseRange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec string
		want Range
		err  string // substring of the error; "" for none
		hint string
	}{
		{spec: "train.learning_rate=log:1e-4:1e-1", want: Range{Key: "train.learning_rate", Kind: RangeLog, Lo: 1e-4, Hi: 0.1}},
		{spec: " train.l2 = lin: 0 : 0.5 ", want: Range{Key: "train.l2", Kind: RangeLin, Lo: 0, Hi: 0.5}},
		{spec: "model.layers[0].units=int:8:128", want: Range{Key: "model.layers.0.units", Kind: RangeInt, Lo: 8, Hi: 128}},
		{spec: "train.optimizer=choice:sgd|adam| momentum", want: Range{Key: "train.optimizer", Kind: RangeChoice, Choices: []string{"sgd", "adam", "momentum"}}},
		{spec: "train.l2", err: "--range train.l2: want KEY=SPEC", hint: "log:A:B"},
		{spec: "train.l2=", err: "no spec for train.l2"},
		{spec: "train.l2=0.1", err: `want KIND:..., got "0.1"`},
		{spec: "train.l2=exp:1:2", err: `unknown kind "exp"`, hint: "choice:a|b|c"},
		{spec: "train.l2=lin:1", err: "want lin:A:B, two bounds"},
		{spec: "train.l2=lin:1:2:3", err: "want lin:A:B, two bounds"},
		{spec: "train.l2=lin:x:2", err: `bound "x" is not a finite number`},
		{spec: "train.l2=lin:1:inf", err: `bound "inf" is not a finite number`},
		{spec: "train.l2=lin:2:1", err: "the lower bound 2 must be below the upper bound 1", hint: "lin:0:0.5"},
		{spec: "train.l2=lin:1:1", err: "the lower bound 1 must be below the upper bound 1"},
		{spec: "train.l2=log:0:1", err: "log needs bounds above 0, got 0", hint: "use lin:A:B"},
		{spec: "train.l2=log:-1:1", err: "log needs bounds above 0, got -1"},
		{spec: "train.epochs=int:1.5:10", err: `int bounds must be whole numbers, got "1.5"`, hint: "use lin:A:B"},
		{spec: "train.epochs=int:10:1", err: "the lower bound 10 must be below the upper bound 1"},
		{spec: "train.optimizer=choice:", err: "empty choice in the list of train.optimizer"},
		{spec: "train.optimizer=choice:sgd||adam", err: "empty choice"},
		{spec: "train.optimizer=choice:sgd|sgd", err: `choice "sgd" is given twice`},
	} {
		got, err := ParseRange(tc.spec)
		if tc.err != "" {
			var ie *inputerr.Error
			if !errors.As(err, &ie) || !strings.HasPrefix(ie.Key, "--range ") || !strings.Contains(err.Error(), tc.err) || !strings.Contains(ie.Hint, tc.hint) {
				t.Errorf("ParseRange(%q) error %v, want an input error naming --range containing %q, hint %q", tc.spec, err, tc.err, tc.hint)
			}
			continue
		}
		got.Spec = ""
		if err != nil || got.Key != tc.want.Key || got.Kind != tc.want.Kind || got.Lo != tc.want.Lo || got.Hi != tc.want.Hi || !slices.Equal(got.Choices, tc.want.Choices) {
			t.Errorf("ParseRange(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}
}

// TestDraw checks that the draws are reproducible, within their bounds,
// of their kinds, and cover the range.
func TestDraw(t *testing.T) {
	t.Parallel()
	var ranges []Range
	for _, spec := range []string{"a=log:1e-4:1", "b=lin:-1:1", "c=int:1:3", "d=choice:x|y"} {
		r, err := ParseRange(spec)
		if err != nil {
			t.Fatal(err)
		}
		ranges = append(ranges, r)
	}
	const n = 400
	p1, p2, p3 := Draw(ranges, n, 7), Draw(ranges, n, 7), Draw(ranges, n, 8)
	if !slices.EqualFunc(p1, p2, slices.Equal) {
		t.Error("Draw with the same seed gave different points")
	}
	if slices.EqualFunc(p1, p3, slices.Equal) {
		t.Error("Draw with another seed gave the same points")
	}
	if got := Draw(ranges, 3, 7); !slices.EqualFunc(got, p1[:3], slices.Equal) {
		t.Errorf("the first 3 of 400 points %q differ from 3 points %q", p1[:3], got)
	}
	ints, choices := map[string]int{}, map[string]int{}
	decades := map[int]int{}
	for _, p := range p1 {
		a, _ := strconv.ParseFloat(p[0], 64)
		b, _ := strconv.ParseFloat(p[1], 64)
		if a < 1e-4 || a > 1 || b < -1 || b > 1 {
			t.Fatalf("point %q out of bounds", p)
		}
		if p[0] != strconv.FormatFloat(a, 'g', RandomDigits, 64) {
			t.Errorf("log value %q not rounded to %d digits", p[0], RandomDigits)
		}
		decades[int(math.Floor(math.Log10(a)))]++
		ints[p[2]]++
		choices[p[3]]++
	}
	if len(ints) != 3 || ints["1"] == 0 || ints["3"] == 0 {
		t.Errorf("int:1:3 drew %v, want 1, 2 and 3 (both bounds included)", ints)
	}
	if len(choices) != 2 {
		t.Errorf("choice:x|y drew %v", choices)
	}
	// Log-uniform: each of the 4 decades gets about a quarter.
	for d := -4; d < 0; d++ {
		if decades[d] < n/8 {
			t.Errorf("log:1e-4:1 drew %d of %d in decade 1e%d, want about a quarter", decades[d], n, d)
		}
	}
}

func TestParseSearch(t *testing.T) {
	t.Parallel()
	s, err := ParseSearch([]string{"train.optimizer=sgd,adam"}, []string{"train.learning_rate=log:1e-3:1e-1"}, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Keys(), []string{"train.optimizer", "train.learning_rate"}) || s.Random != 5 {
		t.Errorf("keys %q, random %d", s.Keys(), s.Random)
	}
	points := s.Points(1)
	if len(points) != 10 {
		t.Fatalf("%d points, want 2 × 5", len(points))
	}
	for i := range 5 {
		if points[i][0] != "sgd" || points[5+i][0] != "adam" || points[i][1] != points[5+i][1] {
			t.Errorf("points %d and %d: %q and %q, want the same draw under sgd and adam", i, 5+i, points[i], points[5+i])
		}
	}
	for _, tc := range []struct {
		name          string
		grids, ranges []string
		random        int
		fixed         []config.Override
		key, err      string
	}{
		{name: "random without range", random: 3, key: "--random", err: "no --range to draw the points from"},
		{name: "range without random", ranges: []string{"train.l2=lin:0:1"}, key: "--range train.l2=lin:0:1", err: "--range needs --random N"},
		{name: "nothing", key: "--grid", err: "no grid to sweep"},
		{name: "grid and range of one key", grids: []string{"train.l2=0,1"}, ranges: []string{"train.l2=lin:0:1"}, random: 2,
			key: "--range train.l2=lin:0:1", err: "train.l2 is also given by --grid train.l2=0,1"},
		{name: "range of a set key", ranges: []string{"train.l2=lin:0:1"}, random: 2, fixed: []config.Override{{Key: "train.l2", Value: "0"}},
			key: "--range train.l2=lin:0:1", err: "train.l2 is also given by --set train.l2"},
		{name: "range of a list", ranges: []string{"data.features=choice:a|b"}, random: 2, key: "--range data.features=choice:a|b", err: "is a list"},
		{name: "range of output.dir", ranges: []string{"output.dir=choice:a|b"}, random: 2, key: "--range output.dir=choice:a|b", err: "output.dir cannot be swept"},
	} {
		_, err := ParseSearch(tc.grids, tc.ranges, tc.random, tc.fixed)
		var ie *inputerr.Error
		if !errors.As(err, &ie) || ie.Key != tc.key || !strings.Contains(err.Error(), tc.err) || ie.Hint == "" {
			t.Errorf("%s: error %v, want an input error naming %s containing %q, with a hint", tc.name, err, tc.key, tc.err)
		}
	}
}

// TestPlanSearch plans a random search over a grid key and two ranges,
// one into model.layers, and checks that the same command plans the same
// points, seeded by the config's seed.
func TestPlanSearch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	load := sweepTestLoader(t, dir, "")
	search, err := ParseSearch([]string{"train.optimizer=sgd,adam"},
		[]string{"train.learning_rate=log:1e-3:1e-1", "model.layers.0.units=int:2:16"}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan := func(seed string) *Sweep {
		s, err := PlanSearch(load, []config.Override{{Key: "train.seed", Value: seed}}, search, filepath.Join(dir, "sw"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b, c := plan("1"), plan("1"), plan("2")
	names := func(s *Sweep) []string {
		var n []string
		for _, p := range s.Points {
			n = append(n, filepath.Base(p.Dir))
		}
		return n
	}
	if len(a.Points) != 6 || !slices.Equal(names(a), names(b)) || slices.Equal(names(a), names(c)) {
		t.Errorf("points %q, again %q, seed 2 %q: want 6, the same for the same seed, others for another", names(a), names(b), names(c))
	}
	for _, p := range a.Points {
		units, ok := p.Params[2].Value.(int)
		if !ok || units < 2 || units > 16 || p.Config.Model.Layers[0].Units != units {
			t.Errorf("point %s: units %v, config %d", p.Params, p.Params[2].Value, p.Config.Model.Layers[0].Units)
		}
		if lr := p.Params[1].Value.(float64); lr != p.Config.Train.LearningRate || lr < 1e-3 || lr > 0.1 {
			t.Errorf("point %s: learning rate %v, config %v", p.Params, lr, p.Config.Train.LearningRate)
		}
	}
	if !strings.HasPrefix(names(a)[0], "0_train.optimizer=sgd,train.learning_rate=") {
		t.Errorf("point name %q", names(a)[0])
	}

	// Fractions for a whole-number key, and a bad drawn value, name --range.
	for _, tc := range []struct{ spec, err string }{
		{"train.epochs=lin:1:10", "train.epochs is a whole number, but lin draws fractions"},
		{"train.learning_rate=lin:-1:-0.5", "--range train.learning_rate=lin:-1:-0.5: "},
		{"model.layers.4.units=int:1:3", "layer 4 is out of range"},
	} {
		search, err := ParseSearch(nil, []string{tc.spec}, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = PlanSearch(load, nil, search, filepath.Join(dir, "bad"))
		var ie *inputerr.Error
		if !errors.As(err, &ie) || ie.Key != "--range "+tc.spec || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("--range %s: %v, want an input error naming the flag containing %q", tc.spec, err, tc.err)
		}
	}
}
