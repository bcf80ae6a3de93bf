#!/usr/bin/python3
"""Writes the tabular benchmark data: numeric and high-cardinality categorical columns, 3-class string target.

usage: /usr/bin/python3 bench/gen_tabular.py [--rows 1000000] [--levels 250] [--seed 42] OUT.csv

Columns, in order: x1..x4 (numeric, %.4f), cat_a and cat_b (strings "a000".."a249", "b000".."b249":
`--levels` levels each, Zipf-like frequencies p_k ∝ 1/(k+3)^1.1 over a seeded shuffle of the names,
so every level occurs — about 700 rows for the rarest at 1,000,000 rows), and `label`
("low", "mid", "high").

The label is the argmax over the 3 classes of
    s_c = f_c(x) + A[cat_a, c] + B[cat_b, c] + g_c(x, cat_a) + 0.3·ε_c,   ε ~ Gumbel,
with f_c a smooth nonlinear function of all four numerics (sin, products, |x|, squares),
A and B per-level effects (N(0, 1)), and g_c an interaction of x1 with a per-level slope of cat_a:
learnable by a one-hidden-layer network on one-hot (or embedded) categoricals, not by a linear one
alone. Deterministic for a given --seed and --rows (the rows are made in chunks of 100,000 from one
generator). No missing cells. 1,000,000 rows: 44 MB of CSV. Learnability, checked on 100,000 rows
(test on the next 50,000): scikit-learn's MLPClassifier((64,), 20 epochs) on the one-hot columns
reaches 0.91 accuracy, a logistic regression 0.62.
Needs numpy (Debian's python3-numpy).
"""
import argparse
import sys

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=1_000_000)
ap.add_argument("--levels", type=int, default=250)
ap.add_argument("--seed", type=int, default=42)
ap.add_argument("out")
a = ap.parse_args()

rng = np.random.default_rng(a.seed)
L = a.levels
CLASSES = np.array(["low", "mid", "high"])
names_a = np.array([f"a{k:03d}" for k in range(L)])[rng.permutation(L)]  # rank -> name
names_b = np.array([f"b{k:03d}" for k in range(L)])[rng.permutation(L)]
p = 1.0 / (np.arange(L) + 3.0) ** 1.1
p /= p.sum()
A = rng.normal(0, 1, (L, 3))
B = rng.normal(0, 1, (L, 3))
slope = rng.normal(0, 1, (L, 3))  # per-level slope of x1, by class
W = rng.normal(0, 1, (5, 3))


def chunk(n):
    x = rng.normal(0, 1, (n, 4))
    ra = rng.choice(L, n, p=p)
    rb = rng.choice(L, n, p=p)
    feats = np.column_stack([np.sin(2 * x[:, 0]), x[:, 1] * x[:, 2], np.abs(x[:, 3]) - 0.8,
                             x[:, 2] ** 2 - 1, np.tanh(x[:, 0] + x[:, 3])])
    s = 1.5 * feats @ W + A[ra] + B[rb] + 0.7 * slope[ra] * x[:, :1]
    s += 0.3 * rng.gumbel(0, 1, (n, 3))
    return x, names_a[ra], names_b[rb], CLASSES[s.argmax(1)]


with open(a.out, "w") as f:
    f.write("x1,x2,x3,x4,cat_a,cat_b,label\n")
    for start in range(0, a.rows, 100_000):
        n = min(100_000, a.rows - start)
        x, ca, cb, y = chunk(n)
        cols = [np.char.mod("%.4f", x[:, j]) for j in range(4)] + [ca, cb, y]
        lines = cols[0]
        for c in cols[1:]:
            lines = np.char.add(np.char.add(lines, ","), c)
        f.write("\n".join(lines.tolist()))
        f.write("\n")
print(a.out, file=sys.stderr)
