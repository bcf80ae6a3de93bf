package examples_test

import (
	"fmt"

	"github.com/mlptrain/mlptrain/internal/examples"
)

func ExampleTranslations() {
	t, err := examples.Translations(examples.PatternA, examples.PatternB)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(t.Rows), "rows:", t.Classes[0], t.Classes[16])
	for _, k := range []int{0, 1, 15} {
		fmt.Println(examples.PatternA.Shift(k), examples.PatternB.Shift(k))
	}
	// Output:
	// 32 rows: A B
	// ■■■□■□□□□□□□□□□□ ■■□■■□□□□□□□□□□□
	// □■■■□■□□□□□□□□□□ □■■□■■□□□□□□□□□□
	// ■■□■□□□□□□□□□□□■ ■□■■□□□□□□□□□□□■
}
