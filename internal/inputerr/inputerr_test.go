package inputerr

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	t.Parallel()
	base := errors.New("not a number")
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{&Error{File: "a.csv", Line: 3, Column: 2, Key: `column "x"`, Err: base, Hint: "fix it"}, `a.csv:3:2: column "x": not a number (hint: fix it)`},
		{&Error{File: "a.csv", Line: 3, Err: base}, "a.csv:3: not a number"},
		{&Error{File: "a.csv", Column: 2, Err: base}, "a.csv: not a number"},
		{&Error{Key: "MLPTRAIN_TRAIN_EPOCHS", Err: base}, "MLPTRAIN_TRAIN_EPOCHS: not a number"},
		{&Error{File: "a.csv"}, "a.csv: invalid input"},
		// A file name with a line break is quoted, so the message stays on one line.
		{&Error{File: "a\nb.csv", Line: 1, Err: base}, `"a\nb.csv":1: not a number`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	wrapped := fmt.Errorf("load: %w", &Error{File: "c.yaml", Err: base})
	if !Is(wrapped) || !errors.Is(wrapped, base) {
		t.Error("Is or errors.Is fails through wrapping")
	}
	if Is(base) {
		t.Error("Is(plain error) = true")
	}
}
