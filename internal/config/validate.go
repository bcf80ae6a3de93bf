package config

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"github.com/mlptrain/mlptrain/internal/vocab"
)

// normalizations are the values data.normalize accepts. The model's names
// (activations, losses, inits, optimizers) come from the catalog in
// internal/vocab.
var (
	normalizations       = []string{"standardize", "minmax", "none"}
	imputations          = []string{"mean", "median", "zero"}
	targetNormalizations = []string{"none", "standardize"}
)

// Validate checks every key's value and the rules that join keys, and
// replaces activation aliases (sigmoid, soft_relu) with their canonical
// names (logistic, softplus). It returns the first problem in file order as an
// *inputerr.Error placed where the value came from: the file's line and
// column, the environment variable, or the flag. For a value left at its
// default it names the key, at the enclosing section of the file if there
// is one. It never panics.
func (c *Config) Validate() error {
	for _, check := range []func() error{c.validateData, c.validateModel, c.validateTrain} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// fail returns an error about key, placed where its value came from.
func (c *Config) fail(key, hint, format string, args ...any) error {
	e := &inputerr.Error{File: c.File, Key: key, Hint: hint, Err: fmt.Errorf(format, args...)}
	if o, ok := c.origin[key]; ok && o.kind == fromFile && c.sections[key] != nil {
		// A list of layers as a whole: point at its key, not its first item.
		n := c.sections[key]
		e.Line, e.Column = n.Line, n.Column
		return e
	}
	for k := key; k != ""; k = parentKey(k) {
		if o, ok := c.origin[k]; ok {
			if o.kind == fromFile {
				e.Line, e.Column = o.node.Line, o.node.Column
			} else {
				e.File, e.Key = "", o.name
			}
			return e
		}
		if n := c.sections[k]; n != nil && k != key {
			e.Line, e.Column = n.Line, n.Column
			return e
		}
	}
	return e
}

// KeyError returns an *inputerr.Error about key, placed where its value
// came from as Validate's errors are (the file's line and column, the
// variable or the flag), for the checks that need the data, such as the
// class names of train.class_weight (key ClassWeightKey(name)). err is
// its message and hint its hint.
func (c *Config) KeyError(key, hint string, err error) error {
	return c.fail(key, hint, "%w", err)
}

// enum checks that value, the value of key, is one of allowed.
func (c *Config) enum(key, what, value string, allowed []string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return c.fail(key, didYouMean(value, allowed, "use one of"), "unknown %s %s", what, quote(value))
}

// activations lists the activations for hints, each canonical name with
// its aliases in parentheses: "logistic (sigmoid)".
func activations() string {
	var names []string
	for _, a := range vocab.Activations() {
		n := a.Name
		if len(a.Aliases) > 0 {
			n += " (" + strings.Join(a.Aliases, ", ") + ")"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// activation checks that value, the value of key, names an activation,
// suggesting the nearest name or alias if not.
func (c *Config) activation(key, value string) error {
	if _, ok := vocab.ActivationNamed(value); ok {
		return nil
	}
	hint := "use one of: " + activations()
	if n := nearest(value, append(vocab.ActivationNames(), vocab.ActivationAliases()...)); n != "" {
		hint = `did you mean "` + n + `"?`
	}
	return c.fail(key, hint, "unknown activation %s", quote(value))
}

func (c *Config) validateData() error {
	d := &c.Data
	if d.Train == "" {
		return c.fail("data.train", "name the training CSV, as in train: datasets/iris.csv", "required")
	}
	if err := c.validateValidation(); err != nil {
		return err
	}
	if len(d.Target) == 0 {
		return c.fail("data.target", "name the target column, as in target: species", "required")
	}
	if err := c.columns("data.target", d.Target); err != nil {
		return err
	}
	if err := c.columns("data.features", d.Features); err != nil {
		return err
	}
	for i, f := range d.Features {
		if slices.Contains(d.Target, f) {
			return c.fail(fmt.Sprintf("data.features[%d]", i), "remove it, or leave features empty to use every column but the target",
				"%s is a target column", quote(f))
		}
	}
	if r, size := utf8.DecodeRuneInString(d.Delimiter); size == 0 || size != len(d.Delimiter) ||
		r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return c.fail("data.delimiter", `use one character other than a quote or newline, such as "," or ";" or "\t"`,
			"must be exactly one character, got %s", strconv.Quote(d.Delimiter))
	}
	if err := c.enum("data.normalize", "normalization", d.Normalize, normalizations); err != nil {
		return err
	}
	if p := d.FeatureMap.Polynomial; p < 1 || p > MaxPolynomial {
		return c.fail("data.feature_map.polynomial", "use 1 for the inputs themselves, 2 to add their squares and products",
			"must be from 1 to %d, got %d", MaxPolynomial, p)
	}
	return c.validateColumns()
}

// validateColumns checks the keys that say how columns are read.
func (c *Config) validateColumns() error {
	d := &c.Data
	for _, l := range []struct {
		key   string
		names []string
	}{{"data.ignore", d.Ignore}, {"data.categorical", d.Categorical}} {
		if err := c.columns(l.key, l.names); err != nil {
			return err
		}
		for i, n := range l.names {
			if slices.Contains(d.Target, n) {
				return c.fail(fmt.Sprintf("%s[%d]", l.key, i), "remove it: it is the target column", "%s is a target column", quote(n))
			}
		}
	}
	for i, n := range d.Ignore {
		if slices.Contains(d.Features, n) {
			return c.fail(fmt.Sprintf("data.ignore[%d]", i), "a column is either a feature or ignored; remove it from one of the lists", "%s is also in data.features", quote(n))
		}
		if slices.Contains(d.Categorical, n) {
			return c.fail(fmt.Sprintf("data.ignore[%d]", i), "a column is either categorical or ignored; remove it from one of the lists", "%s is also in data.categorical", quote(n))
		}
	}
	for i, m := range d.Missing {
		if strings.ContainsAny(m, "\r\n") {
			return c.fail(fmt.Sprintf("data.missing[%d]", i), "a missing-value marker is one cell, such as NA or ?", "holds a line break")
		}
	}
	if err := c.enum("data.impute", "imputation", d.Impute, imputations); err != nil {
		return err
	}
	if d.MaxCategories < 0 || d.MaxCategories == 1 || d.MaxCategories > MaxLevels {
		return c.fail("data.max_categories", fmt.Sprintf("use 0 to keep every level (up to %d), or N ≥ 2 to keep the N−1 most frequent and \"(other)\"", MaxLevelsDefault),
			"must be 0 or from 2 to %d, got %d", MaxLevels, d.MaxCategories)
	}
	if err := c.enum("data.normalize_target", "target normalization", d.NormalizeTarget, targetNormalizations); err != nil {
		return err
	}
	if d.ShuffleBuffer < 1 {
		return c.fail("data.shuffle_buffer", fmt.Sprintf("use a number of rows such as %d, at least train.batch_size", DefaultShuffleBuffer),
			"must be at least 1, got %d", d.ShuffleBuffer)
	}
	if d.Stream && c.Train.BatchSize > d.ShuffleBuffer {
		return c.fail("data.shuffle_buffer", "use a buffer of at least train.batch_size rows, or a smaller batch",
			"must be at least train.batch_size (%d), got %d", c.Train.BatchSize, d.ShuffleBuffer)
	}
	switch {
	case d.Decimal != "." && d.Decimal != ",":
		return c.fail("data.decimal", `use "." or "," (European exports, with data.delimiter: ";")`, "must be \".\" or \",\", got %s", strconv.Quote(d.Decimal))
	case d.Decimal == d.Delimiter:
		return c.fail("data.decimal", `a decimal comma needs another delimiter: set data.delimiter: ";"`, "is the same as data.delimiter (%s)", strconv.Quote(d.Delimiter))
	}
	return nil
}

// validateValidation checks data.validation: a fraction or a path.
func (c *Config) validateValidation() error {
	const msg = "must be a fraction in [0, 1) or a CSV path, got %s"
	v := c.Data.Validation
	t := strings.TrimSpace(v)
	if t == "" {
		return c.fail("data.validation", "use 0 for no validation split", msg, quote(v))
	}
	if f, ok := c.Data.ValidationFraction(); ok && !(f >= 0 && f < 1) {
		return c.fail("data.validation", "0.2 holds out 20% of data.train; write a CSV whose name is a number with its folder, as ./1.5", msg, t)
	}
	if pct, ok := strings.CutSuffix(t, "%"); ok {
		if _, err := strconv.ParseFloat(pct, 64); err == nil {
			return c.fail("data.validation", "write 20% as 0.2", msg, quote(v))
		}
	}
	return nil
}

// columns checks a list of column names: none empty, none twice.
func (c *Config) columns(key string, names []string) error {
	for i, n := range names {
		k := fmt.Sprintf("%s[%d]", key, i)
		if strings.TrimSpace(n) == "" {
			return c.fail(k, "remove the empty entry", "empty column name")
		}
		if slices.Index(names, n) < i {
			return c.fail(k, "list each column once", "column %s is listed twice", quote(n))
		}
	}
	return nil
}

func (c *Config) validateModel() error {
	m := &c.Model
	if len(m.Layers) == 0 {
		return c.fail("model.layers", "list the layers, as in layers: [{units: 16, activation: tanh}, {activation: softmax}]",
			"required: at least the output layer")
	}
	last := len(m.Layers) - 1
	params, prev := 0.0, 0.0
	for i := range m.Layers {
		l := &m.Layers[i]
		key := fmt.Sprintf("model.layers[%d]", i)
		switch {
		case l.Units < 0:
			return c.fail(key+".units", "use a width such as 16", "must be at least 1, got %d", l.Units)
		case l.Units == 0 && i != last:
			return c.fail(key+".units", "give hidden layers a width such as 16; only the output layer may omit units, to infer them from the target",
				"required on a hidden layer")
		case l.Units > MaxUnits:
			return c.fail(key+".units", "use a narrower layer", "must be at most %d, got %d", MaxUnits, l.Units)
		}
		if l.Activation == "" {
			return c.fail(key+".activation", "use one of: "+activations(), "required")
		}
		if err := c.activation(key+".activation", l.Activation); err != nil {
			return err
		}
		act, _ := vocab.ActivationNamed(l.Activation)
		l.Activation = act.Name
		if act.OutputOnly && i != last {
			return c.fail(key+".activation", "use "+act.Name+" on the output layer only; hidden layers often use tanh or relu",
				"%s is allowed only on the output layer", act.Name)
		}
		if !(finite(l.Dropout) && l.Dropout >= 0 && l.Dropout < 1) {
			return c.fail(key+".dropout", "use a rate such as 0.5 (half the units dropped while training); 0 turns dropout off",
				"must be in [0, 1), got %v", l.Dropout)
		}
		if l.Dropout > 0 && i == last {
			return c.fail(key+".dropout", "put dropout on the hidden layers, or use model.input_dropout for the inputs; the output layer's units are the predictions",
				"dropout is allowed only on hidden layers")
		}
		if l.BatchNorm && i == last {
			return c.fail(key+".batch_norm", "normalize the hidden layers; the output layer's pre-activations are the logits the loss reads",
				"batch_norm is allowed only on hidden layers")
		}
		u := float64(max(l.Units, 1))
		params += prev*u + u
		prev = u
	}
	if params > MaxParams {
		return c.fail("model.layers", "use fewer or narrower layers",
			"about %.2g parameters, more than the limit of %.0g", params, float64(MaxParams))
	}
	if p := m.InputDropout; !(finite(p) && p >= 0 && p < 1) {
		return c.fail("model.input_dropout", "use a rate such as 0.2; 0 turns input dropout off", "must be in [0, 1), got %v", p)
	}
	if err := c.enum("model.loss", "loss", m.Loss, vocab.LossNames()); err != nil {
		return err
	}
	if err := c.enum("model.init", "init", m.Init, vocab.InitNames()); err != nil {
		return err
	}
	out := m.Layers[last]
	// Place a loss/output mismatch at the loss if the user chose it, else
	// at the output layer's activation.
	key, loss := "model.loss", m.Loss
	if _, chosen := c.origin[key]; !chosen {
		key, loss = fmt.Sprintf("model.layers[%d].activation", last), "the default loss, "+m.Loss+","
	}
	l, _ := vocab.LossNamed(m.Loss)
	if need := l.Requirement(out.Activation, out.Units); need != "" {
		// Show the activation alone when it is all that is wrong.
		got := out.String()
		if out.Activation != l.Output && l.Units == 0 {
			got = out.Activation
		}
		return c.fail(key, l.Fix, "%s needs %s, got %s", loss, need, got)
	}
	return nil
}

func (c *Config) validateTrain() error {
	t := &c.Train
	if err := c.enum("train.optimizer", "optimizer", t.Optimizer, vocab.OptimizerNames()); err != nil {
		return err
	}
	if !(finite(t.LearningRate) && t.LearningRate > 0) {
		return c.fail("train.learning_rate", "try 0.05, or 0.001 for adam", "must be a finite number greater than 0, got %v", t.LearningRate)
	}
	if !(t.Momentum >= 0 && t.Momentum < 1) {
		return c.fail("train.momentum", "0.9 is usual; 0 turns momentum off", "must be in [0, 1), got %v", t.Momentum)
	}
	if t.BatchSize < 0 {
		return c.fail("train.batch_size", "use 0 for the whole training set", "must be at least 0, got %d", t.BatchSize)
	}
	if t.Epochs < 0 || t.Epochs > MaxEpochs {
		return c.fail("train.epochs", "use a number such as 200; 0 saves the initial or model.weights network untrained", "must be from 0 to %d, got %d", MaxEpochs, t.Epochs)
	}
	if !(finite(t.L2) && t.L2 >= 0) {
		return c.fail("train.l2", "use 0 for no weight decay, or a small value such as 0.0001", "must be a finite number at least 0, got %v", t.L2)
	}
	if !(finite(t.WeightDecay) && t.WeightDecay >= 0) {
		return c.fail("train.weight_decay", "use 0 for no decay, or a small value such as 0.01 with adamw", "must be a finite number at least 0, got %v", t.WeightDecay)
	}
	if o, _ := vocab.OptimizerNamed(t.Optimizer); t.WeightDecay != 0 && !slices.Contains(o.Reads, "weight_decay") {
		return c.fail("train.weight_decay", "use train.l2 for weight decay with "+t.Optimizer+", or optimizer: adamw for decoupled decay",
			"the %s optimizer does not read weight_decay", t.Optimizer)
	}
	if err := c.enum("train.precision", "precision", t.Precision, precisions); err != nil {
		return err
	}
	if !(finite(t.ClipNorm) && t.ClipNorm >= 0) {
		return c.fail("train.clip_norm", "use 0 for no clipping, or a bound such as 1 or 5", "must be a finite number at least 0, got %v", t.ClipNorm)
	}
	if err := c.validateClassWeight(); err != nil {
		return err
	}
	if err := c.validateEarlyStopping(); err != nil {
		return err
	}
	if err := c.validateSchedule(); err != nil {
		return err
	}
	if t.Threads < 0 || t.Threads > MaxThreads {
		return c.fail("train.threads", "use 0 for every core; more threads than cores only add overhead",
			"must be from 0 to %d, got %d", MaxThreads, t.Threads)
	}
	if t.CheckpointEvery < 0 {
		return c.fail("train.checkpoint_every", "use 0 to checkpoint only when training stops", "must be at least 0, got %d", t.CheckpointEvery)
	}
	return nil
}

// String formats a layer as a YAML flow mapping, for messages:
// {units: 16, activation: tanh}, leaving out units when they are inferred.
func (l Layer) String() string {
	if l.Units == 0 {
		return "{activation: " + l.Activation + "}"
	}
	return fmt.Sprintf("{units: %d, activation: %s}", l.Units, l.Activation)
}

// classify reports whether the model's loss makes this a classification
// problem; validateModel has checked the loss.
func (c *Config) classify() bool {
	l, ok := vocab.LossNamed(c.Model.Loss)
	return ok && l.Classify()
}

// validateClassWeight checks train.class_weight: a known word, or
// positive finite weights; and none for regression. Whether the classes
// it names exist is known only with the data (package train checks).
func (c *Config) validateClassWeight() error {
	const key = "train.class_weight"
	w := c.Train.ClassWeight
	if w.Weights == nil {
		if w.Mode != "" && !slices.Contains(classWeightModes, w.Mode) {
			hint := classWeightHint
			if n := nearest(w.Mode, classWeightModes); n != "" {
				hint = `did you mean "` + n + `"?`
			}
			return c.fail(key, hint, "unknown class weight %s", quote(w.Mode))
		}
	} else {
		if len(w.Weights) == 0 {
			return c.fail(key, "write none for no class weights", "empty mapping")
		}
		for _, name := range slices.Sorted(maps.Keys(w.Weights)) {
			if x := w.Weights[name]; !(finite(x) && x > 0) {
				return c.fail(ClassWeightKey(name), "a weight is a positive number such as 2; 1 leaves a class as it is",
					"class %s: must be a finite number greater than 0, got %v", quote(name), x)
			}
		}
	}
	if !w.None() && !c.classify() {
		return c.fail(key, "class weights are for classification (cross_entropy, binary_cross_entropy); use none",
			"%s is a regression loss, which has no classes to weight", c.Model.Loss)
	}
	return nil
}

// validateEarlyStopping checks train.early_stopping: its metric must be
// one of the problem's kind.
func (c *Config) validateEarlyStopping() error {
	e := c.Train.EarlyStopping
	if e.Patience < 0 {
		return c.fail("train.early_stopping.patience", "use 0 to turn early stopping off", "must be at least 0, got %d", e.Patience)
	}
	if err := c.enum("train.early_stopping.metric", "early-stopping metric", e.Metric, EarlyStoppingMetrics()); err != nil {
		return err
	}
	switch classify := c.classify(); {
	case classify && e.Metric == MetricR2:
		return c.fail("train.early_stopping.metric", "use val_loss, accuracy, roc_auc or pr_auc for classification",
			"r2 is a regression metric, but %s is a classification loss", c.Model.Loss)
	case !classify && e.Metric != MetricValLoss && e.Metric != MetricR2:
		return c.fail("train.early_stopping.metric", "use val_loss or r2 for regression",
			"%s is a classification metric, but %s is a regression loss", e.Metric, c.Model.Loss)
	}
	if !(finite(e.MinDelta) && e.MinDelta >= 0) {
		return c.fail("train.early_stopping.min_delta", "use 0 to count any improvement, or a small value such as 0.001",
			"must be a finite number at least 0, got %v", e.MinDelta)
	}
	return nil
}

// validateSchedule checks train.schedule: a kind of the catalog, given the
// keys it needs (each in its range) and no key it does not read.
func (c *Config) validateSchedule() error {
	sc := c.Train.Schedule
	const prefix = "train.schedule."
	if err := c.enum(prefix+"kind", "schedule", sc.Kind, vocab.ScheduleNames()); err != nil {
		return err
	}
	if sc.WarmupEpochs < 0 {
		return c.fail(prefix+"warmup_epochs", "use 0 for no warmup, or a few epochs such as 5", "must be at least 0, got %d", sc.WarmupEpochs)
	}
	spec, _ := vocab.ScheduleNamed(sc.Kind)
	given := map[string]bool{
		"step_epochs": sc.StepEpochs != 0,
		"gamma":       sc.Gamma != 0,
		"min_lr":      sc.MinLR != 0,
		"patience":    sc.Patience != 0,
	}
	example := map[string]string{"step_epochs": "step_epochs: 30", "gamma": "gamma: 0.1", "patience": "patience: 10"}
	for _, key := range vocab.ScheduleKeys {
		needs, takes := slices.Contains(spec.Needs, key), slices.Contains(spec.Takes, key)
		switch {
		case needs && !given[key]:
			return c.fail(prefix+key, fmt.Sprintf("the %s schedule needs %s, as in {kind: %s, %s}", sc.Kind, key, sc.Kind, strings.Join(needExamples(spec, example), ", ")),
				"required by kind %s", sc.Kind)
		case given[key] && !needs && !takes:
			return c.fail(prefix+key, fmt.Sprintf("remove it: the %s schedule reads %s", sc.Kind, readList(spec)),
				"the %s schedule does not read %s", sc.Kind, key)
		}
	}
	lr := c.Train.LearningRate
	switch {
	case sc.StepEpochs < 0:
		return c.fail(prefix+"step_epochs", "use the epochs between two steps, such as 30", "must be at least 1, got %d", sc.StepEpochs)
	case !finite(sc.Gamma) || sc.Gamma < 0 || sc.Gamma > 1 || (sc.Kind == "plateau" && sc.Gamma == 1):
		max := "1]"
		if sc.Kind == "plateau" {
			max = "1)"
		}
		return c.fail(prefix+"gamma", "a factor such as 0.1 (step, plateau) or 0.95 (exponential)", "must be in (0, %s, got %v", max, sc.Gamma)
	case !finite(sc.MinLR) || sc.MinLR < 0 || sc.MinLR >= lr:
		return c.fail(prefix+"min_lr", fmt.Sprintf("use 0, or a floor below train.learning_rate (%v)", lr), "must be in [0, %v), got %v", lr, sc.MinLR)
	case sc.Patience < 0:
		return c.fail(prefix+"patience", "use the epochs without improvement to wait, such as 10", "must be at least 1, got %d", sc.Patience)
	}
	if sc.Kind == "plateau" {
		if f, ok := c.Data.ValidationFraction(); ok && f == 0 {
			return c.fail(prefix+"kind", "the plateau schedule watches the validation loss: set data.validation (such as 0.2), or use another kind",
				"plateau needs validation data, but data.validation is 0")
		}
	}
	return nil
}

// needExamples returns an example setting of each key spec needs.
func needExamples(spec vocab.Schedule, example map[string]string) []string {
	var out []string
	for _, k := range spec.Needs {
		out = append(out, example[k])
	}
	return out
}

// readList names the keys a schedule reads besides kind, for hints.
func readList(spec vocab.Schedule) string {
	keys := append(append([]string{"warmup_epochs"}, spec.Needs...), spec.Takes...)
	return strings.Join(keys, ", ")
}
