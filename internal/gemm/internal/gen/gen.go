package gen

import (
	"bytes"
	"fmt"
)

// File is a generated file: its name in internal/gemm and its contents.
type File struct {
	Name string
	Data []byte
}

// Files returns the files the generator writes in internal/gemm.
func Files() []File {
	return []File{{"kernel_amd64.s", asm()}}
}

// emitter accumulates the text of a generated file.
type emitter struct{ out bytes.Buffer }

// p writes a line.
func (e *emitter) p(format string, args ...any) { fmt.Fprintf(&e.out, format+"\n", args...) }
