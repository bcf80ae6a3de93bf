#!/usr/bin/python3
"""A scikit-learn baseline for the real tabular datasets, configured from mlptrain's own configs.

usage (from the repository root):
    /usr/bin/python3 bench/tabular_sklearn.py [--seeds 5] [--json OUT.json] [--md OUT.md] [CONFIG ...]
(default configs: configs/penguins.yaml configs/cars.yaml configs/credit.yaml)

For each config, the protocol mlptrain follows, as far as scikit-learn can:
  - data.train is read with data.missing as the missing-cell markers (nothing else is missing:
    keep_default_na=False); rows whose target is missing are dropped (and counted), in train and test.
  - data.validation (a fraction) is held out of the training file, as mlptrain does: a seeded
    train_test_split, stratified for classification, with the run's seed; the model is fitted on
    the rest only (the held-out rows are scored too, as "validation"). A CSV path is used as is.
  - data.test is scored with the fitted pipeline.
  - data.ignore columns are dropped; a column is categorical when it is in data.categorical or has
    any non-numeric, non-missing cell (INTERFACE.md's rule); every other column is numeric.
  - categoricals: SimpleImputer(constant "(missing)") + OneHotEncoder(handle_unknown="ignore",
    max_categories = data.max_categories or None); a missing category is a level of its own and an
    unseen one encodes as all zeros.
  - numerics: SimpleImputer(data.impute: mean | median | zero → constant 0,
    add_indicator = data.missing_indicator) + StandardScaler (data.normalize: standardize;
    minmax → MinMaxScaler; none → no scaling). All statistics from the fitted rows only.
  - MLPClassifier / MLPRegressor: hidden_layer_sizes and the hidden activation from model.layers
    (all but the last; scikit-learn has one activation for every hidden layer), solver adam,
    learning_rate_init = train.learning_rate, batch_size = train.batch_size (0: the whole set),
    max_iter = train.epochs with tol = 0 and n_iter_no_change = epochs + 1 (so every epoch runs;
    early stopping is off), shuffle, alpha = train.l2 (0 unless set; scikit-learn's default 1e-4
    is not used), random_state = seed. The output layer is scikit-learn's own: softmax for several
    classes, one logistic unit for two, identity for regression.
  - data.normalize_target: standardize → TransformedTargetRegressor(StandardScaler); metrics in
    original units.
  - train.class_weight: MLPClassifier has no class or sample weights, so the baseline trains
    unweighted and says so in its output ("class_weight ignored").
Seeds 1..N (the split and the network's initialisation both change with the seed).

Metrics on test (and validation), mean ± sample std (ddof=1) over the seeds:
  classification: accuracy; roc_auc and average precision (pr_auc) — binary with the second class in
  sorted order as positive (mlptrain's rule), multiclass the macro one-vs-rest average;
  binary, also pr_auc_first_class: the average precision with the first class as positive (credit's
  minority, "bad"); regression: r2, mse, mae (original units).
"""
import argparse
import json
import math
import os
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
import yaml
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import (accuracy_score, average_precision_score, mean_absolute_error,
                             mean_squared_error, r2_score, roc_auc_score)
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler, label_binarize

DEFAULT_MISSING = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"]
DEFAULT_CONFIGS = ["configs/penguins.yaml", "configs/cars.yaml", "configs/credit.yaml"]
ACT = {"tanh": "tanh", "relu": "relu", "logistic": "logistic", "sigmoid": "logistic",
       "identity": "identity"}


def read(path, missing):
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=missing)


def is_numeric(col):
    s = col.dropna()
    return pd.to_numeric(s, errors="coerce").notna().all()


class Problem:
    def __init__(self, cfg_path):
        with open(cfg_path) as f:
            self.cfg = yaml.safe_load(f)
        self.path = cfg_path
        self.name = os.path.splitext(os.path.basename(cfg_path))[0]
        d, m, t = self.cfg["data"], self.cfg["model"], self.cfg["train"]
        self.missing = d.get("missing", DEFAULT_MISSING)
        self.target = d["target"]
        self.loss = m.get("loss", "squared_error")
        self.classification = self.loss in ("cross_entropy", "binary_cross_entropy")
        self.train_df = read(d["train"], self.missing)
        self.test_df = read(d["test"], self.missing) if d.get("test") else None
        self.validation = d.get("validation", 0.2)
        ignore = set(d.get("ignore") or [])
        feats = d.get("features") or [c for c in self.train_df.columns if c != self.target and c not in ignore]
        listed = set(d.get("categorical") or [])
        self.cat = [c for c in feats if c in listed or not is_numeric(self.train_df[c])]
        self.num = [c for c in feats if c not in self.cat]
        self.features = feats
        layers = m["layers"]
        self.hidden = tuple(int(l["units"]) for l in layers[:-1])
        acts = {l.get("activation", "tanh") for l in layers[:-1]}
        if len(acts) != 1:
            raise SystemExit(f"{cfg_path}: scikit-learn has one hidden activation, the config has {sorted(acts)}")
        self.activation = ACT[acts.pop()]
        self.lr = float(t.get("learning_rate", 0.05))
        self.batch = int(t.get("batch_size", 32))
        self.epochs = int(t.get("epochs", 200))
        self.l2 = float(t.get("l2", 0.0))
        self.class_weight = t.get("class_weight", "none")
        es = t.get("early_stopping") or {}
        self.patience = int(es.get("patience", 0))
        self.impute = d.get("impute", "mean")
        self.indicator = bool(d.get("missing_indicator", False))
        self.max_categories = int(d.get("max_categories", 0)) or None
        self.normalize = d.get("normalize", "standardize")
        self.normalize_target = d.get("normalize_target", "none")
        if t.get("optimizer", "sgd") != "adam":
            print(f"{cfg_path}: optimizer {t.get('optimizer')}: the baseline uses adam", file=sys.stderr)

    def xy(self, df):
        keep = df[self.target].notna()
        df = df[keep]
        y = df[self.target].to_numpy()
        if not self.classification:
            y = y.astype(float)
        X = df[self.features].copy()
        for c in self.num:
            X[c] = X[c].astype(float)
        return X, y, int((~keep).sum())

    def pipeline(self, seed, n_fit):
        imp = {"mean": SimpleImputer(strategy="mean", add_indicator=self.indicator),
               "median": SimpleImputer(strategy="median", add_indicator=self.indicator),
               "zero": SimpleImputer(strategy="constant", fill_value=0.0, add_indicator=self.indicator)}[self.impute]
        scale = {"standardize": [("scale", StandardScaler())], "minmax": [("scale", MinMaxScaler())],
                 "none": []}[self.normalize]
        num = Pipeline([("impute", imp)] + scale)
        cat = Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
                        ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist" if self.max_categories else "ignore",
                                                 max_categories=self.max_categories, sparse_output=False))])
        pre = ColumnTransformer([("num", num, self.num), ("cat", cat, self.cat)])
        kw = dict(hidden_layer_sizes=self.hidden, activation=self.activation, solver="adam",
                  learning_rate_init=self.lr, batch_size=self.batch if self.batch > 0 else n_fit,
                  max_iter=self.epochs, tol=0.0, n_iter_no_change=self.epochs + 1, alpha=self.l2,
                  shuffle=True, early_stopping=False, random_state=seed)
        if self.patience > 0:
            # The config stops early: so does scikit-learn, at its best. Its
            # early stopping holds out validation_fraction of what it is
            # given and watches the score (accuracy, R²) there; run() then
            # gives it the whole training file, as mlptrain splits it.
            kw.update(early_stopping=True, n_iter_no_change=self.patience,
                      validation_fraction=float(self.validation) if not isinstance(self.validation, str) else 0.2)
        if self.classification:
            return Pipeline([("pre", pre), ("mlp", MLPClassifier(**kw))])
        reg = Pipeline([("pre", pre), ("mlp", MLPRegressor(**kw))])
        if self.normalize_target == "standardize":
            return TransformedTargetRegressor(regressor=reg, transformer=StandardScaler())
        return reg


def scores(p, model, X, y):
    if p.classification:
        classes = sorted(model.classes_)
        proba = model.predict_proba(X)
        # reorder the columns to sorted class order (model.classes_ is sorted already; be explicit)
        proba = proba[:, [list(model.classes_).index(c) for c in classes]]
        out = {"n": len(y), "accuracy": accuracy_score(y, np.array(classes)[proba.argmax(1)])}
        if len(classes) == 2:
            pos = (y == classes[1]).astype(int)
            out["roc_auc"] = roc_auc_score(pos, proba[:, 1])
            out["pr_auc"] = average_precision_score(pos, proba[:, 1])
            # the same with the first class as positive (credit: "bad", the minority)
            out["pr_auc_first_class"] = average_precision_score(1 - pos, proba[:, 0])
        else:
            Y = label_binarize(y, classes=classes)
            out["roc_auc"] = roc_auc_score(Y, proba, average="macro", multi_class="ovr")
            out["pr_auc"] = average_precision_score(Y, proba, average="macro")
        return out
    pred = model.predict(X)
    return {"n": len(y), "r2": r2_score(y, pred), "mse": mean_squared_error(y, pred),
            "mae": mean_absolute_error(y, pred)}


def run(p, seeds):
    X, y, dropped = p.xy(p.train_df)
    test = p.xy(p.test_df) if p.test_df is not None else None
    classes = sorted(set(y)) if p.classification else None
    runs = []
    for seed in range(1, seeds + 1):
        if isinstance(p.validation, str):
            Xf, yf = X, y
            Xv, yv, _ = p.xy(read(p.validation, p.missing))
        elif p.validation and float(p.validation) > 0:
            Xf, Xv, yf, yv = train_test_split(X, y, test_size=float(p.validation), random_state=seed,
                                              stratify=y if p.classification else None)
        else:
            Xf, yf, Xv, yv = X, y, None, None
        model = p.pipeline(seed, len(yf))
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if p.patience > 0 and not isinstance(p.validation, str):
                model.fit(X, y)  # scikit-learn holds out its own validation part
            else:
                model.fit(Xf, yf)
        sec = time.perf_counter() - t0
        r = {"seed": seed, "fit_seconds": sec, "n_fit": len(yf)}
        mlp = model.named_steps["mlp"] if isinstance(model, Pipeline) else model.regressor_.named_steps["mlp"]
        r["epochs_run"] = mlp.n_iter_
        if Xv is not None:
            r["validation"] = scores(p, model, Xv, yv)
        if test is not None:
            r["test"] = scores(p, model, test[0], test[1])
        runs.append(r)
    return {"config": p.path, "task": "classification" if p.classification else "regression",
            "train_file": p.cfg["data"]["train"], "test_file": p.cfg["data"].get("test"),
            "rows_train_file": len(p.train_df), "dropped_rows_train": dropped,
            "dropped_rows_test": test[2] if test else None, "n_test": len(test[1]) if test else None,
            "classes": classes, "categorical": p.cat, "numeric": p.num, "hidden": list(p.hidden), "activation": p.activation,
            "learning_rate": p.lr, "batch_size": p.batch, "epochs": p.epochs,
            "class_weight": p.class_weight if p.class_weight in (None, "none") else f"{p.class_weight} (ignored: MLPClassifier has none)",
            "runs": runs, "summary": summarize(runs)}


def summarize(runs):
    out = {}
    for part in ("validation", "test"):
        if part not in runs[0]:
            continue
        out[part] = {}
        for k in runs[0][part]:
            if k == "n":
                continue
            vals = [r[part][k] for r in runs]
            out[part][k] = {"mean": statistics.mean(vals), "std": statistics.stdev(vals) if len(vals) > 1 else 0.0,
                            "values": vals}
    t = [r["fit_seconds"] for r in runs]
    out["fit_seconds"] = {"mean": statistics.mean(t), "std": statistics.stdev(t) if len(t) > 1 else 0.0}
    return out


def fmt(m, digits=3):
    if m is None:
        return "–"
    return f"{m['mean']:.{digits}f} ± {m['std']:.{digits}f}"


def markdown(results, seeds):
    lines = [f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, pandas {pd.__version__}; "
             f"{seeds} seeds (1..{seeds}), mean ± sample std; test-file metrics.", ""]
    cls = [r for r in results if r["task"] == "classification"]
    reg = [r for r in results if r["task"] == "regression"]
    if cls:
        lines += ["| dataset | n test | hidden | accuracy | roc_auc | pr_auc (average precision) | val accuracy | fit s |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in cls:
            s = r["summary"]
            lines.append(f"| {name(r)} | {r['n_test']} | {hid(r)} | {fmt(s['test']['accuracy'])} | "
                         f"{fmt(s['test']['roc_auc'])} | {fmt(s['test']['pr_auc'])} | "
                         f"{fmt(s.get('validation', {}).get('accuracy'))} | {s['fit_seconds']['mean']:.2f} |")
        lines.append("")
        for r in cls:
            f = r["summary"]["test"].get("pr_auc_first_class")
            if f:
                lines.append(f"- {name(r)}: positive class for roc_auc/pr_auc {r['classes'][1]!r} (the second in sorted order, "
                             f"mlptrain's rule); average precision with {r['classes'][0]!r} as positive: {fmt(f)}.")
        lines.append("")
    if reg:
        lines += ["| dataset | n test (dropped) | hidden | r2 | mse | mae | val r2 | fit s |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in reg:
            s = r["summary"]
            lines.append(f"| {name(r)} | {r['n_test']} ({r['dropped_rows_test']}) | {hid(r)} | {fmt(s['test']['r2'])} | "
                         f"{fmt(s['test']['mse'], 2)} | {fmt(s['test']['mae'], 2)} | "
                         f"{fmt(s.get('validation', {}).get('r2'))} | {s['fit_seconds']['mean']:.2f} |")
        lines.append("")
    for r in results:
        lines.append(f"- {name(r)}: categorical {r['categorical']}, numeric {r['numeric']}; "
                     f"{r['rows_train_file']} training-file rows, {r['dropped_rows_train']} dropped (no target); "
                     f"fitted on {r['runs'][0]['n_fit']}; adam lr {r['learning_rate']}, batch {r['batch_size']}, "
                     f"{r['epochs']} epochs; class_weight {r['class_weight']}.")
    return "\n".join(lines) + "\n"


def name(r):
    return os.path.splitext(os.path.basename(r["config"]))[0]


def hid(r):
    return "-".join(map(str, r["hidden"])) + " " + r["activation"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--json", help="write the full results (every seed) here")
    ap.add_argument("--md", help="write the markdown table here too")
    ap.add_argument("configs", nargs="*", default=DEFAULT_CONFIGS)
    a = ap.parse_args()
    results = [run(Problem(c), a.seeds) for c in a.configs]
    md = markdown(results, a.seeds)
    print(md, end="")
    doc = {"schema": 1, "sklearn": sklearn.__version__, "seeds": a.seeds, "results": results}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=1)
    else:
        print(json.dumps({r["config"]: r["summary"] for r in results}, indent=1))
    if a.md:
        with open(a.md, "w") as f:
            f.write(md)


if __name__ == "__main__":
    main()
