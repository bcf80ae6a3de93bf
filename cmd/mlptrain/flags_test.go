package main

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// textFlags are the flags whose values are not numbers, by name; their
// errors are tested with their commands.
var textFlags = []string{"set", "out", "resume", "delimiter", "output", "grid", "range", "fail-under", "fail-over", "keep", "by", "format", "shard"}

// configBad are bad values of the config keys that shorthand flags set,
// by key; config.Load refuses them. nil marks a key whose value is text.
var configBad = map[string][]string{
	"train.epochs":        {"-5", "ten", "1.5"},
	"train.seed":          {"-1", "abc"},
	"train.learning_rate": {"0", "-0.1", "NaN", "abc"},
	"train.batch_size":    {"-1", "1.5"},
	"output.dir":          nil,
}

// commandArgs are the arguments that let each command get as far as its
// flags' checks.
func commandArgs(path, out string) []string {
	switch path {
	case "mlptrain fit", "mlptrain gradcheck", "mlptrain graph":
		return []string{"configs/xor.yaml"}
	case "mlptrain sweep":
		return []string{"configs/xor.yaml", "--grid", "train.l2=0,0.1", "--out", out}
	case "mlptrain cv":
		return []string{"configs/xor.yaml", "--folds", "2", "--out", out}
	case "mlptrain export":
		return []string{"model.json"}
	case "mlptrain eval", "mlptrain predict":
		return []string{"model.json", "data.csv"}
	}
	return nil
}

// allCommands returns c and every command below it.
func allCommands(c *cobra.Command) []*cobra.Command {
	list := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		list = append(list, allCommands(sub)...)
	}
	return list
}

// badValues returns the values that the flag f must refuse, and whether f
// takes numbers at all; ok is false for a numeric flag registered so that
// nothing checks its value.
func badValues(t *testing.T, f interface{ Type() string }, name string, annotations map[string][]string) (bad []string, numeric, ok bool) {
	switch v := f.(type) {
	case *intValue:
		below := v.min - 1
		if v.except == below {
			below--
		}
		bad = []string{"abc", "1.5", "", strconv.Itoa(below), "99999999999999999999"}
		if v.max < math.MaxInt {
			bad = append(bad, strconv.Itoa(v.max+1))
		}
		return bad, true, true
	case *floatValue:
		bad = []string{"abc", "", "NaN", "Inf", "-Inf", "1e999"}
		if v.atMin {
			bad = append(bad, strconv.FormatFloat(math.Nextafter(v.min, math.Inf(-1)), 'g', -1, 64))
		} else {
			bad = append(bad, strconv.FormatFloat(v.min, 'g', -1, 64))
		}
		return bad, true, true
	case *shapeValue:
		return []string{"abc", "16", "0x4", "4x0", "-1x4", "4x1.5", "100000000x100000000"}, true, true
	case *memoryFlag:
		return []string{"lots", "", "-1GB", "0", "12XB", "1e30GB", "GB"}, true, true
	}
	if f.Type() == "bool" {
		return nil, false, true
	}
	if keys := annotations[configKeyAnnotation]; len(keys) == 1 {
		bad, known := configBad[keys[0]]
		if !known {
			t.Errorf("--%s sets the config key %s: add it to configBad, with bad values if it is a number", name, keys[0])
		}
		return bad, bad != nil, true
	}
	return nil, false, slices.Contains(textFlags, name)
}

// TestNumericFlags goes through every flag of every command: each one that
// takes a number must refuse bad values (not numbers, out of range) with
// exit status 2 and one line that names it, as config.Load refuses a bad
// --epochs, before any work. A new flag fails here until it is a checked
// number (intFlag, floatFlag, shapeFlag, or a config shorthand with bad
// values in configBad) or a text flag listed in textFlags.
func TestNumericFlags(t *testing.T) {
	chdirRoot(t)
	root := newRootCmd(io.Discard, io.Discard)
	checked := 0
	for _, c := range allCommands(root) {
		for _, f := range collect(c.Flags().VisitAll) {
			bad, numeric, ok := badValues(t, f.Value, f.Name, f.Annotations)
			if !ok {
				t.Errorf("%s --%s (%s): not a checked number (register it with intFlag, floatFlag or shapeFlag) nor a text flag (add it to textFlags)", c.CommandPath(), f.Name, f.Value.Type())
				continue
			}
			if !numeric {
				continue
			}
			checked++
			for _, val := range bad {
				name := c.Name() + " --" + f.Name + "=" + val
				t.Run(name, func(t *testing.T) {
					out := filepath.Join(t.TempDir(), "out")
					args := append(strings.Fields(c.CommandPath())[1:], commandArgs(c.CommandPath(), out)...)
					if c.Name() == "fit" {
						args = append(args, "--out", out)
					}
					args = append(args, "--"+f.Name+"="+val)
					r := runCLI(t, args...)
					if r.code != exitInput {
						t.Fatalf("mlptrain %s: exit status %d, want %d\nstderr:\n%s", strings.Join(args, " "), r.code, exitInput, r.stderr)
					}
					checkStderr(t, r.stderr, false, false)
					if want := "mlptrain: --" + f.Name + ": "; !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "(hint: ") {
						t.Errorf("stderr = %q, want it to start with %q and to have a hint", r.stderr, want)
					}
					if r.stdout != "" {
						t.Errorf("stdout = %q, want empty", r.stdout)
					}
					if _, err := os.Stat(out); err == nil {
						t.Errorf("%s was written before the flag was checked", out)
					}
				})
			}
		}
	}
	if checked < 10 {
		t.Errorf("%d numeric flags checked; the commands have more", checked)
	}
}

// TestNumericFlagsAccept checks that each numeric flag takes the values at
// the edges of its range, and its default.
func TestNumericFlagsAccept(t *testing.T) {
	for _, c := range allCommands(newRootCmd(io.Discard, io.Discard)) {
		for _, f := range collect(c.Flags().VisitAll) {
			var good []string
			switch v := f.Value.(type) {
			case *intValue:
				good = []string{strconv.Itoa(v.min), strconv.Itoa(v.min + 1), " " + strconv.Itoa(v.min) + " "}
				if v.except != 0 {
					good = append(good, strconv.Itoa(v.except))
				}
				if v.max < math.MaxInt {
					good = append(good, strconv.Itoa(v.max))
				}
			case *floatValue:
				good = []string{"1e300", strconv.FormatFloat(math.Nextafter(v.min, math.Inf(1)), 'g', -1, 64)}
				if v.atMin {
					good = append(good, strconv.FormatFloat(v.min, 'g', -1, 64))
				}
			case *shapeValue:
				good = []string{"1x1", "16x4", "3X2", strconv.Itoa(maxRandomEntries) + "x1"}
			case *memoryFlag:
				good = []string{"16GiB", "1.5 GB", "500mb", "1024", "none", "auto"}
			default:
				continue
			}
			good = append(good, f.DefValue)
			for _, val := range good {
				if val == "" {
					continue
				}
				if err := f.Value.Set(val); err != nil {
					t.Errorf("%s --%s=%q: %v, want it accepted", c.CommandPath(), f.Name, val, err)
				}
			}
		}
	}
}

// collect returns what visitAll visits: the flags of a flag set, from its
// VisitAll (without naming pflag, which cobra brings in).
func collect[F any](visitAll func(func(F))) []F {
	var list []F
	visitAll(func(f F) { list = append(list, f) })
	return list
}
