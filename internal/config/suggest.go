package config

import (
	"strings"
)

// synonyms maps names people often write to the key they mean.
var synonyms = map[string]string{
	"lr":             "learning_rate",
	"rate":           "learning_rate",
	"eta":            "learning_rate",
	"batch":          "batch_size",
	"minibatch":      "batch_size",
	"iterations":     "epochs",
	"weight_decay":   "l2",
	"lambda":         "l2",
	"regularization": "l2",
	"hidden":         "layers",
	"architecture":   "layers",
	"neurons":        "units",
	"size":           "units",
	"width":          "units",
	"objective":      "loss",
	"labels":         "target",
	"label":          "target",
	"y":              "target",
	"columns":        "features",
	"inputs":         "features",
	"sep":            "delimiter",
	"separator":      "delimiter",
	"workers":        "threads",
}

// nearest returns the candidate closest to s, or "" when none is close
// enough to be a likely typo. Case, "-" and "_" are ignored first; then
// the restricted Damerau-Levenshtein distance must be small for s's length.
func nearest(s string, candidates []string) string {
	if s == "" {
		return ""
	}
	ns := fold(s)
	if syn := synonym(s); syn != "" {
		for _, c := range candidates {
			if c == syn || strings.HasSuffix(c, "."+syn) {
				return c
			}
		}
	}
	for _, c := range candidates {
		if fold(c) == ns {
			return c
		}
	}
	limit := 1
	switch n := len([]rune(ns)); {
	case n >= 9:
		limit = 3
	case n >= 4:
		limit = 2
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := distance(ns, fold(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// synonym returns the key name that s is a known synonym of, or "".
func synonym(s string) string {
	ns := fold(s)
	for k, v := range synonyms {
		if fold(k) == ns {
			return v
		}
	}
	return ""
}

// fold lower-cases s and removes "-" and "_".
func fold(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("-", "", "_", "").Replace(s)
}

// distance returns the restricted Damerau-Levenshtein (optimal string
// alignment) distance between a and b, counting in runes. Inputs longer
// than 64 runes are treated as far apart, which keeps the cost bounded.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 20
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// didYouMean returns a hint naming the nearest candidate, or listing them
// all when none is near.
func didYouMean(s string, candidates []string, what string) string {
	if c := nearest(s, candidates); c != "" {
		return `did you mean "` + c + `"?`
	}
	return what + ": " + strings.Join(candidates, ", ")
}
