// Package config turns a YAML config file, MLPTRAIN_* environment variables
// and command-line overrides into a plain Config, checks it, and reports
// every mistake as an *inputerr.Error that names the file and line, the
// variable or the flag. No viper or yaml type leaves the package.
//
// # Precedence
//
// Each layer overrides the ones above it:
//
//  1. Default(), the defaults of INTERFACE.md. data.train, data.target
//     and model.layers have none and must be given.
//  2. The config file (Load, or Parse on its text).
//  3. Environment variables: MLPTRAIN_ and the dotted key in upper case
//     with dots turned into underscores. A variable set to the empty
//     string counts as unset.
//  4. Overrides: the command line's --set key=value and its shorthands
//     (--epochs, --seed, --lr, --batch-size, --out), passed as []Override.
//     Naming one key twice is an error, because one of the two would
//     otherwise be silently lost.
//
// A key that is absent from the file, or present with an empty value
// ("epochs:" or "epochs: ~"), keeps the value from the layer below; so does
// a section with nothing under it. After the four layers, an empty
// output.dir becomes runs/<config name>, and Validate runs.
//
// # Keys
//
// One key has three spellings:
//
//	file                        environment                  flag
//	train:                      MLPTRAIN_TRAIN_EPOCHS=77     --set train.epochs=77
//	  epochs: 77                                             --epochs 77
//
// Keys lists every key that the environment and --set can set, and
// Config.Value reads one by its dotted name. Values there are parsed
// strictly by the key's type: whole numbers in decimal, numbers as
// strconv.ParseFloat reads them, booleans as true or false (in any case;
// not 1, 0, yes or no), and every list of column names (data.target and
// any key of type []string, such as data.features) as a YAML flow
// sequence, [a, b] or [] or ["a,b", c], or as names separated by commas,
// a,b or a alone; train.class_weight (ClassWeight) as a word, none or
// balanced, or a YAML flow mapping of class names to weights,
// {a: 2, b: 1}. model.layers, a list of mappings, cannot be set as a
// whole, but its items can, by index from 0: model.layers.0.units=64 (or
// model.layers[0].units), model.layers.1.activation=relu, as
// MLPTRAIN_MODEL_LAYERS_0_UNITS in the environment. Two more keys reshape
// it (ShapeKeys): model.depth=N keeps the first N hidden layers, or
// repeats the last hidden layer up to N, before the output layer;
// model.width=N sets the units of every hidden layer. Within the
// environment, and within the flags, model.depth is applied first, then
// model.width, then the items by index, so model.depth=3 and
// model.layers.2.units=64 may be given in either order. An index past
// the last layer is an error saying how many layers the config has.
//
// # Environment
//
// Parse reads every variable of the process environment whose name
// starts with MLPTRAIN_, in any case, and each must set a key: one that is
// misspelt (MLPTRAIN_TRAIN_LEARNING_RAT), names a section
// (MLPTRAIN_TRAIN_EARLY_STOPPING) or model.layers, or is in the wrong case
// is an error naming the variable, with the nearest key's variable as the
// hint, just as --set of the same key is an error; values are parsed by
// the same code as --set's. The one exception is ProgramVars, the
// variables of mlptrain's benchmark script and tests:
//
//	MLPTRAIN_BENCH_DATA                  bench/run.sh, BenchmarkReadFileRef: the reference CSV
//	MLPTRAIN_BENCH_PEERS                 bench/run.sh: the folder of peers.py and gendata.py
//	MLPTRAIN_TEST_ATOMIC_KILL_DIR        internal/atomicfile's TestWriteKilled, in its child
//	MLPTRAIN_TEST_ATOMIC_KILL_DIR_READY  the same
//
// The environment is listed with os.Environ rather than looked up key by
// key (as viper does), because only a list shows the variables that set
// no key.
//
// The schema, that is which keys exist, what they hold and which are
// sections, is derived by reflection from Config's yaml tags, so the file
// format, Keys, Value and the environment variables cannot drift apart.
// configs/reference.yaml shows every key with its default, and a test
// keeps it in step.
//
// # Paths
//
// data.train, data.validation (when not a fraction), data.test,
// model.weights and output.dir are kept exactly as written. Relative paths
// are relative to the current directory of the process, as if given on the
// command line, not to the config file's folder.
//
// # Errors
//
// File errors carry the line and column of the offending YAML node and the
// dotted key, list elements counted from 0:
//
//	iris.yaml:12:3: train.learning_rat: unknown key (hint: did you mean "learning_rate"?)
//	iris.yaml:14:11: train.epochs: expected a whole number, got 10.7 (hint: write a whole number such as 200)
//	iris.yaml:9:20: model.layers[1].activation: the default loss, cross_entropy, needs a softmax output layer, got identity (hint: use {activation: softmax} or loss: squared_error)
//
// Environment errors name the variable and flag errors the flag:
//
//	MLPTRAIN_TRAIN_EPOCHS: expected a whole number, got "ten" (hint: write a whole number such as 200)
//	MLPTRAIN_TRAIN_LEARNING_RAT: unknown key "train.learning_rat" (hint: did you mean MLPTRAIN_TRAIN_LEARNING_RATE, for train.learning_rate?)
//	--set train.epochs: train.epochs is given twice, by --epochs and by --set train.epochs=5 (hint: give each key once)
//
// The file is checked in two passes. A walk of the yaml.Node tree against
// the schema finds unknown keys, duplicate keys, mappings where values
// belong and the reverse, and values of the wrong type (a fraction for a
// whole number, which yaml.v3 would truncate, or a negative seed). Then a
// strict decode (yaml.v3 with KnownFields) fills the Config; any error it
// still reports, which carries only a line, is matched back to a node for
// its column and key. YAML syntax errors carry the line yaml.v3 reports,
// which may be the line before the mistake; tabs, control characters and
// unknown anchors are located exactly.
package config
