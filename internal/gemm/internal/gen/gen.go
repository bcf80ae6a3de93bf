package gen

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// File is a generated file: its name in internal/gemm and its contents.
type File struct {
	Name string
	Data []byte
}

// Files returns the files the generator writes in internal/gemm. It
// returns an error only if the Go it generates does not parse, a bug of
// the generator.
func Files() ([]File, error) {
	code, err := goCode()
	if err != nil {
		return nil, fmt.Errorf("gen: kernel_gen_amd64.go: %w", err)
	}
	return []File{{"kernel_amd64.s", asm()}, {"kernel_gen_amd64.go", code}}, nil
}

// emitter accumulates the text of a generated file.
type emitter struct{ out bytes.Buffer }

// p writes a line.
func (e *emitter) p(format string, args ...any) { fmt.Fprintf(&e.out, format+"\n", args...) }

// comment writes text as a comment, wrapped at 76 columns.
func (e *emitter) comment(text string) {
	line := "//"
	for _, w := range strings.Fields(text) {
		if line != "//" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > 76 {
			e.p("%s", line)
			line = "//"
		}
		line += " " + w
	}
	e.p("%s", line)
}
