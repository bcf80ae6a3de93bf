//go:build !unix

package atomicfile

import (
	"errors"
	"os"
)

// dupFile fails: only Unix systems name their open file descriptors
// /dev/fd/N.
func dupFile(int) (*os.File, error) {
	return nil, errors.New("file descriptors cannot be named here")
}
