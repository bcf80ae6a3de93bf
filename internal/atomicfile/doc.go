// Package atomicfile writes files that appear whole or not at all: a
// temporary file beside the target is written, synced, closed and renamed
// over it (Write). It owns the temporary files' names too, and removes
// those that a killed process left behind (RemoveTemps).
package atomicfile
