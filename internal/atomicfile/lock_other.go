//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package atomicfile

import "os"

// flock takes no lock: this system has no flock(2).
func flock(*os.File) (held bool, err error) { return false, nil }

func funlock(*os.File) error { return nil }
