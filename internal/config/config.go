package config

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that Validate enforces.
const (
	// MaxUnits is the largest number of units a layer may have.
	MaxUnits = 1_000_000
	// MaxParams is the largest parameter count a model may have, estimated
	// from the layer widths alone (the input width is unknown to the config).
	MaxParams = 100_000_000
	// MaxEpochs is the largest value of train.epochs.
	MaxEpochs = 10_000_000
	// MaxPolynomial is the largest degree of data.feature_map.polynomial.
	MaxPolynomial = 10
	// MaxThreads is the largest value of train.threads, which sets
	// GOMAXPROCS: each P costs the runtime tens of KB and may start an OS
	// thread, so a million took 15 GB and ten thousand failed in
	// pthread_create. The limit is fixed rather than a multiple of this
	// machine's cores so that a config is valid or not on every machine it
	// is shared with; 256 covers the cores of nearly any one machine, and
	// 0 uses every core whatever their number.
	MaxThreads = 256
	// MaxLevels is the largest value of data.max_categories, and the most
	// distinct levels a categorical column may have when it is set
	// (data.MaxLevels).
	MaxLevels = 100_000
	// MaxLevelsDefault is the most levels a categorical column may have
	// when data.max_categories is 0: more, and it is most likely an id.
	MaxLevelsDefault = 1000
	// DefaultShuffleBuffer is data.shuffle_buffer's default.
	DefaultShuffleBuffer = 65536
)

// EnvPrefix starts the name of every environment variable that sets a key:
// train.epochs is set by MLPTRAIN_TRAIN_EPOCHS.
const EnvPrefix = "MLPTRAIN"

// Config is a resolved mlptrain configuration: defaults, then the config
// file, then MLPTRAIN_* environment variables, then flags. Its YAML tags
// are the config file's keys, and the package's key table is derived from
// them by reflection.
type Config struct {
	Data   Data   `yaml:"data"`
	Model  Model  `yaml:"model"`
	Train  Train  `yaml:"train"`
	Output Output `yaml:"output"`

	// Name is the config file's base name without its extension
	// ("configs/iris.yaml" gives "iris"), for plot titles and the default
	// output directory.
	Name string `yaml:"-"`
	// File is the config file's path as the user gave it, for messages.
	File string `yaml:"-"`

	// origin records where each key's value came from, so that Validate
	// can point at the line, variable or flag at fault.
	origin map[string]origin
	// sections holds the key node of every mapping given in the file
	// ("data", "model.layers[0]"), to place errors about missing keys.
	sections map[string]*yaml.Node
}

// Data says where the examples come from and how they are prepared.
// Relative paths are relative to the current directory, not to the config
// file, and are kept exactly as written.
type Data struct {
	// Train is the training CSV, with a header row. Required.
	Train string `yaml:"train"`
	// Validation is either a fraction in [0, 1) of Train to hold out
	// (seeded), or the path of a validation CSV. It is kept as the YAML
	// scalar's text; see ValidationFraction. A path that looks like a
	// number must be written with a directory, as in ./0.5.
	Validation string `yaml:"validation"`
	// Test is an optional test CSV.
	Test string `yaml:"test"`
	// Target names the target column, or several for multi-output
	// regression. Required.
	Target Targets `yaml:"target"`
	// Features names the input columns; empty means every column but the
	// targets.
	Features []string `yaml:"features"`
	// Delimiter is the CSV field separator, one character. A tab may
	// also be written \t (in any quotes, or none) or tab; see
	// DelimiterText. Left unset, it is "," or, for a data.train named
	// .tsv or .tsv.gz, a tab, for every file of the config.
	Delimiter string `yaml:"delimiter"`
	// Normalize is standardize, minmax or none.
	Normalize string `yaml:"normalize"`
	// FeatureMap is applied to the numeric inputs before normalization.
	FeatureMap FeatureMap `yaml:"feature_map"`
	// Ignore names columns that are never features (ids, free text).
	Ignore []string `yaml:"ignore"`
	// Categorical names columns read as categories although their cells
	// are numbers (codes: month, zip). A column with any cell that is not
	// a number and not missing is categorical without being listed.
	Categorical []string `yaml:"categorical"`
	// Missing lists the cells read as missing.
	Missing []string `yaml:"missing"`
	// Impute is the value of a missing numeric cell: mean, median or zero
	// of the column in the training split.
	Impute string `yaml:"impute"`
	// MissingIndicator adds a 0/1 input for each numeric feature that had
	// missing cells in training.
	MissingIndicator bool `yaml:"missing_indicator"`
	// MaxCategories keeps the MaxCategories−1 most frequent levels of a
	// categorical column and "(other)"; 0 keeps every level seen in
	// training (up to MaxLevelsDefault).
	MaxCategories int `yaml:"max_categories"`
	// NormalizeTarget is none or standardize (regression): the model is
	// trained on standardized targets; predictions and metrics are in
	// the original units.
	NormalizeTarget string `yaml:"normalize_target"`
	// Decimal is the decimal separator of numbers: "." or ",".
	Decimal string `yaml:"decimal"`
	// Stream trains from a file larger than memory: it is read a row at a
	// time, each epoch, through a shuffle buffer of ShuffleBuffer rows
	// (package train's stream.go).
	Stream bool `yaml:"stream,omitempty"`
	// ShuffleBuffer is the number of rows the stream's shuffle buffer
	// holds, at least train.batch_size (with Stream).
	ShuffleBuffer int `yaml:"shuffle_buffer,omitempty"`
}

// FeatureMap describes the map ψ(x) applied to the inputs.
type FeatureMap struct {
	// Polynomial is the degree D: all monomials of the inputs up to degree
	// D. 1 means x itself.
	Polynomial int `yaml:"polynomial"`
	// InteractionsOnly keeps only the products of distinct inputs, with no
	// powers: degree 2 on (x1, x2) gives (x1, x2, x1·x2).
	InteractionsOnly bool `yaml:"interactions_only"`
}

// Model describes the network and what it minimizes.
type Model struct {
	// Layers lists the layers in order; the last one is the output layer.
	// Required: there is no default architecture.
	Layers []Layer `yaml:"layers"`
	// Loss names a loss of the catalog (internal/vocab), such as
	// cross_entropy.
	Loss string `yaml:"loss"`
	// Init names an initialization of the catalog, such as xavier.
	Init string `yaml:"init"`
	// Weights is an optional file of explicit weights and biases.
	Weights string `yaml:"weights"`
	// InputDropout is the rate of inverted dropout on the inputs while
	// training, in [0, 1); 0 turns it off. Left out of the YAML when 0,
	// so that configs written before it existed keep their text.
	InputDropout float64 `yaml:"input_dropout,omitempty"`
}

// Layer is one dense layer followed by its activation.
type Layer struct {
	// Units is the layer's width. 0 (or omitted) means "infer from the
	// target", which only the output layer may do.
	Units int `yaml:"units,omitempty"`
	// Activation names an activation of the catalog (internal/vocab), such
	// as tanh; some are for the output layer only (softmax). Validate
	// replaces an alias (sigmoid) with the canonical name (logistic).
	Activation string `yaml:"activation"`
	// Dropout is the rate p of inverted dropout on the layer's output
	// while training (kept units scaled by 1/(1−p)), in [0, 1); hidden
	// layers only. Left out of the YAML when 0.
	Dropout float64 `yaml:"dropout,omitempty"`
	// BatchNorm normalizes the layer's pre-activation z over the batch
	// before the activation (hidden layers only), with a learnable scale
	// and shift that replace the bias. Left out of the YAML when false.
	BatchNorm bool `yaml:"batch_norm,omitempty"`
}

// Train holds the optimization settings.
type Train struct {
	// Optimizer names an optimizer of the catalog (internal/vocab), such as
	// sgd.
	Optimizer string `yaml:"optimizer"`
	// LearningRate is the step size, finite and > 0.
	LearningRate float64 `yaml:"learning_rate"`
	// Momentum is in [0, 1).
	Momentum float64 `yaml:"momentum"`
	// BatchSize is the minibatch size; 0 means the whole training set.
	BatchSize int `yaml:"batch_size"`
	// Epochs is the number of passes over the training set.
	Epochs int `yaml:"epochs"`
	// L2 is the weight-decay coefficient, ≥ 0.
	L2 float64 `yaml:"l2"`
	// WeightDecay is adamw's decoupled weight decay λ, ≥ 0: each step
	// first sets W ← W − α·λ·W (weights, not biases). Only adamw reads
	// it; the others take l2.
	WeightDecay float64 `yaml:"weight_decay"`
	// ClipNorm, when > 0, scales the gradient down before each step so
	// that its L2 norm over all parameters is at most ClipNorm; 0 is off.
	ClipNorm float64 `yaml:"clip_norm"`
	// Precision is the float type of training and of the model's
	// evaluation: float64 or float32 (weights, activations, gradients and
	// optimizer state; losses and metrics accumulate in float64).
	// Gradient checks always run in float64.
	Precision string `yaml:"precision"`
	// ClassWeight weights each training row's loss by its class
	// (classification only): none, balanced, or weights by class name.
	ClassWeight ClassWeight `yaml:"class_weight"`
	// Seed seeds every random stream.
	Seed uint64 `yaml:"seed"`
	// EarlyStopping stops training when a validation metric stalls.
	EarlyStopping EarlyStopping `yaml:"early_stopping"`
	// Schedule sets the learning rate of each epoch. (It comes after
	// early_stopping so that a hint for a misplaced patience names
	// early_stopping's first.)
	Schedule Schedule `yaml:"schedule"`
	// Threads bounds the worker goroutines (it sets GOMAXPROCS), at most
	// MaxThreads; 0 means every core.
	Threads int `yaml:"threads"`
	// CheckpointEvery writes checkpoint.json every this many epochs; 0
	// writes it only when training stops.
	CheckpointEvery int `yaml:"checkpoint_every"`
}

// Schedule sets the learning rate of each epoch from train.learning_rate
// α: Kind names a schedule of the catalog (internal/vocab), which says
// which of the other keys it needs and which it takes. A key left 0 is not
// given, and YAML leaves it out.
type Schedule struct {
	// Kind is constant, step, exponential, cosine or plateau.
	Kind string `yaml:"kind"`
	// WarmupEpochs, any kind: epoch e = 1..WarmupEpochs trains at α·e/
	// WarmupEpochs, and the schedule starts after them.
	WarmupEpochs int `yaml:"warmup_epochs,omitempty"`
	// StepEpochs, step only: α is multiplied by Gamma every StepEpochs
	// epochs.
	StepEpochs int `yaml:"step_epochs,omitempty"`
	// Gamma is the factor of step, exponential and plateau.
	Gamma float64 `yaml:"gamma,omitempty"`
	// MinLR is the floor of cosine and plateau, in [0, α).
	MinLR float64 `yaml:"min_lr,omitempty"`
	// Patience, plateau only: the epochs without a lower validation loss
	// after which α is multiplied by Gamma.
	Patience int `yaml:"patience,omitempty"`
}

// EarlyStopping configures stopping on a stalled validation metric.
type EarlyStopping struct {
	// Patience is the number of epochs without improvement before
	// stopping; 0 turns early stopping off.
	Patience int `yaml:"patience"`
	// Metric is the validation metric watched: val_loss (the default),
	// accuracy, roc_auc or pr_auc (classification), or r2 (regression);
	// see EarlyStoppingMetrics.
	Metric string `yaml:"metric"`
	// MinDelta is the least change that counts as an improvement, ≥ 0:
	// val_loss must fall, the other metrics rise, by more than MinDelta.
	MinDelta float64 `yaml:"min_delta"`
}

// Early-stopping metrics: the values of train.early_stopping.metric.
const (
	MetricValLoss  = "val_loss"
	MetricAccuracy = "accuracy"
	MetricROCAUC   = "roc_auc"
	MetricPRAUC    = "pr_auc"
	MetricR2       = "r2"
)

// EarlyStoppingMetrics returns the values train.early_stopping.metric
// takes, in the order of the documentation.
func EarlyStoppingMetrics() []string {
	return []string{MetricValLoss, MetricAccuracy, MetricROCAUC, MetricPRAUC, MetricR2}
}

// Lower reports whether a lower value of the early-stopping metric m is
// better (val_loss); for the others a higher value is.
func (e EarlyStopping) Lower() bool { return e.Metric == MetricValLoss || e.Metric == "" }

// Output says where the run folder goes.
type Output struct {
	// Dir is the run folder. Parse and Load set it to runs/<Name> when it
	// is empty.
	Dir string `yaml:"dir"`
}

// Targets is one or more target column names. In YAML it is a string or a
// list of strings; in an environment variable or --set it is a list as
// Keys describes: [y1, y2], or y1,y2, or y alone.
type Targets []string

// UnmarshalYAML accepts a string or a list of strings. It returns an error
// for any other node.
func (t *Targets) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		var s string
		if err := n.Decode(&s); err != nil {
			return err
		}
		*t = Targets{s}
		return nil
	case yaml.SequenceNode:
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		*t = l
		return nil
	}
	return fmt.Errorf("line %d: expected a column name or a list of column names", n.Line)
}

// MarshalYAML writes a single target as a string and several as a list.
func (t Targets) MarshalYAML() (any, error) {
	if len(t) == 1 {
		return t[0], nil
	}
	return []string(t), nil
}

// Default returns the defaults of INTERFACE.md. It sets no training file,
// target or layers, which have no defaults, and leaves Output.Dir empty,
// which Parse turns into runs/<config name>. Default itself does not pass
// Validate.
func Default() Config {
	return Config{
		Data: Data{
			Validation:      "0.2",
			Delimiter:       ",",
			Normalize:       "standardize",
			FeatureMap:      FeatureMap{Polynomial: 1},
			Missing:         []string{"", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"},
			Impute:          "mean",
			NormalizeTarget: "none",
			Decimal:         ".",
			ShuffleBuffer:   DefaultShuffleBuffer,
		},
		Model: Model{
			Loss: "cross_entropy",
			Init: "xavier",
		},
		Train: Train{
			Optimizer:       "sgd",
			Precision:       PrecisionFloat64,
			LearningRate:    0.05,
			Momentum:        0.9,
			BatchSize:       32,
			Epochs:          200,
			L2:              0,
			Schedule:        Schedule{Kind: "constant"},
			Seed:            1,
			ClassWeight:     ClassWeight{Mode: ClassWeightNone},
			EarlyStopping:   EarlyStopping{Patience: 0, Metric: MetricValLoss, MinDelta: 0},
			Threads:         0,
			CheckpointEvery: 1,
		},
	}
}

// The values of train.precision.
const (
	PrecisionFloat64 = "float64"
	PrecisionFloat32 = "float32"
)

// precisions are the values train.precision takes.
var precisions = []string{PrecisionFloat64, PrecisionFloat32}

// ValidationFraction returns the validation fraction and true when
// Validation is a number, or 0 and false when it is a path. It does not
// check the range; Validate does.
func (d Data) ValidationFraction() (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(d.Validation), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// ValidationPath returns the validation CSV's path, or "" when Validation
// is a fraction.
func (d Data) ValidationPath() string {
	if _, ok := d.ValidationFraction(); ok {
		return ""
	}
	return d.Validation
}

// Keys returns every key that an environment variable or --set can set, as
// dotted names in the order of the config file ("data.train", ...,
// "output.dir"). The lists, every key of type []string (data.features) and
// data.target, take a YAML flow sequence ([a, b], [], ["a,b", c]) or names
// separated by commas (a,b, or a alone); model.layers is not among them.
func Keys() []string {
	keys := make([]string, 0, len(settable))
	for _, f := range settable {
		keys = append(keys, f.key)
	}
	return keys
}

// EnvVar returns the environment variable that sets key: MLPTRAIN_ and the
// key in upper case with dots replaced by underscores
// (train.epochs gives MLPTRAIN_TRAIN_EPOCHS).
func EnvVar(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// YAML returns the configuration as a YAML document with 2-space
// indentation, suitable for the run folder's config.yaml. Parsing it gives
// back the same configuration. It returns an error only if encoding fails.
func (c *Config) YAML() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("config: encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("config: encode yaml: %w", err)
	}
	return b.Bytes(), nil
}

// baseName returns the config name that path gives: its base name without
// the extension, or "config" when that is empty.
func baseName(path string) string {
	base := filepath.Base(path)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	if name == "" || name == "." || name == ".." || base == "." || base == string(filepath.Separator) {
		return "config"
	}
	return name
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
