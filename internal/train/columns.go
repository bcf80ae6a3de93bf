package train

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mlptrain/mlptrain/internal/config"
	"github.com/mlptrain/mlptrain/internal/data"
)

// ColumnInfo describes a column of the training file as fit read it: the
// resolved schema, printed once at the start of fit and kept in
// report.json.
type ColumnInfo struct {
	Name string `json:"name"`
	// Type is "numeric", "categorical", "target" or "ignored".
	Type string `json:"type"`
	// Missing counts the column's missing cells in the whole training
	// file (features only).
	Missing int `json:"missing,omitempty"`
	// Levels is a categorical column's one-hot width: its levels in the
	// training split, with "(missing)" and "(other)" if it has them.
	Levels int `json:"levels,omitempty"`
	// Impute is the value of a numeric column's missing cell, if it had
	// any; Indicator says that it has a missing-value input.
	Impute    *float64 `json:"impute,omitempty"`
	Indicator bool     `json:"missing_indicator,omitempty"`
	// Classes is a classification target's number of classes.
	Classes int `json:"classes,omitempty"`
}

// columnInfo describes the columns of the training split train, read
// from a file whose feature columns had missing[j] missing cells.
func columnInfo(train *data.Dataset, enc *data.Encoding, missing []int, cfg *config.Config) []ColumnInfo {
	var out []ColumnInfo
	for _, t := range train.TargetNames {
		out = append(out, ColumnInfo{Name: t, Type: "target", Classes: len(train.Classes)})
	}
	for j, c := range enc.Columns {
		ci := ColumnInfo{Name: c.Name, Type: c.Type, Missing: missing[j]}
		if c.Type == data.Categorical {
			ci.Levels = c.Width()
		} else if missing[j] > 0 {
			v := c.Impute
			ci.Impute, ci.Indicator = &v, c.Indicator
		}
		out = append(out, ci)
	}
	for _, c := range cfg.Data.Ignore {
		out = append(out, ColumnInfo{Name: c, Type: "ignored"})
	}
	return out
}

// WriteColumns writes the columns as a short table, one line each, for
// the start of fit.
func WriteColumns(w io.Writer, file string, rows, dropped int, cols []ColumnInfo, impute string) error {
	width := 0
	for _, c := range cols {
		width = max(width, len([]rune(c.Name)))
	}
	width = min(width, 32)
	head := fmt.Sprintf("columns of %s (%d rows", file, rows)
	if dropped > 0 {
		head += fmt.Sprintf(", %d more left out: target missing", dropped)
	}
	var b strings.Builder
	b.WriteString(head + "):\n")
	for _, c := range cols {
		var desc string
		switch c.Type {
		case "target":
			desc = "target"
			if c.Classes > 0 {
				desc += fmt.Sprintf(", %d classes", c.Classes)
			}
		case data.Categorical:
			desc = fmt.Sprintf("categorical, %d level%s", c.Levels, plural(c.Levels))
		case "ignored":
			desc = "ignored"
		default:
			desc = "numeric"
		}
		if c.Missing > 0 {
			desc += fmt.Sprintf(", %d missing", c.Missing)
			if c.Impute != nil {
				desc += fmt.Sprintf(" (imputed: %s %s", impute, FormatFloat(*c.Impute))
				if c.Indicator {
					desc += ", with an indicator"
				}
				desc += ")"
			}
		}
		name := c.Name
		if r := []rune(name); len(r) > width {
			name = string(r[:width-1]) + "…"
		}
		fmt.Fprintf(&b, "  %-*s  %s\n", width, name, desc)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// hasColumns reports whether the schema is worth printing: some column
// is categorical, ignored or has missing cells.
func hasColumns(cols []ColumnInfo) bool {
	return slices.ContainsFunc(cols, func(c ColumnInfo) bool {
		return c.Type == data.Categorical || c.Type == "ignored" || c.Missing > 0
	})
}
