package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	t.Parallel()
	for i, test := range []struct {
		in   string
		want []string
		err  string // the error's message; "" for none
		hint string // in the hint
	}{
		{in: "", want: nil},
		{in: "  ", want: nil},
		{in: "a", want: []string{"a"}},
		{in: "a,b", want: []string{"a", "b"}},
		{in: " a , b ", want: []string{"a", "b"}},
		{in: "[a,b]", want: []string{"a", "b"}},
		{in: "[sepal_length,petal_length]", want: []string{"sepal_length", "petal_length"}},
		{in: " [ a , b ] ", want: []string{"a", "b"}},
		{in: "[]", want: []string{}},
		{in: "[a]", want: []string{"a"}},
		{in: `["a,b", c]`, want: []string{"a,b", "c"}},
		{in: `['it''s', "[x]"]`, want: []string{"it's", "[x]"}},
		{in: "[1, 010, true, 1.50]", want: []string{"1", "010", "true", "1.50"}},
		{in: "[sepal length (cm), petal width]", want: []string{"sepal length (cm)", "petal width"}},
		{in: "[a,\n b]", want: []string{"a", "b"}},
		{in: "[a, b] # a comment", want: []string{"a", "b"}},
		{in: "a,,b", err: `empty column name in "a,,b"`, hint: "single commas"},
		{in: "[a, b", err: `invalid list "[a, b": did not find expected ',' or ']'`, hint: `as in ["a,b", x2]`},
		{in: "[a,,b]", err: `invalid list "[a,,b]": did not find expected node content`, hint: "[x1, x2]"},
		{in: "[a] b", err: `invalid list "[a] b": text after the closing bracket`, hint: "[x1, x2]"},
		{in: "[a]\n---\n[b]", err: `invalid list "[a]\n---\n[b]": text after the closing bracket`, hint: "[x1, x2]"},
		{in: "[a, [b]]", err: `item 2 of "[a, [b]]": expected a column name, got a list`, hint: "one column name per entry"},
		{in: "[a, {b: c}]", err: `item 2 of "[a, {b: c}]": expected a column name, got a mapping`, hint: "one column name"},
		{in: "[a: b]", err: `item 1 of "[a: b]": expected a column name, got a mapping`, hint: "one column name"},
		{in: "[a, null]", err: `item 2 of "[a, null]": empty column name`, hint: `["null"]`},
		{in: "[a, ]", want: []string{"a"}}, // YAML allows a trailing comma
		{in: `[a, ""]`, err: `item 2 of "[a, \"\"]": empty column name`, hint: "remove the empty entry"},
		{in: "[a, !x b]", err: `item 2 of "[a, !x b]": expected a column name, got !x "b"`, hint: "one column name"},
		{in: "[&x a, *x]", err: `item 2 of "[&x a, *x]": expected a column name, got an alias`, hint: "one column name"},
	} {
		got, hint, err := parseList(test.in)
		switch {
		case test.err == "" && err != nil:
			t.Errorf("unexpected error for test %d: parseList(%q): %v", i, test.in, err)
		case test.err != "" && err == nil:
			t.Errorf("unexpected success for test %d: parseList(%q) = %q, want error %q", i, test.in, got, test.err)
		case err != nil:
			if err.Error() != test.err {
				t.Errorf("unexpected error for test %d: parseList(%q): got: %q want: %q", i, test.in, err, test.err)
			}
			if !strings.Contains(hint, test.hint) {
				t.Errorf("unexpected hint for test %d: parseList(%q): got: %q want it to contain %q", i, test.in, hint, test.hint)
			}
		case !reflect.DeepEqual(got, test.want):
			t.Errorf("unexpected list for test %d: parseList(%q): got: %#v want: %#v", i, test.in, got, test.want)
		}
	}
}

// TestListKeysFromSetAndEnv checks that every list key, found in the
// schema rather than named here (so keys added later are covered), takes
// a bracketed list, quoted names and a single name from --set and the
// environment, and that an error names the flag or the variable.
func TestListKeysFromSetAndEnv(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, f := range settable {
		if f.kind == kindList || f.kind == kindTargets {
			keys = append(keys, f.key)
		}
	}
	if len(keys) < 2 {
		t.Fatalf("list keys %q: want at least data.target and data.features", keys)
	}
	for _, key := range keys {
		for _, tc := range []struct {
			value string
			want  []string
		}{
			{"[p,q]", []string{"p", "q"}},
			{`["p,q", r]`, []string{"p,q", "r"}},
			{"p", []string{"p"}},
			{"[]", nil},
		} {
			t.Run(key+"="+tc.value, func(t *testing.T) {
				t.Parallel()
				set := &Config{}
				*set = Default()
				env := Default()
				f := byKey[key]
				if _, err := set.setText(f, tc.value); err != nil {
					t.Fatalf("--set %s=%s: %v", key, tc.value, err)
				}
				got, _ := set.Value(key)
				if len(tc.want) == 0 && len(got.([]string)) != 0 || len(tc.want) > 0 && !reflect.DeepEqual(got, tc.want) {
					t.Errorf("--set %s=%s gave %#v, want %#v", key, tc.value, got, tc.want)
				}
				if _, err := env.setText(f, tc.value); err != nil {
					t.Fatalf("%s=%s: %v", EnvVar(key), tc.value, err)
				}
				if g, _ := env.Value(key); !reflect.DeepEqual(g, got) {
					t.Errorf("%s=%s gave %#v, --set %#v", EnvVar(key), tc.value, g, got)
				}
			})
		}
	}
	// Through Parse: the error names the flag or the variable.
	_, err := parse([]byte(base), "c.yaml", []Override{{Key: "data.features", Value: "[a, [b]]", Source: "--set data.features=[a, [b]]"}}, nil)
	checkErr(t, err, want{"", 0, 0, "--set data.features", `item 2 of "[a, [b]]": expected a column name, got a list`, "one column name per entry"})
	_, err = parse([]byte(base), "c.yaml", nil, environFrom([]string{"MLPTRAIN_DATA_FEATURES=[a, b"}))
	checkErr(t, err, want{"", 0, 0, "MLPTRAIN_DATA_FEATURES", `invalid list "[a, b": did not find expected ',' or ']'`, "[x1, x2]"})
	// A bracketed list keeps names that a file's list would: the features
	// are exactly the two names, with no bracket left on either.
	c, err := parse([]byte(base), "c.yaml", []Override{{Key: "data.features", Value: "[sepal_length,petal_length]"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"sepal_length", "petal_length"}; !reflect.DeepEqual(c.Data.Features, want) {
		t.Errorf("--set data.features=[sepal_length,petal_length] gave %q, want %q", c.Data.Features, want)
	}
	// An error found by Validate in an item points at the flag too.
	_, err = parse([]byte(base), "c.yaml", []Override{{Key: "data.features", Value: "[a, y]"}}, nil)
	checkErr(t, err, want{"", 0, 0, "--set data.features", `"y" is a target column`, "leave features empty"})
}
