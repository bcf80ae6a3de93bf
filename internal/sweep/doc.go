// Package sweep runs many fits of one config: it plans the points of a
// grid of config keys (each a config resolved with the point's values),
// trains them with internal/train, some at once, and picks the best by
// validation loss. It writes the sweep's folder: sweep.json, sweep.csv
// and the sweep.png picture (drawn by internal/plot), beside each point's
// run folder.
package sweep
