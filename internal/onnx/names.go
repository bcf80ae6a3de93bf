package onnx

import (
	"strconv"
	"strings"
)

// Output names of an exported graph. An input is never named so.
const (
	OutputLabel         = "label"
	OutputProbabilities = "probabilities"
	OutputPrediction    = "prediction"
)

// reserved are the names InputNames never gives an input.
var reserved = map[string]bool{OutputLabel: true, OutputProbabilities: true, OutputPrediction: true}

// InputNames returns the graph input name of each feature column, in
// order, by this rule (doc.go, "Input names"):
//
//  1. A column whose name is already an identifier, [A-Za-z_][A-Za-z0-9_]*,
//     and not an output name (label, probabilities, prediction), keeps it.
//  2. Every other column, in order, is escaped: each character that is not
//     an ASCII letter, digit or underscore becomes "_" (one per character,
//     so "é" is one "_"), and a name that is empty or starts with a digit
//     gets a leading "_". If that name is taken, by rule 1 or by an earlier
//     column, or is an output name, "_2", "_3", ... is appended: the first
//     that is free.
//
// The names are unique, and the same columns always give the same names.
func InputNames(columns []string) []string {
	out := make([]string, len(columns))
	taken := make(map[string]bool, len(columns))
	for i, c := range columns {
		if isIdent(c) && !reserved[c] {
			out[i] = c
			taken[c] = true
		}
	}
	for i, c := range columns {
		if out[i] != "" {
			continue
		}
		base := escape(c)
		name := base
		for k := 2; taken[name] || reserved[name]; k++ {
			name = base + "_" + strconv.Itoa(k)
		}
		out[i] = name
		taken[name] = true
	}
	return out
}

// isIdent reports whether s is a C identifier of ASCII letters, digits and
// underscores, not starting with a digit.
func isIdent(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for _, r := range s {
		if !identRune(r) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func identRune(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// escape replaces each character of s that is not an identifier's by "_",
// and prefixes "_" if the result is empty or starts with a digit.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if identRune(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	e := b.String()
	if e == "" || isDigit(e[0]) {
		e = "_" + e
	}
	return e
}
