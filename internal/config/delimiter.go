package config

import "strings"

// Tab is data.delimiter's value for tab-separated files.
const Tab = "\t"

// DelimiterText returns the delimiter that the text s names: a tab for
// the tab itself, for the two characters \t and for the word tab (in any
// case); s itself otherwise. A config file, an environment variable and
// --set all go through it, so that --set data.delimiter=\t, which a shell
// passes as a backslash and a t, means a tab, as "\t" does in YAML's
// double quotes. YAML's single quotes and plain scalars keep a backslash
// as it is, so '\t' and \t are the same two characters, and mean a tab
// too: no one means a delimiter of two characters, which could not be
// one. Other escapes (\x09, \u0009) are not read; in YAML, "\x09" is a
// tab already.
func DelimiterText(s string) string {
	if s == `\t` || strings.EqualFold(s, "tab") {
		return Tab
	}
	return s
}

// isTSV reports whether path names a tab-separated file by its name:
// .tsv or .tsv.gz, in any case.
func isTSV(path string) bool {
	p := strings.ToLower(path)
	return strings.HasSuffix(p, ".tsv") || strings.HasSuffix(p, ".tsv.gz")
}

// resolveDelimiter reads data.delimiter's spellings of a tab, and, when no
// layer set data.delimiter (the file, the environment or a flag), makes
// it a tab for a data.train named .tsv or .tsv.gz. Every file of the
// config is then read with that one delimiter, and config.yaml in the run
// folder records it. An explicit data.delimiter, "," included, is kept.
func (c *Config) resolveDelimiter() {
	c.Data.Delimiter = DelimiterText(c.Data.Delimiter)
	if _, set := c.origin["data.delimiter"]; !set && isTSV(c.Data.Train) {
		c.Data.Delimiter = Tab
	}
}
