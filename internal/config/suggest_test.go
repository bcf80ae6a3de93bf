package config

import "testing"

func TestNearest(t *testing.T) {
	t.Parallel()
	keys := []string{"optimizer", "learning_rate", "momentum", "batch_size", "epochs", "l2", "seed"}
	for _, tc := range []struct{ in, want string }{
		{"learning_rat", "learning_rate"},
		{"learningRate", "learning_rate"},
		{"LEARNING-RATE", "learning_rate"},
		{"lr", "learning_rate"},
		{"epoch", "epochs"},
		{"epohcs", "epochs"},
		{"optimiser", "optimizer"},
		{"weight_decay", "l2"},
		{"sed", "seed"},
		{"xyz", ""},
		{"", ""},
		{"momentumxxxxxxxxx", ""},
	} {
		if got := nearest(tc.in, keys); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"a", "", 1}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"é", "e", 1},
	} {
		if got := distance(tc.a, tc.b); got != tc.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}
