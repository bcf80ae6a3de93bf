// Command gendata writes the datasets of the lecture's examples (package
// examples) into a folder, replacing files of the same names:
//
//	go run ./internal/examples/gendata -out datasets
//
// Every run writes the same bytes. Each file is written to a temporary file
// and renamed, so an interrupted run leaves the old file whole.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mlptrain/mlptrain/internal/atomicfile"
	"github.com/mlptrain/mlptrain/internal/examples"
)

func main() {
	out := flag.String("out", "datasets", "folder to write the CSV files into")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintf(os.Stderr, "gendata: unexpected argument %q; usage: gendata [-out DIR]\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range examples.Files() {
		path := filepath.Join(dir, f.Name)
		if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(f.Data); return err }); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d bytes)\n", path, len(f.Data))
	}
	return nil
}
