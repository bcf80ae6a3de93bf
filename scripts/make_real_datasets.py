#!/usr/bin/python3
"""Rebuilds the real tabular datasets in datasets/ (penguins, cars, credit) from their packages.

usage (from the repository root):
    python3 scripts/make_real_datasets.py [--vega DIR] [--out datasets]

Sources (see datasets/README.md):
  - npm `vega-datasets` 3.2.1: data/penguins.json, data/cars.json. --vega names the unpacked
    package folder; without it the script runs `npm pack vega-datasets@3.2.1` in a temporary folder.
  - Debian `r-cran-modeldata` 1.1.0-1: credit_data, exported with Rscript
    (apt-get install --no-install-recommends r-cran-modeldata).

The cells are kept as the packages give them: JSON null becomes an empty cell, R's NA is written
as `NA`, strings stay strings (penguins' Sex keeps its one "." cell, cars' Year stays a date string).
Nothing is imputed, renamed, recoded or dropped (rows whose target is missing stay in).

Each dataset is split into <name>.csv (train, 80 %) and <name>_test.csv (20 %) with
numpy.random.default_rng(SEED).permutation, SEED = 1: stratified by target for the two
classification sets (each class's rows permuted, the first round(0.2·n_class) go to test), a plain
permutation for cars (rows with a missing target may land in either file). Both files keep the
original row order. Only the Python standard library and numpy are needed.
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import numpy as np

SEED = 1
TEST_FRACTION = 0.2


def vega_dir(given):
    if given:
        return given
    tmp = tempfile.mkdtemp(prefix="vega-")
    subprocess.run(["npm", "pack", "vega-datasets@3.2.1", "--silent"], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    with tarfile.open(os.path.join(tmp, "vega-datasets-3.2.1.tgz")) as t:
        t.extractall(tmp)
    return os.path.join(tmp, "package")


def json_rows(path, columns):
    """The records of a vega JSON file as lists of strings, null as ""; numbers as JSON wrote them."""
    with open(path) as f:
        recs = json.load(f)
    out = []
    for r in recs:
        row = []
        for c in columns:
            v = r.get(c)
            if v is None:
                row.append("")
            elif isinstance(v, float) and v.is_integer():
                row.append(str(int(v)))
            else:
                row.append(str(v))
        out.append(row)
    return out


def r_rows(expr):
    """A data frame from R, written by write.csv (NA as "NA"), as a header and rows of strings."""
    code = f"suppressMessages(library(modeldata)); {expr}; write.csv(d, stdout(), row.names = FALSE)"
    res = subprocess.run(["Rscript", "-e", code], check=True, capture_output=True, text=True)
    rows = list(csv.reader(io.StringIO(res.stdout)))
    return rows[0], rows[1:]


def split(rows, strat_col=None):
    rng = np.random.default_rng(SEED)
    n = len(rows)
    test = np.zeros(n, bool)
    if strat_col is None:
        perm = rng.permutation(n)
        test[perm[:round(TEST_FRACTION * n)]] = True
    else:
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
    ap.add_argument("--vega", help="the unpacked vega-datasets package folder")
    ap.add_argument("--out", default="datasets")
    a = ap.parse_args()
    vd = vega_dir(a.vega)

    # Palmer penguins: every column of vega's penguins.json, in its order.
    cols = ["Species", "Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)",
            "Body Mass (g)", "Sex"]
    rows = json_rows(os.path.join(vd, "data", "penguins.json"), cols)
    tr, te = split(rows, strat_col=0)
    write(os.path.join(a.out, "penguins.csv"), cols, tr)
    write(os.path.join(a.out, "penguins_test.csv"), cols, te)

    # Cars (StatLib auto-mpg): every column of vega's cars.json, in its order.
    cols = ["Name", "Miles_per_Gallon", "Cylinders", "Displacement", "Horsepower", "Weight_in_lbs",
            "Acceleration", "Year", "Origin"]
    rows = json_rows(os.path.join(vd, "data", "cars.json"), cols)
    tr, te = split(rows)
    write(os.path.join(a.out, "cars.csv"), cols, tr)
    write(os.path.join(a.out, "cars_test.csv"), cols, te)

    # Credit scoring (modeldata::credit_data): every column, in its order.
    header, rows = r_rows("data(credit_data); d <- credit_data")
    tr, te = split(rows, strat_col=header.index("Status"))
    write(os.path.join(a.out, "credit.csv"), header, tr)
    write(os.path.join(a.out, "credit_test.csv"), header, te)


if __name__ == "__main__":
    main()
