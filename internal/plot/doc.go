// Package plot draws every picture of mlptrain with gonum/plot, each file
// written whole or not at all: the loss curves (Loss), a classifier's
// decision regions (Boundary), a regression's fitted curve (Fit), a
// binary classifier's ROC and precision-recall curves (ROCPR) and a
// sweep's losses against the swept value (Sweep). Run draws a finished
// fit's pictures into its run folder, as train.FitOptions.Pictures, so that
// train itself imports no plotting.
package plot
