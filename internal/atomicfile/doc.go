// Package atomicfile holds the one rule by which mlptrain writes a file
// (Write): a regular file appears whole or not at all (a temporary file
// beside it is written, synced, closed and renamed over it), a symbolic
// link is followed to the file it names, a device, a FIFO or an open file
// descriptor (/dev/stdout) is written through, and anything else (a
// directory, a block device, a socket) is refused. It owns the temporary
// files' names too, and removes those that a killed process left behind
// (RemoveTemps).
//
// Lock is a lock on a file that the kernel releases when its holder
// ends (flock(2)), so that two processes do not write one folder at once
// and a killed one does not block the next.
package atomicfile
