package sysmem

import "syscall"

// addressSpace returns this process's address-space limit (RLIMIT_AS),
// or 0 if there is none (RLIM_INFINITY is all ones).
func addressSpace() int64 {
	var r syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_AS, &r) != nil || r.Cur > 1<<62 {
		return 0
	}
	return int64(r.Cur)
}
