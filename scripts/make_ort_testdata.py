#!/usr/bin/env python3
"""Writes internal/ortrun/testdata/mix.onnx and mix.expected.json, the
small model with which internal/ortrun tests its runner in the real ONNX
Runtime, made of the kinds of nodes the ONNX exporter uses:

    x (double [N,1]) -> IsNaN, Where: NaN becomes 0.5        -> x_filled
    c (string [N,1]) -> ai.onnx.ml LabelEncoder (string to int64,
                        unknown -1)                          -> index
    index -> Equal with [0,1,2], Cast to double: one-hot (an unknown
             category is all zeros; OneHot has no double kernel in ORT)
    Concat(x_filled, one-hot) -> MatMul (double initializer), Add
                                                              -> logits
    Softmax                                                   -> probabilities
    ArgMax                                                    -> class_index
    Gather from the class names (a string initializer)        -> label

and metadata_props, which run.js reads from the file. The expected outputs
are numpy's (float64). Run once with Debian's onnx and numpy
(apt-get install -y python3-onnx), from the repository root:

    /usr/bin/python3 scripts/make_ort_testdata.py
"""
import json
import math
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join("internal", "ortrun", "testdata")

CATEGORIES = ["a", "b", "c"]
CLASSES = ["setosa", "versicolor", "virginica"]
FILL = 0.5
# Rows of W: x, then the categories a, b, c. Dyadic values, so that the
# logits are exact whatever the order of summation.
W = np.array(
    [
        [1.0, -0.5, 0.25],
        [2.0, 0.0, -1.0],
        [0.0, 1.5, 0.0],
        [-1.0, 0.5, 2.0],
    ]
)
B = np.array([0.125, -0.25, 0.0])

X = [1.5, math.nan, -2.25, 0.75, -0.0]
C = ["a", "b", "c", "zzz", ""]


def model():
    D = TensorProto.DOUBLE
    nodes = [
        helper.make_node("IsNaN", ["x"], ["x_isnan"]),
        helper.make_node("Where", ["x_isnan", "fill", "x"], ["x_filled"]),
        helper.make_node(
            "LabelEncoder",
            ["c"],
            ["index"],
            domain="ai.onnx.ml",
            keys_strings=CATEGORIES,
            values_int64s=list(range(len(CATEGORIES))),
            default_int64=-1,
        ),
        helper.make_node("Equal", ["index", "levels"], ["c_is"]),
        helper.make_node("Cast", ["c_is"], ["c_onehot"], to=D),
        helper.make_node("Concat", ["x_filled", "c_onehot"], ["features"], axis=1),
        helper.make_node("MatMul", ["features", "W"], ["product"]),
        helper.make_node("Add", ["product", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["class_index"], axis=1, keepdims=0),
        helper.make_node("Gather", ["classes", "class_index"], ["label"], axis=0),
    ]
    inits = [
        numpy_helper.from_array(np.array([[FILL]]), "fill"),
        numpy_helper.from_array(np.arange(len(CATEGORIES), dtype=np.int64), "levels"),
        numpy_helper.from_array(W, "W"),
        numpy_helper.from_array(B, "b"),
        numpy_helper.from_array(np.array(CLASSES, dtype=object), "classes"),
    ]
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes,
        "ortrun_mix",
        [vi("x", D, ["N", 1]), vi("c", TensorProto.STRING, ["N", 1])],
        [
            vi("x_filled", D, ["N", 1]),
            vi("index", TensorProto.INT64, ["N", 1]),
            vi("logits", D, ["N", 3]),
            vi("probabilities", D, ["N", 3]),
            vi("class_index", TensorProto.INT64, ["N"]),
            vi("label", TensorProto.STRING, ["N"]),
        ],
        inits,
    )
    m = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 2)],
        producer_name="mlptrain-ortrun-testdata",
        producer_version="1",
    )
    m.ir_version = 8
    helper.set_model_props(m, {"mlptrain.classes": ",".join(CLASSES), "note": "ortrun self-test"})
    onnx.checker.check_model(m, full_check=True)
    return m


def expected():
    x = np.array(X).reshape(-1, 1)
    xf = np.where(np.isnan(x), FILL, x)
    index = np.array([CATEGORIES.index(c) if c in CATEGORIES else -1 for c in C]).reshape(-1, 1)
    onehot = (index == np.arange(len(CATEGORIES))).astype(np.float64)
    logits = np.concatenate([xf, onehot], axis=1) @ W + B
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    k = p.argmax(axis=1)
    n = len(X)

    def f(a):
        return [None if math.isnan(v) else v for v in a.reshape(-1).tolist()]

    return {
        "inputs": {
            "x": {"type": "float64", "dims": [n, 1], "data": [None if math.isnan(v) else v for v in X]},
            "c": {"type": "string", "dims": [n, 1], "data": C},
        },
        "outputs": {
            "x_filled": {"type": "float64", "dims": [n, 1], "data": f(xf)},
            "index": {"type": "int64", "dims": [n, 1], "data": index.reshape(-1).tolist()},
            "logits": {"type": "float64", "dims": [n, 3], "data": f(logits)},
            "probabilities": {"type": "float64", "dims": [n, 3], "data": f(p)},
            "class_index": {"type": "int64", "dims": [n], "data": k.tolist()},
            "label": {"type": "string", "dims": [n], "data": [CLASSES[i] for i in k]},
        },
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    onnx.save(model(), os.path.join(OUT, "mix.onnx"))
    with open(os.path.join(OUT, "mix.expected.json"), "w") as fh:
        # repr of a Python float round-trips; -0.0 is written as -0.0.
        json.dump(expected(), fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
