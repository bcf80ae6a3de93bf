//go:build !purego

package cpufeat

// purego is set by the purego build tag: no vector kernels, whatever the
// CPU supports.
const purego = false
