package main

import (
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlptrain/mlptrain/internal/sysmem"
	"github.com/mlptrain/mlptrain/internal/train"
)

// memoryFlag is --max-memory: the bound on the memory a run may plan to
// use (train.MemoryLimit), by default sysmem.Default. Its value
// checks itself while the command line is parsed, as the numeric flags'
// do (flags.go).
type memoryFlag struct {
	text  string
	set   bool
	limit train.MemoryLimit
}

const memoryFlagHint = "give a size such as 16GiB or 500MB, none for no limit, or auto for 3/4 of the machine's memory (1/3 of ulimit -v, if less)"

func (m *memoryFlag) add(cmd *cobra.Command) {
	m.text = "auto"
	cmd.Flags().Var(m, "max-memory",
		"refuse a config whose training would need more than `SIZE` of memory (16GiB, 500MB; none for no limit; auto: 3/4 of the machine's, or 1/3 of ulimit -v)")
}

func (m *memoryFlag) String() string { return m.text }
func (m *memoryFlag) Type() string   { return "size" }

func (m *memoryFlag) Set(s string) error {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "auto":
		m.set = false
	case "none", "off":
		m.set, m.limit = true, train.MemoryLimit{}
	default:
		n, err := sysmem.Parse(v)
		if err != nil || n <= 0 {
			return flagError("max-memory", memoryFlagHint, "expected a memory size, got %q", s)
		}
		m.set, m.limit = true, train.MemoryLimit{Bytes: n, Source: "--max-memory"}
	}
	m.text = s
	return nil
}

// resolve returns the limit the flag gives (train.DefaultMemoryLimit
// unless set), and sets the Go runtime's soft memory limit to it, so that
// the garbage collector keeps the heap near what was estimated rather
// than letting it grow to twice the live data.
func (m *memoryFlag) resolve() *train.MemoryLimit {
	l := m.limit
	if !m.set {
		l = train.DefaultMemoryLimit()
	}
	if l.Bytes > 0 {
		debug.SetMemoryLimit(l.Bytes)
	}
	return &l
}
