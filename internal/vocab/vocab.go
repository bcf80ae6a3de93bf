package vocab

import (
	"fmt"
	"slices"
)

// Activation describes an activation function y = φ(z) of a layer.
type Activation struct {
	// Name is the canonical name: what Validate leaves in a config, what
	// model.json stores, and the name of the graph op that computes it.
	Name string
	// Aliases are other names a config may use for it.
	Aliases []string
	// OutputOnly marks an activation allowed on the output layer only.
	OutputOnly bool
	// Help says what it computes.
	Help string
}

// Target is what a loss compares the output with, which decides how the
// target column is read and how many output units there are.
type Target int

const (
	// Values: regression, one output unit per target column.
	Values Target = iota
	// Classes: one output unit per class, one-hot target rows.
	Classes
	// BinaryClass: two classes and one output unit, the probability of
	// the second class (in sorted order); targets 0 or 1.
	BinaryClass
)

// Loss describes a loss function and the output layer it needs.
type Loss struct {
	Name   string
	Target Target
	// Output is the canonical name of the output activation the loss
	// needs, or "" for any.
	Output string
	// Units is the number of output units the loss needs, or 0 for any;
	// MinUnits is the least number, or 0.
	Units, MinUnits int
	// Fix is a hint for a config whose output layer does not fit.
	Fix string
	// Help says what it computes.
	Help string
}

// Classify reports whether the loss makes a classification problem.
func (l Loss) Classify() bool { return l.Target != Values }

// Requirement returns what l needs of an output layer with the canonical
// activation act and the given number of units, as a phrase for messages
// ("a softmax output layer"), or "" when the layer fits. Units 0 means not
// yet known (inferred from the target later), which fits any number.
func (l Loss) Requirement(act string, units int) string {
	layer := "a " + l.Output + " output layer"
	if l.Units > 0 {
		layer += fmt.Sprintf(" with %d unit%s", l.Units, plural(l.Units))
	}
	switch {
	case l.Output != "" && act != l.Output:
		return layer
	case l.Units > 0 && units != 0 && units != l.Units:
		if l.Output != "" {
			return layer
		}
		return fmt.Sprintf("%d output unit%s", l.Units, plural(l.Units))
	case l.MinUnits > 0 && units != 0 && units < l.MinUnits:
		return fmt.Sprintf("at least %d output units", l.MinUnits)
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Init describes a way to draw a layer's initial weights W (d×k); biases
// always start at zero.
type Init struct {
	Name string
	Help string
}

// Buffer is one array of an optimizer's state, an entry per parameter
// entry.
type Buffer struct {
	// Name is the buffer's member name in checkpoint.json.
	Name string
	Help string
}

// Optimizer describes an update rule.
type Optimizer struct {
	Name string
	// FullBatch marks an optimizer whose every step takes the whole
	// training set, whatever train.batch_size says.
	FullBatch bool
	// Reads lists the hyperparameters the update reads, by their keys
	// under train (learning_rate, momentum).
	Reads []string
	// State lists the buffers the optimizer keeps from step to step,
	// besides the step count, in the order checkpoint.json holds them.
	State []Buffer
	// Help says what it does.
	Help string
}

// Schedule describes a learning-rate schedule: the learning rate of each
// epoch, from train.learning_rate α, set by train.schedule.
type Schedule struct {
	Name string
	// Needs lists the keys under train.schedule that the schedule
	// requires, and Takes those it may also be given. Every schedule
	// takes warmup_epochs; a key in neither list is refused.
	Needs, Takes []string
	// Help says what it does.
	Help string
}

// ScheduleKeys are the keys under train.schedule besides kind and
// warmup_epochs, in the order of the config file.
var ScheduleKeys = []string{"step_epochs", "gamma", "min_lr", "patience"}

// StateNames returns the names of o's state buffers, in order.
func (o Optimizer) StateNames() []string {
	names := make([]string, len(o.State))
	for i, b := range o.State {
		names[i] = b.Name
	}
	return names
}

// Activations returns every activation, in catalog order.
func Activations() []Activation { return slices.Clone(activations) }

// Losses returns every loss, in catalog order.
func Losses() []Loss { return slices.Clone(losses) }

// Inits returns every initialization, in catalog order.
func Inits() []Init { return slices.Clone(inits) }

// Optimizers returns every optimizer, in catalog order.
func Optimizers() []Optimizer { return slices.Clone(optimizers) }

// Schedules returns every learning-rate schedule, in catalog order.
func Schedules() []Schedule { return slices.Clone(schedules) }

// ScheduleNamed returns the schedule of that name and whether there is
// one.
func ScheduleNamed(name string) (Schedule, bool) {
	return find(schedules, name, func(s Schedule) string { return s.Name })
}

// ScheduleNames returns the schedule names, in catalog order.
func ScheduleNames() []string { return names(schedules, func(s Schedule) string { return s.Name }) }

// ActivationNamed returns the activation that name, canonical or an alias,
// names, and whether there is one.
func ActivationNamed(name string) (Activation, bool) {
	for _, a := range activations {
		if a.Name == name || slices.Contains(a.Aliases, name) {
			return a, true
		}
	}
	return Activation{}, false
}

// Canonical returns the canonical name of the activation that name,
// canonical or an alias, names, and whether there is one.
func Canonical(name string) (string, bool) {
	a, ok := ActivationNamed(name)
	return a.Name, ok
}

// LossNamed returns the loss of that name and whether there is one.
func LossNamed(name string) (Loss, bool) {
	return find(losses, name, func(l Loss) string { return l.Name })
}

// InitNamed returns the initialization of that name and whether there is
// one.
func InitNamed(name string) (Init, bool) {
	return find(inits, name, func(i Init) string { return i.Name })
}

// OptimizerNamed returns the optimizer of that name and whether there is
// one.
func OptimizerNamed(name string) (Optimizer, bool) {
	return find(optimizers, name, func(o Optimizer) string { return o.Name })
}

// ActivationNames returns the canonical activation names, in catalog order.
func ActivationNames() []string {
	return names(activations, func(a Activation) string { return a.Name })
}

// ActivationAliases returns every alias, in catalog order.
func ActivationAliases() []string {
	var out []string
	for _, a := range activations {
		out = append(out, a.Aliases...)
	}
	return out
}

// LossNames returns the loss names, in catalog order.
func LossNames() []string { return names(losses, func(l Loss) string { return l.Name }) }

// InitNames returns the initialization names, in catalog order.
func InitNames() []string { return names(inits, func(i Init) string { return i.Name }) }

// OptimizerNames returns the optimizer names, in catalog order.
func OptimizerNames() []string { return names(optimizers, func(o Optimizer) string { return o.Name }) }

func find[T any](list []T, name string, key func(T) string) (T, bool) {
	for _, e := range list {
		if key(e) == name {
			return e, true
		}
	}
	var zero T
	return zero, false
}

func names[T any](list []T, key func(T) string) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = key(e)
	}
	return out
}
