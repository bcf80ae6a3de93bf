package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The keys that reach into model.layers from the environment and the
// command line (--set, sweep --grid and --range): a layer's key by index,
// and the number and width of the hidden layers.
const (
	// DepthKey sets the number of hidden layers, every layer but the
	// last. Fewer drops hidden layers from the end; more repeats the last
	// hidden layer (units, activation and every other key) before the
	// output layer, which is kept. 0 leaves the output layer alone.
	DepthKey = "model.depth"
	// WidthKey sets the units of every hidden layer.
	WidthKey = "model.width"
	// MaxDepth is the largest value of model.depth.
	MaxDepth = 1000

	layersKey    = "model.layers"
	layersPrefix = layersKey + "."
)

// ShapeKeys returns the keys that set model.layers from the environment
// and the command line besides its items by index (model.layers.N.FIELD):
// model.depth and model.width. They are applied before the items by
// index, model.depth first, in whatever order they are given.
func ShapeKeys() []string { return []string{DepthKey, WidthKey} }

// LayerKey returns the key of field name of layer i: model.layers.i.name.
func LayerKey(i int, name string) string {
	return layersPrefix + strconv.Itoa(i) + "." + name
}

// layerTarget is what a layer key sets.
type layerTarget struct {
	key   string // canonical: model.depth, model.width or model.layers.N.FIELD
	index int    // the layer, or -1 for model.depth and model.width
	f     *field // the layer's key; nil for model.depth and model.width
}

// shapeRank orders the layer keys for applying: model.depth, then
// model.width, then everything else.
func shapeRank(key string) int {
	switch CanonKey(key) {
	case DepthKey:
		return 0
	case WidthKey:
		return 1
	}
	return 2
}

// CanonKey returns key with a layer's index in brackets written as a
// dotted name: model.layers[0].units gives model.layers.0.units. Any
// other key is returned as it is, trimmed.
func CanonKey(key string) string {
	key = strings.TrimSpace(key)
	if rest, ok := strings.CutPrefix(key, layersKey+"["); ok {
		if i := strings.IndexByte(rest, ']'); i > 0 {
			return layersPrefix + rest[:i] + rest[i+1:]
		}
	}
	return key
}

// isLayerKey reports whether key is one of the layer keys: model.depth,
// model.width, or model.layers followed by "." or "[".
func isLayerKey(key string) bool {
	key = strings.TrimSpace(key)
	return key == DepthKey || key == WidthKey || strings.HasPrefix(key, layersPrefix) || strings.HasPrefix(key, layersKey+"[")
}

// parseLayerKey reads a layer key (isLayerKey). It returns an error and a
// hint for a key that is not an index followed by one of a layer's keys.
// from fromEnv names keys in the hint by their variables.
func parseLayerKey(key string, from originKind) (layerTarget, string, error) {
	key = CanonKey(key)
	if key == DepthKey || key == WidthKey {
		return layerTarget{key: key, index: -1}, "", nil
	}
	rest := strings.TrimPrefix(key, layersPrefix)
	idx, name, _ := strings.Cut(rest, ".")
	elem := byKey[layersKey]
	example := LayerKey(0, elem.fields[0].name)
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || idx != strconv.Itoa(i) {
		return layerTarget{}, "write the layer's index from 0, as in " + example,
			fmt.Errorf("%s: %s is not a layer's index", quote(key), quote(idx))
	}
	if name == "" {
		return layerTarget{}, "set one of its keys: " + strings.Join(elem.names(), ", ") + ", as in " + example,
			fmt.Errorf("%s is a layer, not a single value", key)
	}
	f := elem.child(name)
	if f == nil {
		hint := "a layer's keys are " + strings.Join(elem.names(), ", ")
		if c := nearest(name, elem.names()); c != "" {
			hint = fmt.Sprintf("did you mean %q?", LayerKey(i, c))
			if from == fromEnv {
				hint = fmt.Sprintf("did you mean %s, for %s?", EnvVar(LayerKey(i, c)), LayerKey(i, c))
			}
		}
		return layerTarget{}, hint, fmt.Errorf("unknown key %s: a layer has no key %s", quote(key), quote(name))
	}
	return layerTarget{key: LayerKey(i, name), index: i, f: f}, "", nil
}

// envLayerKey returns the layer key that the variable name sets:
// MLPTRAIN_MODEL_DEPTH, MLPTRAIN_MODEL_WIDTH, or
// MLPTRAIN_MODEL_LAYERS_<N>_<KEY> with the layer's key in upper case
// (MLPTRAIN_MODEL_LAYERS_0_UNITS). It returns false for any other name.
func envLayerKey(name string) (string, bool) {
	switch name {
	case EnvVar(DepthKey):
		return DepthKey, true
	case EnvVar(WidthKey):
		return WidthKey, true
	}
	rest, ok := strings.CutPrefix(name, EnvVar(layersKey)+"_")
	if !ok {
		return "", false
	}
	idx, field, ok := strings.Cut(rest, "_")
	if !ok || idx == "" || strings.Trim(idx, "0123456789") != "" || field != strings.ToUpper(field) {
		return "", false
	}
	return layersPrefix + idx + "." + strings.ToLower(field), true
}

// setLayerKey sets the layer key t to s, recording o as its origin.
func (c *Config) setLayerKey(t layerTarget, s string, o origin) (hint string, err error) {
	if t.index < 0 {
		n, hint, err := setValueInt(t.key, s)
		if err != nil {
			return hint, err
		}
		if t.key == DepthKey {
			return c.setDepth(n, o)
		}
		return c.setWidth(n, o)
	}
	layers := c.Model.Layers
	if t.index >= len(layers) {
		return c.layersHint(), fmt.Errorf("layer %d is out of range: %s", t.index, c.layersText())
	}
	v := reflect.ValueOf(&layers[t.index]).Elem().FieldByIndex(t.f.index)
	if hint, err := setValue(v, t.f, s); err != nil {
		return hint, err
	}
	c.setOrigin(fmt.Sprintf("%s[%d].%s", layersKey, t.index, t.f.name), o)
	return "", nil
}

// layersText says how many layers the config has, for messages.
func (c *Config) layersText() string {
	switch n := len(c.Model.Layers); n {
	case 0:
		return "the config has no layers"
	case 1:
		return "the config has 1 layer, model.layers.0 (the output layer)"
	default:
		return fmt.Sprintf("the config has %d layers, model.layers.0 to model.layers.%d (the last is the output layer)", n, n-1)
	}
}

// layersHint is the hint of an index past the last layer.
func (c *Config) layersHint() string {
	if len(c.Model.Layers) == 0 {
		return "list the layers in the config file's model.layers"
	}
	return "index the layers from 0; set " + DepthKey + " first to add hidden layers"
}

// setValueInt parses s as model.depth or model.width: a whole number.
func setValueInt(key, s string) (int, string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		hint := "write a whole number such as 2"
		if key == WidthKey {
			hint = "write a whole number such as 16"
		}
		return 0, hint, numError(kindInt, s, err)
	}
	return n, "", nil
}

// setDepth gives the config d hidden layers: the first d of those it has,
// then copies of its last hidden layer, then its output layer.
func (c *Config) setDepth(d int, o origin) (string, error) {
	n := len(c.Model.Layers)
	switch {
	case d < 0 || d > MaxDepth:
		return "write the number of hidden layers, such as 2", fmt.Errorf("must be 0 to %d, got %d", MaxDepth, d)
	case n == 0:
		return "list the layers in the config file; " + DepthKey + " then sets how many of them are hidden",
			errors.New("the config has no layers")
	case d > n-1 && n == 1:
		return "give the config file a hidden layer before the output layer, such as - {units: 16, activation: tanh}, to be repeated",
			errors.New("the config has no hidden layer to repeat: its one layer is the output layer")
	}
	h := n - 1
	if d == h {
		return "", nil
	}
	layers := make([]Layer, 0, d+1)
	layers = append(layers, c.Model.Layers[:min(d, h)]...)
	for len(layers) < d {
		layers = append(layers, c.Model.Layers[h-1])
	}
	c.Model.Layers = append(layers, c.Model.Layers[h])
	// The output layer's keys move from index h to d; the hidden layers
	// dropped lose theirs; the added ones come from o.
	c.origin = moveLayers(c.origin, h, d)
	c.sections = moveLayers(c.sections, h, d)
	for i := h; i < d; i++ {
		c.origin[fmt.Sprintf("%s[%d]", layersKey, i)] = o
	}
	return "", nil
}

// moveLayers returns m with the keys of layer h (model.layers[h] and
// those under it) moved to layer d, and those of the layers from d (or h)
// up to h dropped.
func moveLayers[V any](m map[string]V, h, d int) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		i, rest, ok := layerIndex(k)
		switch {
		case !ok || i < min(d, h) || i > h:
			out[k] = v
		case i == h:
			out[fmt.Sprintf("%s[%d]%s", layersKey, d, rest)] = v
		}
	}
	return out
}

// setWidth gives every hidden layer w units.
func (c *Config) setWidth(w int, o origin) (string, error) {
	if w < 1 || w > MaxUnits {
		return "write the hidden layers' units, such as 16", fmt.Errorf("must be 1 to %d, got %d", MaxUnits, w)
	}
	for i := 0; i < len(c.Model.Layers)-1; i++ {
		c.Model.Layers[i].Units = w
		c.setOrigin(fmt.Sprintf("%s[%d].units", layersKey, i), o)
	}
	return "", nil
}

// layerIndex splits an origin's key "model.layers[i]rest" into i and
// rest; ok is false for any other key.
func layerIndex(key string) (i int, rest string, ok bool) {
	s, ok := strings.CutPrefix(key, layersKey+"[")
	if !ok {
		return 0, "", false
	}
	j := strings.IndexByte(s, ']')
	if j < 0 {
		return 0, "", false
	}
	i, err := strconv.Atoi(s[:j])
	return i, s[j+1:], err == nil
}

// layerValue is Value for the layer keys; layer is false for any other
// key.
func (c *Config) layerValue(key string) (v any, ok, layer bool) {
	if !isLayerKey(key) {
		return nil, false, false
	}
	t, _, err := parseLayerKey(key, fromFlag)
	if err != nil {
		return nil, false, true
	}
	layers := c.Model.Layers
	switch {
	case t.key == DepthKey:
		return max(len(layers)-1, 0), true, true
	case t.key == WidthKey:
		if len(layers) < 2 {
			return nil, false, true
		}
		return layers[0].Units, true, true
	case t.index >= len(layers):
		return nil, false, true
	}
	return reflect.ValueOf(&layers[t.index]).Elem().FieldByIndex(t.f.index).Interface(), true, true
}

// sortShape orders items for applying by the rank of their keys
// (shapeRank), keeping the order of equals.
func sortShape[T any](items []T, key func(T) string) []T {
	s := slices.Clone(items)
	slices.SortStableFunc(s, func(a, b T) int { return shapeRank(key(a)) - shapeRank(key(b)) })
	return s
}
