#!/usr/bin/python3
"""scikit-learn's MLPClassifier on an overfitting config (issue 14's target): plain and regularized.

usage (from the repository root):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 \
        /usr/bin/python3 bench/overfit_sklearn.py [--seeds 5] [--alphas 1e-4,...] [--json OUT] [CONFIG]
(default config: configs/cells_plain.yaml)

The data protocol is bench/tabular_sklearn.py's (imported from it: the same reading of data.train,
data.test, data.ignore, data.normalize, the same seeded stratified hold-out of data.validation with
the run's seed). The network is the config's: hidden_layer_sizes and activation from model.layers,
solver adam, learning_rate_init = train.learning_rate, batch_size = train.batch_size, shuffle,
random_state = seed (1..N). Rows:

  plain        alpha 0, max_iter = train.epochs, tol 0 and n_iter_no_change = epochs + 1 (every epoch
               runs, no early stopping); fitted on the training file less the held-out validation
               rows, which are scored as "validation" — the plain mlptrain config's twin.
  es, alpha A  scikit-learn's own regularization, its best effort: alpha = A (L2) and
               early_stopping=True (validation_fraction = data.validation, n_iter_no_change 10,
               tol 1e-4: its defaults; the best epoch's weights are kept), max_iter = train.epochs;
               fitted on the whole training file (it holds out its own stratified validation part).
               "validation" is its best_validation_score_ (accuracy on that part).
  best         the es row whose mean validation accuracy over the seeds is highest (chosen on
               validation, never on test).

Printed: a markdown table of train, validation and test accuracy, mean ± sample std (ddof=1) over
the seeds, and the epochs run. "train" is the rows fitted on for plain; for the es rows, the whole
training file (scikit-learn does not say which rows it held out), its validation part included.
"""
import argparse
import json
import os
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tabular_sklearn import Problem, scores  # noqa: E402  (the shared data protocol)

DEFAULT_ALPHAS = "1e-4,1e-3,1e-2,0.1,0.3,1,3,10"


def fit_one(p, seed, alpha, early):
    X, y, _ = p.xy(p.train_df)
    Xt, yt, _ = p.xy(p.test_df)
    model = p.pipeline(seed, 0)  # the preprocessing of tabular_sklearn; the MLP is replaced below
    val = float(p.validation)
    kw = dict(hidden_layer_sizes=p.hidden, activation=p.activation, solver="adam",
              learning_rate_init=p.lr, batch_size=p.batch, max_iter=p.epochs, shuffle=True,
              random_state=seed, alpha=alpha)
    if early:
        kw.update(early_stopping=True, validation_fraction=val, n_iter_no_change=10, tol=1e-4)
    else:
        kw.update(early_stopping=False, n_iter_no_change=p.epochs + 1, tol=0.0)
    model = Pipeline([("pre", model.named_steps["pre"]), ("mlp", MLPClassifier(**kw))])
    if early:
        Xf, yf, Xv, yv = X, y, None, None
    else:
        Xf, Xv, yf, yv = train_test_split(X, y, test_size=val, random_state=seed, stratify=y)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(Xf, yf)
    sec = time.perf_counter() - t0
    mlp = model.named_steps["mlp"]
    r = {"seed": seed, "epochs_run": mlp.n_iter_, "fit_seconds": sec, "test": scores(p, model, Xt, yt)}
    if early:
        r["validation_accuracy"] = mlp.best_validation_score_
        # scikit-learn does not expose which rows it held out (its split draws from the same
        # RandomState as the initialization), so "train" is the whole training file here: the
        # rows it fitted on and its own validation part together
        r["train_accuracy"] = accuracy_score(y, model.predict(X))
        r["n_fit"] = len(y) - round(val * len(y))
    else:
        r["validation_accuracy"] = accuracy_score(yv, model.predict(Xv))
        r["train_accuracy"] = accuracy_score(yf, model.predict(Xf))
        r["n_fit"] = len(yf)
    return r


def ms(vals, d=3):
    sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
    return f"{statistics.mean(vals):.{d}f} ± {sd:.{d}f}"


def row(label, runs):
    tr = [r["train_accuracy"] for r in runs]
    va = [r["validation_accuracy"] for r in runs]
    te = [r["test"]["accuracy"] for r in runs]
    auc = [r["test"]["roc_auc"] for r in runs]
    ep = [r["epochs_run"] for r in runs]
    return (f"| {label} | {ms(tr)} | {ms(va)} | {ms(te)} | {ms(auc)} | "
            f"{statistics.mean(ep):.0f} ({min(ep)}–{max(ep)}) |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--alphas", default=DEFAULT_ALPHAS)
    ap.add_argument("--json", help="write every run here")
    ap.add_argument("config", nargs="?", default="configs/cells_plain.yaml")
    a = ap.parse_args()
    p = Problem(a.config)
    if not p.classification or isinstance(p.validation, str):
        raise SystemExit(f"{a.config}: needs a classification config with data.validation a fraction")
    seeds = range(1, a.seeds + 1)
    out = {"plain": [fit_one(p, s, 0.0, False) for s in seeds]}
    alphas = [float(x) for x in a.alphas.split(",")]
    for al in alphas:
        out[f"es, alpha {al:g}"] = [fit_one(p, s, al, True) for s in seeds]
    es_keys = [k for k in out if k.startswith("es")]
    best = max(es_keys, key=lambda k: statistics.mean(r["validation_accuracy"] for r in out[k]))
    hid = "-".join(map(str, p.hidden)) + " " + p.activation
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; {a.config}: MLPClassifier {hid}, adam "
          f"lr {p.lr}, batch {p.batch}, max {p.epochs} epochs; seeds 1..{a.seeds}, mean ± sample std; "
          f"test n = {out['plain'][0]['test']['n']}, fitted on {out['plain'][0]['n_fit']} rows.\n")
    print("| scikit-learn | train accuracy | validation accuracy | test accuracy | test roc_auc | epochs run |")
    print("|---|---|---|---|---|---|")
    print(row("plain (alpha 0, no early stopping)", out["plain"]))
    print(row(f"best effort: {best}, early_stopping=True (chosen on validation)", out[best]))
    print("\nevery alpha tried (early_stopping=True):\n")
    print("| scikit-learn | train accuracy | validation accuracy | test accuracy | test roc_auc | epochs run |")
    print("|---|---|---|---|---|---|")
    for k in es_keys:
        print(row(k, out[k]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"schema": 1, "sklearn": sklearn.__version__, "config": a.config, "best": best, "runs": out}, f, indent=1)


if __name__ == "__main__":
    main()
