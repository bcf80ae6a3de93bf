//go:build unix

package atomicfile

import (
	"os"
	"strconv"
	"syscall"
)

// dupFile returns a new *os.File for this process's open file descriptor
// fd: a duplicate, sharing its offset, so that closing it leaves fd open.
func dupFile(fd int) (*os.File, error) {
	d, err := syscall.Dup(fd)
	if err != nil {
		return nil, os.NewSyscallError("dup", err)
	}
	syscall.CloseOnExec(d)
	return os.NewFile(uintptr(d), "fd "+strconv.Itoa(fd)), nil
}
