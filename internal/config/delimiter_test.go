package config

import (
	"strings"
	"testing"
)

// TestDelimiterTab checks every way to name a tab as data.delimiter: the
// hint of a bad delimiter suggests "\t", which --set passes as a backslash
// and a t, and which was refused. A .tsv training file makes the default
// a tab; any delimiter given explicitly, "," included, wins.
func TestDelimiterTab(t *testing.T) {
	t.Parallel()
	for i, test := range []struct {
		file  string // appended to base
		env   []string
		flags []Override
		want  string
	}{
		{want: ","},
		{flags: []Override{{Key: "data.delimiter", Value: `\t`}}, want: "\t"},
		{flags: []Override{{Key: "data.delimiter", Value: "\t"}}, want: "\t"},
		{flags: []Override{{Key: "data.delimiter", Value: "tab"}}, want: "\t"},
		{flags: []Override{{Key: "data.delimiter", Value: "TAB"}}, want: "\t"},
		{flags: []Override{{Key: "data.delimiter", Value: ";"}}, want: ";"},
		{flags: []Override{{Key: "data.delimiter", Value: `\`}}, want: `\`},
		{env: []string{`MLPTRAIN_DATA_DELIMITER=\t`}, want: "\t"},
		{env: []string{"MLPTRAIN_DATA_DELIMITER=\t"}, want: "\t"},
		{env: []string{"MLPTRAIN_DATA_DELIMITER=tab"}, want: "\t"},
		{file: "data: {delimiter: \"\\t\"}\n", want: "\t"},
		{file: "data: {delimiter: '\\t'}\n", want: "\t"},
		{file: "data: {delimiter: \\t}\n", want: "\t"},
		{file: "data: {delimiter: \"\\\\t\"}\n", want: "\t"},
		{file: "data: {delimiter: tab}\n", want: "\t"},
		{file: "data: {delimiter: \"|\"}\n", want: "|"},
		// A .tsv training file, unless data.delimiter is given.
		{flags: []Override{{Key: "data.train", Value: "x.tsv"}}, want: "\t"},
		{flags: []Override{{Key: "data.train", Value: "x.TSV.gz"}}, want: "\t"},
		{flags: []Override{{Key: "data.train", Value: "x.tsv.zip"}}, want: ","},
		{flags: []Override{{Key: "data.train", Value: "x.tsv"}, {Key: "data.delimiter", Value: ","}}, want: ","},
		{env: []string{"MLPTRAIN_DATA_DELIMITER=;"}, flags: []Override{{Key: "data.train", Value: "x.tsv"}}, want: ";"},
		{file: "data: {train: x.tsv, target: y, delimiter: \",\"}\n", want: ","},
	} {
		// base's data: line is replaced by the test's own, if it has one.
		text := base + test.file
		if strings.HasPrefix(test.file, "data:") {
			fields := strings.TrimSuffix(strings.TrimPrefix(test.file, "data: {"), "}\n")
			if !strings.Contains(fields, "train:") {
				fields = "train: a.csv, target: y, " + fields
			}
			text = "data: {" + fields + "}\n" + base[strings.Index(base, "model:"):]
		}
		c, err := parse([]byte(text), "c.yaml", test.flags, environFrom(test.env))
		if err != nil {
			t.Errorf("unexpected error for test %d: %v", i, err)
			continue
		}
		if c.Data.Delimiter != test.want {
			t.Errorf("unexpected delimiter for test %d: got: %q want: %q", i, c.Data.Delimiter, test.want)
		}
	}
	// Two characters that do not name a tab are refused, with a hint
	// that is true: "\t" works.
	_, err := parse([]byte(base), "c.yaml", []Override{{Key: "data.delimiter", Value: `\s`}}, nil)
	checkErr(t, err, want{"", 0, 0, "--set data.delimiter", `must be exactly one character, got "\\s"`, `"\t"`})
	c, err := parse([]byte(base), "c.yaml", []Override{{Key: "data.delimiter", Value: `\t`}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The run folder's config.yaml gives the tab back.
	y, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(y), `delimiter: "\t"`) {
		t.Errorf("config.yaml:\n%s\nwant delimiter: \"\\t\"", y)
	}
}
