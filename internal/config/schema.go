package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// kind is what a config key holds, derived from its Go type.
type kind int

const (
	kindSection kind = iota // a struct: a mapping of keys
	kindLayers              // a slice of structs: a list of mappings
	kindString
	kindInt
	kindUint
	kindFloat
	kindBool
	kindList    // []string: a list of strings
	kindTargets // Targets: a string or a list of strings
	// kindClassWeight is ClassWeight: a word or a mapping of class names
	// to numbers.
	kindClassWeight
)

// field is one key of the schema.
type field struct {
	key    string   // dotted key; elements of a list of mappings use "model.layers[]"
	name   string   // the YAML name
	index  []int    // field index from Config, or from the element type inside a list
	kind   kind     //
	fields []*field // kindSection: its keys; kindLayers: the keys of one element
}

// child returns the key of a section named name, or nil.
func (f *field) child(name string) *field {
	for _, c := range f.fields {
		if c.name == name {
			return c
		}
	}
	return nil
}

// names returns the YAML names of a section's keys.
func (f *field) names() []string {
	n := make([]string, len(f.fields))
	for i, c := range f.fields {
		n[i] = c.name
	}
	return n
}

// settable reports whether an environment variable or --set may set f.
func (f *field) settable() bool {
	return f.kind != kindSection && f.kind != kindLayers && !strings.Contains(f.key, "[]")
}

var (
	targetsType     = reflect.TypeFor[Targets]()
	classWeightType = reflect.TypeFor[ClassWeight]()
	stringsType     = reflect.TypeFor[[]string]()

	// schema is the Config type's key tree, derived from its yaml tags.
	schema = buildSchema(reflect.TypeFor[Config](), "", nil)
	// byKey finds every key of the tree, including "model.layers[].units".
	byKey = map[string]*field{}
	// settable lists, in file order, the keys that env and --set may set.
	settable []*field
	// leaves lists, in file order, every key that holds a value, including
	// those inside list elements ("model.layers[].units").
	leaves []*field
)

func init() {
	var visit func(f *field)
	visit = func(f *field) {
		if f.key != "" {
			byKey[f.key] = f
			if !strings.Contains(f.key, "[]") {
				envKeys[EnvVar(f.key)] = f.key
			}
		}
		if f.kind != kindSection && f.kind != kindLayers {
			leaves = append(leaves, f)
			if f.settable() {
				settable = append(settable, f)
			}
		}
		for _, c := range f.fields {
			visit(c)
		}
	}
	visit(schema)
}

// buildSchema derives the key tree of struct type t. It panics on a field
// without a yaml tag or of a type the loader cannot handle: a bug in this
// package, caught by its tests.
func buildSchema(t reflect.Type, prefix string, index []int) *field {
	f := &field{key: prefix, kind: kindSection, index: index}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag, ok := sf.Tag.Lookup("yaml")
		if !ok {
			panic(fmt.Sprintf("config: field %s.%s has no yaml tag", t.Name(), sf.Name))
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		idx := append(append([]int(nil), index...), i)
		var c *field
		switch {
		case sf.Type == targetsType:
			c = &field{kind: kindTargets}
		case sf.Type == stringsType:
			c = &field{kind: kindList}
		case sf.Type == classWeightType:
			c = &field{kind: kindClassWeight}
		case sf.Type.Kind() == reflect.Struct:
			c = buildSchema(sf.Type, key, idx)
		case sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct:
			elem := buildSchema(sf.Type.Elem(), key+"[]", nil)
			c = &field{kind: kindLayers, fields: elem.fields}
		case sf.Type.Kind() == reflect.String:
			c = &field{kind: kindString}
		case sf.Type.Kind() == reflect.Int:
			c = &field{kind: kindInt}
		case sf.Type.Kind() == reflect.Uint64:
			c = &field{kind: kindUint}
		case sf.Type.Kind() == reflect.Float64:
			c = &field{kind: kindFloat}
		case sf.Type.Kind() == reflect.Bool:
			c = &field{kind: kindBool}
		default:
			panic(fmt.Sprintf("config: field %s.%s has unsupported type %s", t.Name(), sf.Name, sf.Type))
		}
		c.key, c.name, c.index = key, name, idx
		f.fields = append(f.fields, c)
	}
	return f
}

// value returns the settable field of c that f names.
func (c *Config) value(f *field) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(f.index)
}

// Value returns the value that key, one of Keys, holds in c: a string,
// int, uint64, float64 or bool, or a []string for the lists data.target
// and data.features; train.class_weight gives its text (ClassWeight's
// String). It also reads a layer's key by index, model.layers.N.FIELD
// (or model.layers[N].FIELD), and model.depth (the number of hidden
// layers) and model.width (the units of the first hidden layer; false
// without one). For any other key, such as a section or model.layers, or
// an index past the last layer, it returns false.
func (c *Config) Value(key string) (any, bool) {
	if v, ok, layer := c.layerValue(key); layer {
		return v, ok
	}
	f := byKey[key]
	if f == nil || !f.settable() {
		return nil, false
	}
	v := c.value(f)
	switch f.kind {
	case kindList, kindTargets:
		return v.Convert(stringsType).Interface(), true
	case kindClassWeight:
		return c.text(f), true
	}
	return v.Interface(), true
}

// describe returns what a key of kind k expects, for messages.
func (k kind) describe() string {
	switch k {
	case kindSection:
		return "a mapping of keys"
	case kindLayers:
		return "a list of layers"
	case kindString:
		return "a string"
	case kindInt:
		return "a whole number"
	case kindUint:
		return "a non-negative whole number"
	case kindFloat:
		return "a number"
	case kindBool:
		return "true or false"
	case kindList:
		return "a list of column names"
	case kindTargets:
		return "a column name or a list of column names"
	case kindClassWeight:
		return "none, balanced or a mapping of class names to weights"
	}
	return "a value"
}

// example returns a hint showing a value of kind k.
func (k kind) example(key string) string {
	switch k {
	case kindInt, kindUint:
		if d, ok := defaultText(key); ok && d != "0" {
			return "write a whole number such as " + d
		}
		return "write a whole number such as 10"
	case kindFloat:
		if d, ok := defaultText(key); ok && d != "0" {
			return "write a number such as " + d
		}
		return "write a number such as 0.5"
	case kindBool:
		return "write true or false"
	case kindList:
		return "write a list such as [x1, x2]"
	case kindTargets:
		return "write a column name, or a list such as [y1, y2]"
	case kindClassWeight:
		return classWeightHint
	case kindString:
		return "write the text, quoted if it contains special characters"
	}
	return ""
}

// defaultText returns the default value of key as text.
func defaultText(key string) (string, bool) {
	f := byKey[key]
	if f == nil || !f.settable() {
		return "", false
	}
	d := Default()
	return d.text(f), true
}

// text formats the value of key f in c, as a flag or variable would give it.
func (c *Config) text(f *field) string {
	v := c.value(f)
	switch f.kind {
	case kindString:
		return v.String()
	case kindInt:
		return strconv.FormatInt(v.Int(), 10)
	case kindUint:
		return strconv.FormatUint(v.Uint(), 10)
	case kindFloat:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case kindBool:
		return strconv.FormatBool(v.Bool())
	case kindList, kindTargets:
		return strings.Join(v.Convert(stringsType).Interface().([]string), ",")
	case kindClassWeight:
		return v.Interface().(ClassWeight).String()
	}
	return ""
}

// setText parses s by the type of key f and stores it in c. It returns an
// error, with a hint, when s does not fit. Lists (every []string key, and
// Targets) are read by parseList: a YAML flow sequence such as [a, "b,c"],
// or names separated by commas; an empty s gives an empty list.
func (c *Config) setText(f *field, s string) (hint string, err error) {
	return setValue(c.value(f), f, s)
}

// setValue parses s by the type of key f and stores it in v, the value
// of f (in a Config, or in one of its layers), as setText does.
func setValue(v reflect.Value, f *field, s string) (hint string, err error) {
	t := strings.TrimSpace(s)
	switch f.kind {
	case kindString:
		v.SetString(s)
	case kindInt:
		i, err := strconv.ParseInt(t, 10, strconv.IntSize)
		if err != nil {
			return f.kind.example(f.key), numError(f.kind, s, err)
		}
		v.SetInt(i)
	case kindUint:
		u, err := strconv.ParseUint(t, 10, 64)
		if err != nil {
			return f.kind.example(f.key), numError(f.kind, s, err)
		}
		v.SetUint(u)
	case kindFloat:
		x, err := strconv.ParseFloat(t, 64)
		if err != nil && !isRange(err) {
			return f.kind.example(f.key), fmt.Errorf("expected %s, got %s", f.kind.describe(), quote(s))
		}
		v.SetFloat(x)
	case kindBool:
		// Only the words YAML reads as booleans, not strconv's 1, t or T.
		switch strings.ToLower(t) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			return f.kind.example(f.key), fmt.Errorf("expected %s, got %s", f.kind.describe(), quote(s))
		}
	case kindList, kindTargets:
		l, hint, err := parseList(s)
		if err != nil {
			return hint, err
		}
		v.Set(reflect.ValueOf(l).Convert(v.Type()))
	case kindClassWeight:
		w, hint, err := parseClassWeight(s)
		if err != nil {
			return hint, err
		}
		v.Set(reflect.ValueOf(w))
	default:
		return "", fmt.Errorf("not a single value")
	}
	return "", nil
}

// numError explains why s is not a number of kind k.
func numError(k kind, s string, err error) error {
	t := strings.TrimSpace(s)
	switch {
	case isRange(err):
		return fmt.Errorf("%s is out of range", quote(s))
	case k == kindUint && strings.HasPrefix(t, "-"):
		return fmt.Errorf("expected %s, got %s", k.describe(), quote(s))
	}
	if x, ferr := strconv.ParseFloat(t, 64); ferr == nil && x != math.Trunc(x) {
		return fmt.Errorf("expected %s, got the fraction %s", k.describe(), t)
	}
	return fmt.Errorf("expected %s, got %s", k.describe(), quote(s))
}

// isRange reports whether a strconv error is a range error.
func isRange(err error) bool {
	return errors.Is(err, strconv.ErrRange)
}

// quote quotes s for a message, shortening it if it is long.
func quote(s string) string {
	const limit = 40
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "..."
	}
	return strconv.Quote(s)
}
