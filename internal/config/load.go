package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"go.yaml.in/yaml/v3"
)

const (
	// maxFileSize bounds the config file that Load reads.
	maxFileSize = 1 << 20
	// maxNodes bounds the nodes the schema walk visits, counting each use
	// of an alias, so that aliases cannot make the walk blow up.
	maxNodes = 100_000
	// maxDepth bounds nested merges (<<) and alias chains.
	maxDepth = 32

	nullTag  = "!!null"
	mergeTag = "!!merge"
)

// Override sets one key from the command line: a shorthand flag such as
// --epochs, or --set KEY=VALUE.
type Override struct {
	// Key is the dotted key, such as "train.epochs".
	Key string
	// Value is the text given, parsed by the key's type.
	Value string
	// Source is the flag as the user spelled it, for messages: "--epochs",
	// "--set train.epochs=5". Empty means --set.
	Source string
}

// flag returns the flag that messages name: "--epochs", or
// "--set train.epochs" for any spelling of --set.
func (o Override) flag() string {
	s := strings.TrimSpace(o.Source)
	if s == "" || strings.HasPrefix(s, "--set") || strings.HasPrefix(s, "-set") {
		return "--set " + keyName(o.Key)
	}
	if i := strings.IndexAny(s, "= "); i >= 0 {
		s = s[:i]
	}
	return s
}

// source returns how the user gave o, for messages about two flags.
func (o Override) source() string {
	s := o.Source
	if s == "" {
		s = "--set " + o.Key + "=" + o.Value
	}
	if !printable(s) {
		return quote(s)
	}
	return s
}

// originKind says which layer gave a key its value.
type originKind int

const (
	fromFile originKind = iota + 1
	fromEnv
	fromFlag
)

// origin is where a key's value came from.
type origin struct {
	kind originKind
	node *yaml.Node // fromFile: the value's node
	name string     // fromEnv: the variable; fromFlag: the flag
}

// Load reads the config file at path and resolves it as Parse does, taking
// the environment from the process through viper. Relative paths inside
// the config are kept as written: they are relative to the current
// directory, not to the config file. Every error about the file, the
// environment or the overrides is an *inputerr.Error.
func Load(path string, overrides []Override) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path, overrides, nil)
}

// readFile reads a config file of at most maxFileSize bytes.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fileError(path, err)
	}
	if len(data) > maxFileSize {
		return nil, &inputerr.Error{File: path, Err: errors.New("config file is larger than 1 MiB"), Hint: "check that this is the config file"}
	}
	return data, nil
}

// fileError explains a failure to read the config file.
func fileError(path string, err error) error {
	err = inputerr.PathCause(err)
	hint := "check the path; a relative path is relative to the current directory"
	switch {
	case errors.Is(err, fs.ErrPermission):
		hint = "check the file's permissions"
	case errors.Is(err, syscall.EISDIR):
		hint = "check the path: give a YAML config file, such as configs/iris.yaml"
	}
	return &inputerr.Error{
		File: path,
		Err:  fmt.Errorf("cannot read config: %w", err),
		Hint: hint,
	}
}

// Parse resolves a configuration from the YAML text data, whose file name
// (for messages and Config.Name) is name. Precedence, lowest first:
// Default(), the file, environment variables, then overrides. env looks up
// an environment variable as os.LookupEnv does; nil means the process
// environment. A variable set to "" counts as unset. Every other variable
// whose name starts with MLPTRAIN_, in any case, must set a key (see
// EnvVar), or be one of mlptrain's own (ProgramVars): any other, such as a
// misspelt key, a section or model.layers, is an error. A lookup function
// cannot list its variables, so with a non-nil env Parse checks only the
// variables of keys and sections, and finds no misspelt one. Parse then
// sets Output.Dir to runs/<Name> if it is empty, reads data.delimiter's
// names of a tab and picks a tab for a .tsv data.train when no layer set
// data.delimiter (see DelimiterText and resolveDelimiter), and calls
// Validate.
//
// Every error for bad input is an *inputerr.Error: for the file with the
// line and column of the offending node and the dotted key; for the
// environment naming the variable; for an override naming the flag. Parse
// never panics.
func Parse(data []byte, name string, overrides []Override, env func(string) (string, bool)) (*Config, error) {
	return parse(data, name, overrides, environment(env))
}

// parse is Parse with the environment's MLPTRAIN_ variables given by name.
func parse(data []byte, name string, overrides []Override, vars map[string]string) (*Config, error) {
	c := Default()
	c.File, c.Name = name, baseName(name)
	c.origin = map[string]origin{}
	c.sections = map[string]*yaml.Node{}
	l := &loader{c: &c, file: name, budget: maxNodes}
	if err := l.readYAML(data); err != nil {
		return nil, err
	}
	if err := l.applyEnv(vars); err != nil {
		return nil, err
	}
	if err := l.applyOverrides(overrides); err != nil {
		return nil, err
	}
	if c.Output.Dir == "" {
		c.Output.Dir = filepath.Join("runs", c.Name)
	}
	c.resolveDelimiter()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// loader carries the state of one Parse.
type loader struct {
	c      *Config
	file   string
	budget int // nodes the walk may still visit
}

// errAt returns an error positioned at node n.
func (l *loader) errAt(n *yaml.Node, key, hint, format string, args ...any) *inputerr.Error {
	return &inputerr.Error{File: l.file, Line: n.Line, Column: n.Column, Key: key, Err: fmt.Errorf(format, args...), Hint: hint}
}

// readYAML parses data, checks it against the schema and decodes it onto
// l.c.
func (l *loader) readYAML(data []byte) error {
	if !utf8.Valid(data) {
		line, col := position(data, invalidUTF8(data))
		return &inputerr.Error{File: l.file, Line: line, Column: col, Err: errors.New("not valid UTF-8 text"), Hint: "save the config as UTF-8"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return l.empty()
		}
		return syntaxError(l.file, data, err)
	}
	for {
		var extra yaml.Node
		err := dec.Decode(&extra)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return syntaxError(l.file, data, err)
		}
		if len(extra.Content) == 1 && isNull(extra.Content[0]) {
			continue // an empty document, as a trailing "---" gives
		}
		return l.errAt(&extra, "", `keep one document: remove the "---" line and merge the two`, "more than one YAML document")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || isNull(doc.Content[0]) {
		return l.empty()
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return l.errAt(root, "", "start from configs/reference.yaml", "expected a mapping with the sections data, model, train and output, got %s", describeNode(root))
	}
	if err := l.section(root, schema, "", nil, 0); err != nil {
		return err
	}
	// The walk has checked every key and scalar; the strict decode now
	// fills the struct by yaml.v3's own rules, and its errors, should any
	// remain, are positioned too.
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(l.c); err != nil {
		return decodeError(l.file, root, err)
	}
	return nil
}

// empty is the error for a config with no content.
func (l *loader) empty() error {
	return &inputerr.Error{
		File: l.file,
		Err:  errors.New("config is empty"),
		Hint: "a config needs at least data.train, data.target and model.layers; see configs/reference.yaml",
	}
}

// resolve follows aliases and charges the walk's node budget.
func (l *loader) resolve(n *yaml.Node, key string) (*yaml.Node, error) {
	for i := 0; n.Kind == yaml.AliasNode; i++ {
		if n.Alias == nil || i >= maxDepth {
			return nil, l.errAt(n, key, "define the anchor with &name before using *name", "alias *%s cannot be resolved", n.Value)
		}
		n = n.Alias
	}
	l.budget--
	if l.budget < 0 {
		return nil, l.errAt(n, key, "write the values out instead of using so many aliases", "too many nodes or aliases")
	}
	return n, nil
}

// section checks the mapping n against the section f, whose dotted key is
// key, and records where its keys are. explicit is nil for a mapping as
// written; for a mapping merged in with "<<" it holds the keys already
// given, which win over merged ones.
func (l *loader) section(n *yaml.Node, f *field, key string, explicit map[string]bool, depth int) error {
	n, err := l.resolve(n, key)
	if err != nil {
		return err
	}
	if depth > maxDepth {
		return l.errAt(n, key, "use fewer nested merges (<<)", "merges nested too deeply")
	}
	if isNull(n) {
		return nil // "train:" with nothing under it keeps the defaults
	}
	if n.Kind != yaml.MappingNode {
		return l.errAt(n, key, "put its keys on the following lines, indented: "+strings.Join(f.names(), ", "),
			"expected %s, got %s", kindSection.describe(), describeNode(n))
	}
	merged := explicit != nil
	seen := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == mergeTag {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return l.errAt(k, key, "write keys as plain names", "expected a key, got %s", describeNode(k))
		}
		name := k.Value
		full := join(key, keyName(name))
		if first, dup := seen[name]; dup {
			return l.errAt(k, full, "give each key once", "duplicate key, first given at line %d", first.Line)
		}
		seen[name] = k
		c := f.child(name)
		if c == nil {
			return l.errAt(k, full, unknownKeyHint(f, name), "unknown key")
		}
		if merged {
			if explicit[name] {
				continue
			}
			explicit[name] = true
		}
		switch c.kind {
		case kindSection:
			l.c.sections[full] = k
			err = l.section(v, c, full, nil, depth+1)
		case kindLayers:
			l.c.sections[full] = k
			err = l.layers(v, c, full, depth+1)
		default:
			err = l.scalar(v, c, full)
		}
		if err != nil {
			return err
		}
	}
	if len(merges) == 0 {
		return nil
	}
	if explicit == nil {
		explicit = make(map[string]bool, len(seen))
		for name := range seen {
			explicit[name] = true
		}
	}
	for _, m := range merges {
		m, err := l.resolve(m, key)
		if err != nil {
			return err
		}
		items := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			items = m.Content
		}
		for _, it := range items {
			it, err := l.resolve(it, key)
			if err != nil {
				return err
			}
			if it.Kind != yaml.MappingNode {
				return l.errAt(it, key, "merge an anchored mapping, as in <<: *defaults", "expected a mapping to merge, got %s", describeNode(it))
			}
			if err := l.section(it, f, key, explicit, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// layers checks the list of layers n against f.
func (l *loader) layers(n *yaml.Node, f *field, key string, depth int) error {
	n, err := l.resolve(n, key)
	if err != nil {
		return err
	}
	l.c.origin[key] = origin{kind: fromFile, node: n}
	if isNull(n) {
		return nil
	}
	const hint = "write one entry per layer, such as - {units: 16, activation: tanh}"
	if n.Kind != yaml.SequenceNode {
		return l.errAt(n, key, hint, "expected %s, got %s", f.kind.describe(), describeNode(n))
	}
	elem := &field{key: key + "[]", kind: kindSection, fields: f.fields}
	for i, item := range n.Content {
		ik := fmt.Sprintf("%s[%d]", key, i)
		item, err := l.resolve(item, ik)
		if err != nil {
			return err
		}
		if item.Kind != yaml.MappingNode {
			return l.errAt(item, ik, hint, "expected a layer, got %s", describeNode(item))
		}
		l.c.sections[ik] = item
		if err := l.section(item, elem, ik, nil, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// scalar checks the value n of the key f, named key, by yaml.v3's own
// decoding rules, and refuses what yaml.v3 would let through: a fraction
// for a whole number, a negative number for an unsigned one.
func (l *loader) scalar(n *yaml.Node, f *field, key string) error {
	n, err := l.resolve(n, key)
	if err != nil {
		return err
	}
	l.c.origin[key] = origin{kind: fromFile, node: n}
	if f.kind == kindClassWeight {
		return l.classWeight(n, key)
	}
	if f.kind == kindList || (f.kind == kindTargets && n.Kind == yaml.SequenceNode) {
		return l.list(n, f, key)
	}
	hint := f.kind.example(key)
	if n.Kind != yaml.ScalarNode {
		return l.errAt(n, key, hint, "expected %s, got %s", f.kind.describe(), describeNode(n))
	}
	tag := n.ShortTag()
	if tag == nullTag {
		return nil // "epochs:" with no value keeps the default
	}
	wrong := func() error {
		return l.errAt(n, key, hint, "expected %s, got %s", f.kind.describe(), describeNode(n))
	}
	switch f.kind {
	case kindString, kindTargets:
		var s string
		if customTag(n) || n.Decode(&s) != nil {
			return wrong() // a tag such as !python/object would be dropped
		}
	case kindInt:
		var i int
		if tag != "!!int" {
			return wrongNumber(l, n, f, key, hint)
		}
		if n.Decode(&i) != nil {
			return l.errAt(n, key, hint, "%s is out of range", n.Value)
		}
	case kindUint:
		var u uint64
		if tag != "!!int" {
			return wrongNumber(l, n, f, key, hint)
		}
		if n.Decode(&u) != nil {
			if strings.HasPrefix(strings.TrimSpace(n.Value), "-") {
				return wrong()
			}
			return l.errAt(n, key, hint, "%s is out of range", n.Value)
		}
	case kindFloat:
		var x float64
		if (tag != "!!int" && tag != "!!float") || n.Decode(&x) != nil {
			return wrong()
		}
	case kindBool:
		var b bool
		if tag != "!!bool" || n.Decode(&b) != nil {
			return wrong()
		}
	}
	return nil
}

// customTag reports whether n carries a tag of its own (!python/object,
// !custom), not one of YAML's (!!str, !!int, ...): a value that meant
// something to whoever tagged it, which mlptrain must not read as text.
func customTag(n *yaml.Node) bool { return !strings.HasPrefix(n.ShortTag(), "!!") }

// wrongNumber explains a scalar that is not a whole number.
func wrongNumber(l *loader, n *yaml.Node, f *field, key, hint string) error {
	if n.ShortTag() == "!!float" {
		var x float64
		if n.Decode(&x) == nil && x == math.Trunc(x) && math.Abs(x) >= 1<<63 {
			return l.errAt(n, key, hint, "%s is out of range", n.Value)
		}
	}
	return l.errAt(n, key, hint, "expected %s, got %s", f.kind.describe(), describeNode(n))
}

// list checks a list of column names.
func (l *loader) list(n *yaml.Node, f *field, key string) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return l.errAt(n, key, f.kind.example(key), "expected %s, got %s", f.kind.describe(), describeNode(n))
	}
	for i, it := range n.Content {
		ik := fmt.Sprintf("%s[%d]", key, i)
		it, err := l.resolve(it, ik)
		if err != nil {
			return err
		}
		l.c.origin[ik] = origin{kind: fromFile, node: it}
		var s string
		switch {
		case it.Kind != yaml.ScalarNode:
			return l.errAt(it, ik, "write one column name per entry", "expected a column name, got %s", describeNode(it))
		case isNull(it):
			return l.errAt(it, ik, "remove the empty entry", "empty column name")
		case customTag(it) || it.Decode(&s) != nil:
			return l.errAt(it, ik, "write one column name per entry", "expected a column name, got %s", describeNode(it))
		}
	}
	return nil
}

// unknownKeyHint suggests what an unknown key name in section f meant.
func unknownKeyHint(f *field, name string) string {
	if c := nearest(name, f.names()); c != "" {
		return fmt.Sprintf("did you mean %q?", c)
	}
	var all []string
	for _, lf := range leaves {
		all = append(all, lf.key)
	}
	for _, c := range all {
		if fold(lastName(c)) == fold(name) || synonym(name) == lastName(c) {
			return fmt.Sprintf("did you mean %q?", c)
		}
	}
	if f.key == "" {
		return "the sections are " + strings.Join(f.names(), ", ")
	}
	return "valid keys here: " + strings.Join(f.names(), ", ")
}

// applyOverrides sets the keys the flags name: model.depth first, then
// model.width, then the others in order (see ShapeKeys).
func (l *loader) applyOverrides(overrides []Override) error {
	given := map[string]Override{}
	for _, o := range sortShape(overrides, func(o Override) string { return o.Key }) {
		flag := o.flag()
		if err := checkKey(o.Key, fromFlag); err != nil {
			err.Key = flag
			return err
		}
		key := CanonKey(o.Key)
		if prev, dup := given[key]; dup {
			return &inputerr.Error{Key: flag, Err: fmt.Errorf("%s is given twice, by %s and by %s", key, prev.source(), o.source()), Hint: "give each key once"}
		}
		given[key] = o
		if hint, err := l.c.set(o.Key, o.Value, origin{kind: fromFlag, name: flag}); err != nil {
			return &inputerr.Error{Key: flag, Err: err, Hint: hint}
		}
	}
	return nil
}

// checkKey returns an error, without its Key, unless key (as a flag or,
// from fromEnv, a variable gives it) can be set.
func checkKey(key string, from originKind) *inputerr.Error {
	var hint string
	var err error
	if isLayerKey(key) {
		_, hint, err = parseLayerKey(key, from)
	} else {
		_, hint, err = settableField(key, from)
	}
	if err != nil {
		return &inputerr.Error{Err: err, Hint: hint}
	}
	return nil
}

// set sets key (checked by checkKey) to the text s, recording o as where
// it came from.
func (c *Config) set(key, s string, o origin) (hint string, err error) {
	if isLayerKey(key) {
		t, hint, err := parseLayerKey(key, o.kind)
		if err != nil {
			return hint, err
		}
		return c.setLayerKey(t, s, o)
	}
	f, hint, err := settableField(key, o.kind)
	if err != nil {
		return hint, err
	}
	if hint, err := c.setText(f, s); err != nil {
		return hint, err
	}
	c.setOrigin(key, o)
	return "", nil
}

// setOrigin records that key was set by o, forgetting where the file put
// the items of a list (or the classes of train.class_weight) it replaces.
func (c *Config) setOrigin(key string, o origin) {
	for k := range c.origin {
		if strings.HasPrefix(k, key+"[") || strings.HasPrefix(k, key+".") {
			delete(c.origin, k)
		}
	}
	c.origin[key] = o
}

// settableField returns the key that key, as given by a flag or (from
// fromEnv) an environment variable, sets. When key cannot be set, because
// it is unknown, a section or model.layers, it returns why, and a hint
// that names keys as from gives them: dotted, or as variables.
func settableField(key string, from originKind) (f *field, hint string, err error) {
	f = byKey[key]
	switch {
	case key == layersKey:
		where := "the command line"
		if from == fromEnv {
			where = "the environment"
		}
		return nil, "edit model.layers in the config file, or set a layer's key by index (" + LayerKey(0, "units") + "), " + DepthKey + " or " + WidthKey + " from " + where,
			fmt.Errorf("model.layers is a list of layers and cannot be set from %s", where)
	case f == nil:
		return nil, keyHint(key, from), fmt.Errorf("unknown key %s", quote(key))
	case !f.settable():
		first := firstKey(f)
		if from == fromEnv {
			first = EnvVar(first)
		}
		return nil, "set one of its keys, such as " + first, fmt.Errorf("%s is a section, not a single value", key)
	}
	return f, "", nil
}

// keyHint suggests the settable key that an unknown dotted key meant,
// naming it by its variable when from is fromEnv.
func keyHint(key string, from originKind) string {
	k := nearestKey(key)
	switch {
	case k != "" && from == fromEnv:
		return fmt.Sprintf("did you mean %s, for %s?", EnvVar(k), k)
	case k != "":
		return fmt.Sprintf("did you mean %q?", k)
	case from == fromEnv:
		return "a variable is " + EnvPrefix + "_ and a key in upper case with dots as underscores (MLPTRAIN_TRAIN_EPOCHS for train.epochs); configs/reference.yaml lists the keys"
	}
	return "the keys are " + strings.Join(Keys(), ", ")
}

// nearestKey returns the settable key that an unknown dotted key most
// likely meant, or "".
func nearestKey(key string) string {
	keys := Keys()
	if c := nearest(key, keys); c != "" {
		return c
	}
	last := make([]string, len(keys))
	for i, k := range keys {
		last[i] = lastName(k)
	}
	if c := nearest(lastName(key), last); c != "" {
		for _, k := range keys {
			if lastName(k) == c {
				return k
			}
		}
	}
	return ""
}

// firstKey returns the first settable key inside section f.
func firstKey(f *field) string {
	for _, s := range settable {
		if strings.HasPrefix(s.key, f.key+".") {
			return s.key
		}
	}
	return "train.epochs"
}

// join joins a section's dotted key and a name.
func join(key, name string) string {
	if key == "" {
		return name
	}
	return key + "." + name
}

// keyName returns a key's name as messages show it in a dotted key: as
// written if it is short and printable, else quoted and shortened, so that
// an unknown key holding a newline or thousands of characters keeps the
// message on one line. Every known name is plain.
func keyName(name string) string {
	if name != "" && utf8.RuneCountInString(name) <= 40 && printable(name) {
		return name
	}
	return quote(name)
}

// printable reports whether s holds only printable characters: no line
// breaks or other controls.
func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) })
}

// lastName returns the last name of a dotted key.
func lastName(key string) string {
	return key[strings.LastIndex(key, ".")+1:]
}

// parentKey returns the key of the section or list holding key, or "".
func parentKey(key string) string {
	i := strings.LastIndexAny(key, ".[")
	if i < 0 {
		return ""
	}
	return key[:i]
}

// isNull reports whether n is a null scalar: "~", "null" or nothing.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == nullTag
}

// describeNode says what a node is, for "expected X, got Y" messages.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	switch tag := n.ShortTag(); {
	case tag == nullTag:
		return "an empty value"
	case tag == "!!str":
		return quote(n.Value)
	case !strings.HasPrefix(tag, "!!"):
		// A tag may hold anything, %0A included, and be of any length.
		if r := []rune(tag); len(r) > 40 {
			tag = string(r[:40]) + "..."
		}
		if !printable(tag) {
			tag = strconv.Quote(tag)
		}
		return tag + " " + quote(n.Value)
	}
	v := n.Value
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "..."
	}
	return v
}
