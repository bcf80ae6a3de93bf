package config

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Class-weight modes: the words train.class_weight takes.
const (
	ClassWeightNone     = "none"
	ClassWeightBalanced = "balanced"
)

// classWeightModes are the words train.class_weight accepts.
var classWeightModes = []string{ClassWeightNone, ClassWeightBalanced}

// classWeightHint is the hint for a train.class_weight that cannot be read.
const classWeightHint = "write none, balanced, or a mapping of class names to weights such as {a: 2, b: 1}"

// ClassWeight is train.class_weight: none, balanced, or a weight for each
// named class. In YAML it is one of the words or a mapping of class names
// to positive finite weights ({spam: 5, ham: 1}); an environment variable
// or --set gives the word or the mapping in YAML flow syntax.
type ClassWeight struct {
	// Mode is ClassWeightNone or ClassWeightBalanced when Weights is nil;
	// "" counts as none.
	Mode string
	// Weights, when not nil, holds the weight of each class it names;
	// the classes it does not name have weight 1. Class names are kept
	// as written: a YAML key 01 is the class "01".
	Weights map[string]float64
}

// None reports whether w weights every class 1 by saying so: none, or
// nothing. A mapping of ones is not None, though it changes nothing.
func (w ClassWeight) None() bool {
	return w.Weights == nil && (w.Mode == "" || w.Mode == ClassWeightNone)
}

// Balanced reports whether w is balanced.
func (w ClassWeight) Balanced() bool { return w.Weights == nil && w.Mode == ClassWeightBalanced }

// String returns w as an environment variable or --set gives it: the word,
// or the mapping in YAML flow syntax with its class names sorted
// ({a: 2, b: 1}).
func (w ClassWeight) String() string {
	if w.Weights == nil {
		return w.Mode
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, name := range slices.Sorted(maps.Keys(w.Weights)) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(flowKey(name))
		b.WriteString(": ")
		b.WriteString(strconv.FormatFloat(w.Weights[name], 'g', -1, 64))
	}
	b.WriteByte('}')
	return b.String()
}

// flowKey writes a class name as a YAML flow mapping key that reads back
// as the same text: plain when YAML would read it as that string, else
// double-quoted.
func flowKey(name string) string {
	var n yaml.Node
	if name != "" && !strings.ContainsAny(name, ",:{}[]#&*!|>'\"%@`") &&
		yaml.Unmarshal([]byte(name), &n) == nil && len(n.Content) == 1 &&
		n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Value == name && n.Content[0].Style == 0 {
		return name
	}
	return strconv.Quote(name)
}

// UnmarshalYAML reads a word or a mapping of class names to numbers. The
// loader has checked the node first (Parse's positioned errors); this
// returns an error for anything else.
func (w *ClassWeight) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		var s string
		if err := n.Decode(&s); err != nil {
			return err
		}
		*w = ClassWeight{Mode: s}
		return nil
	case yaml.MappingNode:
		m := make(map[string]float64, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			name, _, _, err := classWeightEntry(n.Content[i], n.Content[i+1], m)
			if err != nil {
				return fmt.Errorf("line %d: %w", n.Content[i].Line, err)
			}
			var x float64
			if err := n.Content[i+1].Decode(&x); err != nil {
				return err
			}
			m[name] = x
		}
		*w = ClassWeight{Weights: m}
		return nil
	}
	return fmt.Errorf("line %d: expected %s", n.Line, kindClassWeight.describe())
}

// MarshalYAML writes the word, or the mapping with its class names sorted.
func (w ClassWeight) MarshalYAML() (any, error) {
	if w.Weights == nil {
		return w.Mode, nil
	}
	return w.Weights, nil
}

// classWeightEntry checks one entry k: v of a class_weight mapping, whose
// entries so far are seen, and returns the class name. On error it returns
// a hint, and whether the fault is the key's rather than the value's.
func classWeightEntry(k, v *yaml.Node, seen map[string]float64) (name, hint string, onKey bool, err error) {
	switch {
	case k.Kind != yaml.ScalarNode || customTag(k) || k.ShortTag() == mergeTag:
		return "", "write one class name per entry, as in {a: 2, b: 1}", true, fmt.Errorf("expected a class name, got %s", describeNode(k))
	case strings.TrimSpace(k.Value) == "":
		return "", "write a class name before the colon", true, errors.New("empty class name")
	}
	name = k.Value
	if _, dup := seen[name]; dup {
		return name, "give each class once", true, fmt.Errorf("class %s is given twice", quote(name))
	}
	for i := 0; v.Kind == yaml.AliasNode && v.Alias != nil && i < maxDepth; i++ {
		v = v.Alias
	}
	var x float64
	if v.Kind != yaml.ScalarNode || customTag(v) || (v.ShortTag() != "!!int" && v.ShortTag() != "!!float") || v.Decode(&x) != nil {
		return name, "write a positive number such as 2", false, fmt.Errorf("expected a number, got %s", describeNode(v))
	}
	return name, "", false, nil
}

// parseClassWeight reads train.class_weight as an environment variable
// or --set gives it: a mapping in YAML flow syntax ({a: 2, b: 1}), or a
// word, which Validate checks. On error it returns a hint.
func parseClassWeight(s string) (ClassWeight, string, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") {
		return ClassWeight{Mode: t}, "", nil
	}
	dec := yaml.NewDecoder(strings.NewReader(t))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		_, msg := splitLine(err.Error())
		if r := []rune(msg); len(r) > 100 {
			msg = string(r[:100]) + "..."
		}
		return ClassWeight{}, classWeightHint, fmt.Errorf("invalid mapping %s: %s", quote(t), msg)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return ClassWeight{}, classWeightHint, fmt.Errorf("invalid mapping %s: text after the closing brace", quote(t))
	}
	n := doc.Content[0]
	if n.Kind != yaml.MappingNode {
		return ClassWeight{}, classWeightHint, fmt.Errorf("invalid mapping %s: got %s", quote(t), describeNode(n))
	}
	if len(n.Content) == 0 {
		return ClassWeight{}, "write none for no class weights", fmt.Errorf("empty mapping %s", quote(t))
	}
	m := make(map[string]float64, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, hint, _, err := classWeightEntry(n.Content[i], n.Content[i+1], m)
		if err != nil {
			if name != "" {
				err = fmt.Errorf("class %s: %w", quote(name), err)
			}
			return ClassWeight{}, hint, err
		}
		var x float64
		_ = n.Content[i+1].Decode(&x) // checked by classWeightEntry
		m[name] = x
	}
	return ClassWeight{Weights: m}, "", nil
}

// classWeight checks the file's value n of train.class_weight, named key:
// a word (Validate checks which) or a mapping of class names to numbers.
// It records where each class's weight is, as key.<class>.
func (l *loader) classWeight(n *yaml.Node, key string) error {
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		var s string
		if customTag(n) || n.Decode(&s) != nil {
			return l.errAt(n, key, classWeightHint, "expected %s, got %s", kindClassWeight.describe(), describeNode(n))
		}
		return nil
	case n.Kind != yaml.MappingNode:
		return l.errAt(n, key, classWeightHint, "expected %s, got %s", kindClassWeight.describe(), describeNode(n))
	case len(n.Content) == 0:
		return l.errAt(n, key, "write none for no class weights", "empty mapping")
	}
	seen := map[string]float64{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		v, err := l.resolve(n.Content[i+1], key)
		if err != nil {
			return err
		}
		name, hint, onKey, err := classWeightEntry(k, v, seen)
		if err != nil {
			at, ek := v, key
			if onKey {
				at = k
			}
			if name != "" {
				ek = ClassWeightKey(name)
			}
			return l.errAt(at, ek, hint, "%v", err)
		}
		seen[name] = 0
		l.c.origin[ClassWeightKey(name)] = origin{kind: fromFile, node: v}
	}
	return nil
}

// ClassWeightKey returns the dotted key of one class's weight in
// train.class_weight, for messages and KeyError:
// train.class_weight.setosa.
func ClassWeightKey(name string) string { return "train.class_weight." + keyName(name) }
