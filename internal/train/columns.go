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
			ci.Impute, ci.Indicator = c.Impute, c.Indicator
		}
		out = append(out, ci)
	}
	for _, c := range cfg.Data.Ignore {
		out = append(out, ColumnInfo{Name: c, Type: "ignored"})
	}
	return out
}

// maxListed is the most columns WriteColumns lists one by one.
const maxListed = 30

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
	// A wide table lists the columns that are not plain numbers, and
	// counts the rest.
	plain := 0
	if len(cols) > maxListed {
		for _, c := range cols {
			if plainColumn(c) {
				plain++
			}
		}
	}
	for _, c := range cols {
		if plain > 0 && plainColumn(c) {
			continue
		}
		var desc string
		switch c.Type {
		case "target":
			desc = "target"
			if c.Classes > 0 {
				desc += fmt.Sprintf(", %d classes", c.Classes)
			}
		case data.Categorical:
			desc = fmt.Sprintf("categorical, %d level%s", c.Levels, plural(c.Levels))
			if c.Missing > 0 {
				desc += " incl. " + data.MissingLevel
			}
		case "ignored":
			desc = "ignored"
		default:
			desc = "numeric"
		}
		if c.Missing > 0 {
			desc += fmt.Sprintf(", %d missing", c.Missing)
			if c.Impute != nil {
				desc += fmt.Sprintf(" (imputed: %s %.6g", impute, *c.Impute)
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
	if plain > 0 {
		fmt.Fprintf(&b, "  and %d numeric column%s with no missing cell\n", plain, plural(plain))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// plainColumn reports whether c is a numeric feature with no missing
// cell, which WriteColumns may count rather than list.
func plainColumn(c ColumnInfo) bool { return c.Type == data.Numeric && c.Missing == 0 }

// ShowColumns reports whether the columns are worth showing at the start
// of fit: some column is categorical, ignored or has missing cells, or
// the file had rows without a target.
func (p *Problem) ShowColumns() bool {
	return p.Dropped > 0 || slices.ContainsFunc(p.Columns, func(c ColumnInfo) bool { return !plainColumn(c) && c.Type != "target" })
}
