package vocab

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCatalogConsistent checks the catalog against itself: names unique
// (aliases included), every entry described, and every rule naming
// something that exists.
func TestCatalogConsistent(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	unique := func(kind, name string) {
		t.Helper()
		if name == "" || strings.TrimSpace(name) != name || strings.ContainsAny(name, " ,|()") {
			t.Errorf("%s name %q: want a plain word", kind, name)
		}
		if prev, ok := seen[kind+" "+name]; ok {
			t.Errorf("%s name %q given twice (%s)", kind, name, prev)
		}
		seen[kind+" "+name] = name
	}
	described := func(kind, name, help string) {
		t.Helper()
		if help == "" || strings.HasSuffix(help, ".") {
			t.Errorf("%s %s: help %q, want a phrase without a final period", kind, name, help)
		}
	}
	outputOnly := 0
	for _, a := range Activations() {
		unique("activation", a.Name)
		for _, al := range a.Aliases {
			unique("activation", al)
		}
		described("activation", a.Name, a.Help)
		if a.OutputOnly {
			outputOnly++
		}
	}
	if outputOnly == len(activations) {
		t.Error("every activation is output only: no hidden layer is possible")
	}
	for _, l := range Losses() {
		unique("loss", l.Name)
		described("loss", l.Name, l.Help)
		if l.Output != "" {
			a, ok := ActivationNamed(l.Output)
			if !ok || a.Name != l.Output {
				t.Errorf("loss %s needs output %q, not a canonical activation", l.Name, l.Output)
			}
			if l.Fix == "" {
				t.Errorf("loss %s has an output rule but no Fix hint", l.Name)
			}
		}
		if l.Units < 0 || l.MinUnits < 0 || (l.Units > 0 && l.MinUnits > l.Units) {
			t.Errorf("loss %s: Units %d, MinUnits %d", l.Name, l.Units, l.MinUnits)
		}
		if l.Target == BinaryClass && l.Units != 1 {
			t.Errorf("loss %s predicts one binary class but needs %d units", l.Name, l.Units)
		}
		if l.Requirement(l.Output, max(l.Units, l.MinUnits, 1)) != "" {
			t.Errorf("loss %s refuses its own output layer", l.Name)
		}
	}
	for _, i := range Inits() {
		unique("init", i.Name)
		described("init", i.Name, i.Help)
	}
	for _, o := range Optimizers() {
		unique("optimizer", o.Name)
		described("optimizer", o.Name, o.Help)
		// Every optimizer steps by train.learning_rate, which config
		// requires; Help says so once for all.
		if !slices.Contains(o.Reads, "learning_rate") {
			t.Errorf("optimizer %s does not read learning_rate", o.Name)
		}
		for _, b := range o.State {
			// "steps" is the step count's member in checkpoint.json.
			unique("optimizer "+o.Name+" state", b.Name)
			if b.Name == "steps" {
				t.Errorf("optimizer %s: a state buffer named %q", o.Name, b.Name)
			}
			described("optimizer "+o.Name+" state", b.Name, b.Help)
		}
	}
}

func TestLookups(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"tanh", "tanh", true},
		{"sigmoid", "logistic", true},
		{"soft_relu", "softplus", true},
		{"logistic", "logistic", true},
		{"ReLU", "", false},
		{"", "", false},
	} {
		if got, ok := Canonical(tc.name); got != tc.want || ok != tc.ok {
			t.Errorf("Canonical(%q) = %q, %v, want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := LossNamed("hinge"); ok {
		t.Error(`LossNamed("hinge") found a loss`)
	}
	if o, ok := OptimizerNamed("adam"); !ok || !slices.Equal(o.StateNames(), []string{"m", "v"}) {
		t.Errorf(`OptimizerNamed("adam") = %v, %v`, o, ok)
	}
	if i, ok := InitNamed("he"); !ok || i.Name != "he" {
		t.Errorf(`InitNamed("he") = %v, %v`, i, ok)
	}
	// The lists are copies: changing one changes nothing here.
	Activations()[0].Name = "changed"
	if ActivationNames()[0] == "changed" {
		t.Error("Activations returned the catalog itself")
	}
}

func TestRequirement(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		loss, act string
		units     int
		want      string
	}{
		{"squared_error", "tanh", 3, ""},
		{"squared_error", "softmax", 1, ""},
		{"cross_entropy", "softmax", 3, ""},
		{"cross_entropy", "softmax", 0, ""},
		{"cross_entropy", "tanh", 3, "a softmax output layer"},
		{"cross_entropy", "softmax", 1, "at least 2 output units"},
		{"binary_cross_entropy", "logistic", 1, ""},
		{"binary_cross_entropy", "logistic", 0, ""},
		{"binary_cross_entropy", "logistic", 2, "a logistic output layer with 1 unit"},
		{"binary_cross_entropy", "softmax", 1, "a logistic output layer with 1 unit"},
	} {
		l, ok := LossNamed(tc.loss)
		if !ok {
			t.Fatalf("no loss %s", tc.loss)
		}
		if got := l.Requirement(tc.act, tc.units); got != tc.want {
			t.Errorf("%s.Requirement(%s, %d) = %q, want %q", tc.loss, tc.act, tc.units, got, tc.want)
		}
	}
}

// TestHelp checks that the help text has every name and alias, each
// entry on a line of its own that fits 80 columns.
func TestHelp(t *testing.T) {
	t.Parallel()
	h := Help()
	for i, line := range strings.Split(strings.TrimSuffix(h, "\n"), "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("help line %d is %d characters wide: %q", i+1, n, line)
		}
	}
	var all []string
	all = append(all, ActivationNames()...)
	all = append(all, ActivationAliases()...)
	all = append(all, LossNames()...)
	all = append(all, InitNames()...)
	all = append(all, OptimizerNames()...)
	for _, name := range all {
		if !strings.Contains(h, "    "+name+" ") && !strings.Contains(h, "    "+name+", ") && !strings.Contains(h, ", "+name+" ") {
			t.Errorf("help does not list %s", name)
		}
	}
}
