package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mlptrain/mlptrain/internal/inputerr"
	"go.yaml.in/yaml/v3"
)

// This file turns yaml.v3's errors, which carry at most "line N: ", into
// positioned *inputerr.Errors.

var (
	yamlLine      = regexp.MustCompile(`^line (\d+): (.*)$`)
	yamlUnmarshal = regexp.MustCompile("^cannot unmarshal (!!?[^ ]*|![^ ]*) (?:`(.*)` )?into (.+)$")
	yamlUnknown   = regexp.MustCompile(`^field (.+) not found in type (.+)$`)
	yamlDuplicate = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	yamlAnchor    = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
	listIndex     = regexp.MustCompile(`\[\d+\]`)
)

// splitLine splits yaml.v3's "yaml: line N: msg" into N (0 if absent) and
// msg.
func splitLine(s string) (int, string) {
	s = strings.TrimPrefix(s, "yaml: ")
	if m := yamlLine.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err == nil {
			return n, m[2]
		}
	}
	return 0, s
}

// syntaxError converts an error from parsing data into yaml.Nodes. yaml.v3
// gives the line of the construct it was reading, which may be the line
// before the mistake, and no column; tabs, control characters and unknown
// anchors are located exactly by scanning data.
func syntaxError(file string, data []byte, err error) error {
	line, msg := splitLine(err.Error())
	e := &inputerr.Error{File: file, Line: line, Hint: "check the indentation, colons, quotes and brackets on this line and the one before"}
	switch {
	case strings.Contains(msg, "tab") || strings.Contains(msg, "cannot start any token"):
		if l, c := findTab(data); l > 0 {
			e.Line, e.Column = l, c
			e.Hint = "indent with spaces; YAML does not allow tabs in indentation"
		}
	case strings.Contains(msg, "control characters"):
		if off := findControl(data); off >= 0 {
			e.Line, e.Column = position(data, off)
			e.Hint = "remove the control character"
		}
	case yamlAnchor.MatchString(msg):
		name := yamlAnchor.FindStringSubmatch(msg)[1]
		if off := findAlias(data, name); off >= 0 {
			e.Line, e.Column = position(data, off)
		}
		// An anchor name may be thousands of characters long.
		short := name
		if r := []rune(name); len(r) > 40 {
			short = string(r[:40]) + "..."
		}
		msg = "unknown anchor '" + short + "' referenced"
		e.Hint = "define the anchor with &" + short + " before using *" + short
	}
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "..."
	}
	e.Err = fmt.Errorf("invalid YAML: %s", msg)
	return e
}

// decodeError converts an error from the strict decode of the document
// whose root mapping is root. It finds the node on the reported line to
// give the column and the dotted key, and rewrites yaml.v3's messages in
// the words the schema walk uses.
func decodeError(file string, root *yaml.Node, err error) error {
	first := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		first = te.Errors[0]
	}
	line, msg := splitLine(first)
	e := &inputerr.Error{File: file, Line: line, Err: errors.New(msg), Hint: "see configs/reference.yaml for every key and what it holds"}
	token, preferKey, kind, nodeKind := "", false, "", yaml.Kind(0)
	switch {
	case yamlUnmarshal.MatchString(msg):
		m := yamlUnmarshal.FindStringSubmatch(msg)
		got := m[2]
		switch {
		case m[1] == "!!seq":
			got, nodeKind = "a list", yaml.SequenceNode
		case m[1] == "!!map":
			got, nodeKind = "a mapping", yaml.MappingNode
		case m[1] == "!!str":
			got = strconv.Quote(m[2])
		}
		token, kind = strings.TrimSuffix(m[2], "..."), "type"
		e.Err = fmt.Errorf("expected %s, got %s", goTypeDescribe(m[3]), got)
	case yamlUnknown.MatchString(msg):
		token, preferKey, kind = yamlUnknown.FindStringSubmatch(msg)[1], true, "unknown"
		e.Err = errors.New("unknown key")
	case yamlDuplicate.MatchString(msg):
		m := yamlDuplicate.FindStringSubmatch(msg)
		token, preferKey = m[1], true
		e.Err = fmt.Errorf("duplicate key, first given at line %s", m[2])
		e.Hint = "give each key once"
	}
	if line == 0 || root == nil {
		return e
	}
	key, n := findNode(root, line, token, preferKey, nodeKind)
	if n == nil {
		return e
	}
	e.Key, e.Column = key, n.Column
	switch kind {
	case "unknown":
		if f := schemaField(parentKey(key)); f != nil {
			e.Hint = unknownKeyHint(f, lastName(key))
		}
	case "type":
		if f := schemaField(key); f != nil && f.kind != kindSection {
			if ex := f.kind.example(f.key); ex != "" {
				e.Hint = ex
			}
		}
	}
	return e
}

// schemaField returns the schema's field for a dotted key as found in a
// document, with list indexes ("model.layers[0].units"), or nil.
func schemaField(key string) *field {
	if key == "" {
		return schema
	}
	k := listIndex.ReplaceAllString(key, "[]")
	if f := byKey[k]; f != nil {
		return f
	}
	return byKey[strings.TrimSuffix(k, "[]")]
}

// goTypeDescribe names a Go type from a yaml.v3 message in the schema's
// words.
func goTypeDescribe(t string) string {
	switch t {
	case "int":
		return kindInt.describe()
	case "uint64":
		return kindUint.describe()
	case "float64":
		return kindFloat.describe()
	case "bool":
		return kindBool.describe()
	case "string":
		return kindString.describe()
	case "[]string":
		return kindList.describe()
	case "config.Targets":
		return kindTargets.describe()
	case "config.ClassWeight":
		return kindClassWeight.describe()
	case "[]config.Layer":
		return kindLayers.describe()
	}
	if strings.HasPrefix(t, "config.") {
		return kindSection.describe()
	}
	return t
}

// findNode returns the dotted key and node of the node on line that best
// matches token: the last key node named token if preferKey, else the last
// value whose text starts with token; failing that, the last value of the
// given kind (a list or mapping where a value belongs), the outermost value
// on the line, or the first key. It does not follow aliases, so it sees
// each node once.
func findNode(root *yaml.Node, line int, token string, preferKey bool, kind yaml.Kind) (string, *yaml.Node) {
	type hit struct {
		key   string
		n     *yaml.Node
		isKey bool
	}
	var hits []hit
	var visit func(n *yaml.Node, key string)
	visit = func(n *yaml.Node, key string) {
		if n.Line == line && n.Kind != yaml.DocumentNode {
			hits = append(hits, hit{key, n, false})
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				full := join(key, k.Value)
				if k.Line == line {
					hits = append(hits, hit{full, k, true})
				}
				visit(v, full)
			}
		case yaml.SequenceNode:
			for i, it := range n.Content {
				visit(it, fmt.Sprintf("%s[%d]", key, i))
			}
		}
	}
	visit(root, "")
	if token != "" {
		// The last match: for a duplicate key, the second one.
		for i := len(hits) - 1; i >= 0; i-- {
			h := hits[i]
			if h.isKey == preferKey && h.n.Kind == yaml.ScalarNode && strings.HasPrefix(h.n.Value, token) {
				return h.key, h.n
			}
		}
	}
	if kind != 0 {
		for i := len(hits) - 1; i >= 0; i-- {
			if h := hits[i]; !h.isKey && h.n.Kind == kind {
				return h.key, h.n
			}
		}
	}
	for _, h := range hits {
		if !h.isKey {
			return h.key, h.n
		}
	}
	if len(hits) > 0 {
		return hits[0].key, hits[0].n
	}
	return "", nil
}

// position returns the 1-based line and column, counted in characters, of
// byte offset off in data.
func position(data []byte, off int) (line, col int) {
	if off < 0 || off > len(data) {
		return 0, 0
	}
	start := 0
	line = 1
	for i := 0; i < off; i++ {
		if data[i] == '\n' {
			line++
			start = i + 1
		}
	}
	col = 1
	for i := start; i < off; {
		_, size := utf8.DecodeRune(data[i:off])
		i += size
		col++
	}
	return line, col
}

// invalidUTF8 returns the offset of the first byte that is not valid
// UTF-8, or -1.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// findTab returns the line and column of the first tab in a line's leading
// whitespace, or 0, 0.
func findTab(data []byte) (int, int) {
	for i, l := range strings.Split(string(data), "\n") {
		for j := 0; j < len(l) && (l[j] == ' ' || l[j] == '\t'); j++ {
			if l[j] == '\t' {
				return i + 1, j + 1
			}
		}
	}
	return 0, 0
}

// findControl returns the offset of the first character that YAML does not
// allow in a document, or -1.
func findControl(data []byte) int {
	for i, r := range string(data) {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfffe || r == 0xffff:
			return i
		}
	}
	return -1
}

// findAlias returns the offset of the first use *name of an alias, or -1.
func findAlias(data []byte, name string) int {
	s := string(data)
	for from := 0; ; {
		i := strings.Index(s[from:], "*"+name)
		if i < 0 {
			return -1
		}
		i += from
		end := i + 1 + len(name)
		if end == len(s) || strings.ContainsRune(" \t\r\n,]}", rune(s[end])) {
			return i
		}
		from = i + 1
	}
}
