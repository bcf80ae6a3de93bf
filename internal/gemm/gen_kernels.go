//go:build ignore

// gen_kernels writes the generated files of package gemm, which
// internal/gen makes: kernel_amd64.s, the assembly kernels, and
// kernel_gen_amd64.go, their Go side. Run it with go generate
// ./internal/gemm after editing internal/gen; TestGenerated fails until
// then.
package main

import (
	"log"
	"os"

	"github.com/mlptrain/mlptrain/internal/gemm/internal/gen"
)

func main() {
	files, err := gen.Files()
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(f.Name, f.Data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
