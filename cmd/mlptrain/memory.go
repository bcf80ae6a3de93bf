package main

import (
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlptrain/mlptrain/internal/sysmem"
	"github.com/mlptrain/mlptrain/internal/train"
)

// memoryFlag is --max-memory: the bound on the memory a run may plan to
// use (train.MemoryLimit), by default 3/4 of the machine's.
type memoryFlag struct{ value string }

func (m *memoryFlag) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&m.value, "max-memory", "auto",
		"refuse a config whose training would need more than `SIZE` of memory (16GiB, 500MB; none for no limit; auto: 3/4 of the machine's)")
}

// limit returns the limit the flag gives, and sets the Go runtime's soft
// memory limit to it, so that the garbage collector keeps the heap within
// what was estimated rather than letting it grow to twice the live data.
func (m *memoryFlag) limit() (*train.MemoryLimit, error) {
	var l train.MemoryLimit
	switch v := strings.TrimSpace(strings.ToLower(m.value)); v {
	case "auto", "":
		l = train.DefaultMemoryLimit()
	case "none", "off", "0":
		l = train.MemoryLimit{}
	default:
		n, err := sysmem.Parse(v)
		if err != nil || n <= 0 {
			return nil, usagef("--max-memory %q: want a size such as 16GiB or 500MB, none, or auto", m.value)
		}
		l = train.MemoryLimit{Bytes: n, Source: "--max-memory"}
	}
	if l.Bytes > 0 {
		debug.SetMemoryLimit(l.Bytes)
	}
	return &l, nil
}
