package data

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// nearest returns the candidate closest to name by edit distance, ignoring
// case, if it is close enough to be a likely typo: at most a third of the
// length of name, and at least 2 edits allowed.
func nearest(name string, candidates []string) (string, bool) {
	lname := strings.ToLower(name)
	n := utf8.RuneCountInString(lname)
	limit := max(2, n/3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		m := utf8.RuneCountInString(lc)
		if m-n > limit || n-m > limit {
			continue // the distance is at least the difference in length
		}
		if d := editDistance(lname, lc); d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD <= limit
}

// editDistance returns the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// sortClasses returns the class names sorted: numerically if every name
// parses as a finite number, else by bytes. Names equal as numbers ("1",
// "1.0") are ordered by bytes.
func sortClasses(names []string) []string {
	out := slices.Clone(names)
	num := make(map[string]float64, len(out))
	for _, s := range out {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			num = nil
			break
		}
		num[s] = v
	}
	slices.SortFunc(out, func(a, b string) int {
		if num != nil {
			if c := cmp.Compare(num[a], num[b]); c != 0 {
				return c
			}
		}
		return strings.Compare(a, b)
	})
	return out
}
