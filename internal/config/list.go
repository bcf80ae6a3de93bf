package config

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// listHint is the hint for a list given as text that cannot be read.
const listHint = `write a list such as [x1, x2]; quote a name holding a comma, bracket or quote, as in ["a,b", x2]`

// parseList reads the text of a list of column names, as an environment
// variable or --set gives it for a key of type []string or Targets. Text
// that starts with "[" (after spaces) is a YAML flow sequence, read as
// the config file reads one: [a, b], [] (no names), ["a,b", 'c d'] with
// quoted names, each item a column name (a scalar, not a list, a mapping,
// null or empty). Any other text is names separated by commas, each
// trimmed: "a", "a, b"; "" is the empty list. On error it returns a hint.
func parseList(s string) (names []string, hint string, err error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "[") {
		return parseFlowList(t)
	}
	if t == "" {
		return nil, "", nil
	}
	for item := range strings.SplitSeq(t, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, "separate names with single commas, as in a,b", fmt.Errorf("empty column name in %s", quote(s))
		}
		names = append(names, item)
	}
	return names, "", nil
}

// parseFlowList reads t, which starts with "[", as a YAML flow sequence of
// column names.
func parseFlowList(t string) ([]string, string, error) {
	dec := yaml.NewDecoder(strings.NewReader(t))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		_, msg := splitLine(err.Error())
		if r := []rune(msg); len(r) > 100 {
			msg = string(r[:100]) + "..."
		}
		return nil, listHint, fmt.Errorf("invalid list %s: %s", quote(t), msg)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, listHint, fmt.Errorf("invalid list %s: text after the closing bracket", quote(t))
	}
	// A document that starts with "[" is a sequence, or fails to parse.
	n := doc.Content[0]
	if n.Kind != yaml.SequenceNode {
		return nil, listHint, fmt.Errorf("invalid list %s: got %s", quote(t), describeNode(n))
	}
	names := make([]string, 0, len(n.Content))
	for i, it := range n.Content {
		var s string
		switch {
		case it.Kind != yaml.ScalarNode:
			return nil, "write one column name per entry", fmt.Errorf("item %d of %s: expected a column name, got %s", i+1, quote(t), describeNode(it))
		case isNull(it):
			return nil, `remove the empty entry, or quote a column named so, as in ["null"]`, fmt.Errorf("item %d of %s: empty column name", i+1, quote(t))
		case customTag(it) || it.Decode(&s) != nil:
			return nil, "write one column name per entry", fmt.Errorf("item %d of %s: expected a column name, got %s", i+1, quote(t), describeNode(it))
		case strings.TrimSpace(s) == "":
			return nil, "remove the empty entry", fmt.Errorf("item %d of %s: empty column name", i+1, quote(t))
		}
		names = append(names, s)
	}
	return names, "", nil
}
