#!/usr/bin/python3
"""Rebuilds datasets/cells.csv and datasets/cells_test.csv from Debian's r-cran-modeldata.

usage (from the repository root):
    python3 scripts/make_cells.py [--out datasets]

Source (see datasets/README.md): Debian `r-cran-modeldata` 1.1.0-1 (CRAN modeldata 1.1.0), the data
frame `cells` (Hill, LaPan, Li and Haney 2007: 2,019 cells, `case`, `class` PS/WS and 56 numeric
image measurements; no missing cells), exported with R's write.csv (R 4.2.2, Debian r-base-core
4.2.2.20221110-2; R writes numbers with up to 15 significant digits):
    Rscript -e 'suppressMessages(library(modeldata)); data(cells); write.csv(cells, stdout(), row.names = FALSE)'
(apt-get install --no-install-recommends r-cran-modeldata). The cells are kept as R writes them (the
quotes around strings dropped by the CSV reader/writer); every column in the package's order, the
paper's own Train/Test label `case` included (configs ignore it: data.ignore).

Split: stratified by `class` with numpy.random.default_rng(SEED).permutation, SEED = 1, the method
of scripts/make_real_datasets.py: for each class in sorted order its rows are permuted and the first
round(0.2 * n_class) go to cells_test.csv, the rest to cells.csv; both files keep the original row
order. Only the Python standard library and numpy are needed, and Rscript with modeldata.
"""
import argparse
import csv
import io
import os
import subprocess
import sys

import numpy as np

SEED = 1
TEST_FRACTION = 0.2
R_CODE = "suppressMessages(library(modeldata)); data(cells); write.csv(cells, stdout(), row.names = FALSE)"


def split(rows, strat_col):
    rng = np.random.default_rng(SEED)
    test = np.zeros(len(rows), bool)
    labels = [r[strat_col] for r in rows]
    for c in sorted(set(labels)):
        idx = np.array([i for i, l in enumerate(labels) if l == c])
        perm = rng.permutation(idx)
        test[perm[:round(TEST_FRACTION * len(idx))]] = True
    return [r for i, r in enumerate(rows) if not test[i]], [r for i, r in enumerate(rows) if test[i]]


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="datasets")
    a = ap.parse_args()
    res = subprocess.run(["Rscript", "-e", R_CODE], check=True, capture_output=True, text=True)
    rows = list(csv.reader(io.StringIO(res.stdout)))
    header, rows = rows[0], rows[1:]
    if len(rows) != 2019 or len(header) != 58:
        raise SystemExit(f"unexpected shape from modeldata::cells: {len(rows)} rows x {len(header)} columns")
    tr, te = split(rows, strat_col=header.index("class"))
    write(os.path.join(a.out, "cells.csv"), header, tr)
    write(os.path.join(a.out, "cells_test.csv"), header, te)


if __name__ == "__main__":
    main()
