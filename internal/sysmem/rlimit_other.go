//go:build !linux

package sysmem

// addressSpace returns 0: the address-space limit is read on Linux only.
func addressSpace() int64 { return 0 }
