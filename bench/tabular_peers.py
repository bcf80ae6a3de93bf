#!/usr/bin/python3
"""Times the Python peers on the tabular benchmark (bench/gen_tabular.py: 4 numeric columns, two
categorical columns of 250 string levels, a 3-class string target; 1,000,000 rows by default).

usage (from the repository root):
    /usr/bin/python3 bench/tabular_peers.py [--threads "1 2"] [--epochs 3] [--repeat 3]
                                            [--impl prep,embed,dense] [--json OUT] FILE.csv
    (make FILE.csv with: /usr/bin/python3 bench/gen_tabular.py FILE.csv)

Peers, each timed in a process of its own per thread count, started by this script (the driver)
with the environment the peers run best in: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (set on
some machines here for old OpenBLAS builds; they slow a current one), OMP_NUM_THREADS,
MKL_NUM_THREADS and OPENBLAS_NUM_THREADS = the thread count, OMP_WAIT_POLICY=PASSIVE (Debian's
torch uses libgomp with OpenBLAS: spinning OpenMP workers starve OpenBLAS's threads otherwise),
and torch.set_num_threads(T).

  prep   the preprocessing a scikit-learn user writes: pandas.read_csv (C engine, default
         options), then OneHotEncoder(handle_unknown="ignore") (sparse output, its default) of
         cat_a, cat_b and StandardScaler of x1..x4, and LabelEncoder of the target; also
         pandas.get_dummies of the two categoricals (dense, the input of `dense`) and its
         conversion to one float32 array. The median of --repeat runs of each step.
  embed  PyTorch float32, the one-hot layer written as embeddings: h = x·W_num + E[cat_a] +
         E[cat_b] + b (one nn.EmbeddingBag(500, 64, mode="sum") over the two codes, offset by 250
         for cat_b: exactly one-hot·W₁ over the 500 one-hot columns, with nn.Linear(4, 64) for the
         standardized numerics), ReLU, nn.Linear(64, 3); softmax cross-entropy
         (nn.CrossEntropyLoss), Adam (lr 1e-3), batch 512, a fresh torch.randperm shuffle every
         epoch, the last partial batch kept.
  dense  the same network and training on the dense input a typical user builds:
         pandas.get_dummies → 504 float32 columns (4 standardized numerics + 500 one-hot),
         nn.Linear(504, 64) → ReLU → nn.Linear(64, 3).

For embed and dense: 1 warm-up epoch + --epochs timed epochs (default 3); the epoch time is their
median (each: wall time of the epoch's loop alone, the shuffle included; data loading and encoding
are not in it — prep times those). Peak RSS from resource.getrusage(RUSAGE_SELF).ru_maxrss of the
peer's own process: after loading/encoding ("rss_load_mb") and at the end ("rss_peak_mb").

Prints one JSON document on stdout (and writes it to --json): the machine, versions, the
BLAS threadpools the peers ran on (threadpoolctl), and per thread count the timings.
Needs Debian's python3-numpy, python3-pandas, python3-sklearn, python3-torch
(python3-threadpoolctl optional).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

LEVELS_OFFSET = 250


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # Linux: KiB


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "threading_layer")}
                for d in threadpool_info()]
    except Exception as e:  # threadpoolctl missing
        return f"threadpoolctl unavailable: {e}"


def child_prep(a):
    import numpy as np
    import pandas as pd
    from sklearn.preprocessing import LabelEncoder, OneHotEncoder, StandardScaler
    steps = {k: [] for k in ("read_csv", "onehot_sklearn", "scale_numeric", "label_encode",
                             "get_dummies", "dummies_to_float32")}
    shape = {}
    for _ in range(a.repeat):
        t = time.perf_counter()
        df = pd.read_csv(a.path)
        steps["read_csv"].append(time.perf_counter() - t)
        t = time.perf_counter()
        oh = OneHotEncoder(handle_unknown="ignore").fit_transform(df[["cat_a", "cat_b"]])
        steps["onehot_sklearn"].append(time.perf_counter() - t)
        t = time.perf_counter()
        xn = StandardScaler().fit_transform(df[["x1", "x2", "x3", "x4"]])
        steps["scale_numeric"].append(time.perf_counter() - t)
        t = time.perf_counter()
        y = LabelEncoder().fit_transform(df["label"])
        steps["label_encode"].append(time.perf_counter() - t)
        t = time.perf_counter()
        d = pd.get_dummies(df[["cat_a", "cat_b"]])
        steps["get_dummies"].append(time.perf_counter() - t)
        t = time.perf_counter()
        X = np.hstack([xn.astype(np.float32), d.to_numpy(dtype=np.float32)])
        steps["dummies_to_float32"].append(time.perf_counter() - t)
        shape = {"rows": len(df), "onehot_columns": oh.shape[1], "dense_columns": X.shape[1], "classes": int(y.max()) + 1}
        del df, oh, xn, y, d, X
    med = {k: statistics.median(v) for k, v in steps.items()}
    med["sklearn_total"] = med["read_csv"] + med["onehot_sklearn"] + med["scale_numeric"] + med["label_encode"]
    return {"seconds_median": med, "seconds_all": steps, "shape": shape, "rss_peak_mb": rss_mb()}


def load_encoded(path, dense):
    """The standardized numerics, the category codes (0..249, 250..499) or the dense dummies, the labels."""
    import numpy as np
    import pandas as pd
    df = pd.read_csv(path)
    xn = df[["x1", "x2", "x3", "x4"]].to_numpy(np.float64)
    xn = ((xn - xn.mean(0)) / xn.std(0)).astype(np.float32)
    y = pd.Categorical(df["label"]).codes.astype(np.int64)
    if dense:
        d = pd.get_dummies(df[["cat_a", "cat_b"]]).to_numpy(dtype=np.float32)
        X = np.ascontiguousarray(np.hstack([xn, d]))
        return X, None, y
    ca = pd.Categorical(df["cat_a"]).codes.astype(np.int64)
    cb = pd.Categorical(df["cat_b"]).codes.astype(np.int64) + LEVELS_OFFSET
    return xn, np.ascontiguousarray(np.column_stack([ca, cb])), y


def child_torch(a, dense):
    import numpy as np
    import torch
    from torch import nn
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    t = time.perf_counter()
    xn, codes, y = load_encoded(a.path, dense)
    load_s = time.perf_counter() - t
    rss_load = rss_mb()
    Xt, yt = torch.from_numpy(xn), torch.from_numpy(y)
    Ct = torch.from_numpy(codes) if codes is not None else None
    H, K = 64, int(y.max()) + 1

    if dense:
        model = nn.Sequential(nn.Linear(Xt.shape[1], H), nn.ReLU(), nn.Linear(H, K))

        def forward(idx):
            return model(Xt[idx])
        params = model.parameters()
    else:
        class Embed(nn.Module):
            def __init__(self):
                super().__init__()
                self.num = nn.Linear(Xt.shape[1], H)  # its bias is the hidden bias b₁
                self.cat = nn.EmbeddingBag(2 * LEVELS_OFFSET, H, mode="sum")
                self.out = nn.Linear(H, K)

            def forward(self, x, c):
                return self.out(torch.relu(self.num(x) + self.cat(c)))
        model = Embed()

        def forward(idx):
            return model(Xt[idx], Ct[idx])
        params = model.parameters()
    opt = torch.optim.Adam(params, lr=1e-3)
    lossf = nn.CrossEntropyLoss()
    n, B = len(y), 512
    epochs = []
    for ep in range(a.epochs + 1):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        tot, correct = 0.0, 0
        for s in range(0, n, B):
            idx = perm[s:s + B]
            yb = yt[idx]
            opt.zero_grad(set_to_none=True)
            z = forward(idx)
            loss = lossf(z, yb)
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        sec = time.perf_counter() - t0
        epochs.append({"epoch": ep + 1, "seconds": sec, "train_loss": tot / n})
        print(f"{'dense' if dense else 'embed'}\t{a.threads}\t{ep + 1}\t{sec:.3f}\t{tot / n:.5f}", file=sys.stderr, flush=True)
    with torch.no_grad():
        acc = float((forward(torch.arange(n)).argmax(1) == yt).float().mean())
    timed = [e["seconds"] for e in epochs[1:]]
    return {"epoch_seconds_median": statistics.median(timed), "epoch_seconds_min": min(timed),
            "epochs": epochs, "train_accuracy_after": acc, "load_encode_seconds": load_s,
            "input_columns": int(Xt.shape[1]), "parameters": sum(p.numel() for p in model.parameters()),
            "rss_load_mb": rss_load, "rss_peak_mb": rss_mb(), "torch_threads": torch.get_num_threads()}


def child(a):
    out = {"impl": a.child, "threads": a.threads}
    if a.child == "prep":
        out.update(child_prep(a))
    else:
        out.update(child_torch(a, dense=(a.child == "dense")))
    out["blas"] = blas_info()
    print(json.dumps(out))


def peer_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    for v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[v] = str(threads)
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    return env


def versions():
    v = {"python": platform.python_version()}
    for m in ("numpy", "pandas", "sklearn", "torch"):
        try:
            v[m] = __import__(m).__version__
        except Exception:
            v[m] = None
    return v


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", default="1 2", help='thread counts, a quoted list (default "1 2")')
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs after the warm-up one (default 3)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each prep step (default 3)")
    ap.add_argument("--impl", default="prep,embed,dense")
    ap.add_argument("--json", help="also write the JSON document here")
    ap.add_argument("--child", choices=["prep", "embed", "dense"], help=argparse.SUPPRESS)
    ap.add_argument("--child-threads", type=int, dest="threads", default=1, help=argparse.SUPPRESS)
    ap.add_argument("path")
    a = ap.parse_args()
    if a.child:
        return child(a)
    doc = {"schema": 1, "data": a.path, "bytes": os.path.getsize(a.path), "cpu": cpu(), "cores": os.cpu_count(),
           "versions": versions(), "env_removed": ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"],
           "env_set": {"OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": "T", "MKL_NUM_THREADS": "T",
                       "OPENBLAS_NUM_THREADS": "T"},
           "epochs_timed": a.epochs, "warmup_epochs": 1, "batch": 512, "hidden": 64, "optimizer": "adam lr 1e-3",
           "runs": []}
    for T in [int(t) for t in a.threads.split()]:
        for impl in a.impl.split(","):
            cmd = [sys.executable, os.path.abspath(__file__), "--child", impl, "--child-threads", str(T),
                   "--epochs", str(a.epochs), "--repeat", str(a.repeat), a.path]
            print(f"tabular_peers: {impl}, {T} thread(s)", file=sys.stderr, flush=True)
            t = time.perf_counter()
            res = subprocess.run(cmd, env=peer_env(T), stdout=subprocess.PIPE, text=True)
            if res.returncode != 0:
                doc["runs"].append({"impl": impl, "threads": T, "error": f"exit {res.returncode}"})
                continue
            r = json.loads(res.stdout.strip().splitlines()[-1])
            r["process_seconds"] = time.perf_counter() - t
            doc["runs"].append(r)
    s = json.dumps(doc, indent=1)
    print(s)
    if a.json:
        with open(a.json, "w") as f:
            f.write(s + "\n")


if __name__ == "__main__":
    main()
