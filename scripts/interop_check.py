#!/usr/bin/env python3
"""The runtime side of the interop tests (InteropRoundTripTest, OnnxImportTest): real ONNX Runtime, TensorFlow and
PyTorch, run from the venv .ci/run makes (target/py). Each command prints one JSON object on its last line.

  check --mnist DIR --reference PROBS.f32 [--onnx FILE] [--pb FILE]
      Loads the exported model in ONNX Runtime and/or TensorFlow (the tutorial's reading code: GraphDef,
      import_graph_def, x:0 → pred:0, Session.run), runs MNIST's 10,000 test images (pixels 0..1) and compares the
      probabilities with mnist-fcn's own (PROBS.f32: float32 little-endian, [10000, 10]).
  torch --mnist DIR --out DIR [--steps N] [--normalise] [--seed S] [--opsets 13,17,...]
      Trains a 784-128-64-10 ReLU MLP with PyTorch for N steps of 64 images, exports it with torch.onnx.export
      (DIR/torch-mlp-opset<N>.onnx, the TorchScript exporter: the dynamo one needs onnxscript, not on the machine) and
      reports PyTorch's own test accuracy (and its predicted digits) for mnist-fcn to match.
  keras --mnist DIR --out DIR --probabilities FILE [--images N]
      The same for Keras 3 (784-128-64-10, ReLU then sigmoid, softmax out; one epoch on N training images), exported
      by model.export(format="onnx") on Keras's torch backend (DIR/keras-mlp.onnx).
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up chatter would bury the JSON line


def idx(path):
    with open(path, "rb") as f:
        magic, = struct.unpack(">i", f.read(4))
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def mnist_test(folder):
    images = idx(os.path.join(folder, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0
    return images, idx(os.path.join(folder, "t10k-labels-idx1-ubyte")).astype(np.int64)


def compare(probs, reference, seconds_load, seconds_infer, path):
    return {"argmax_agree": int((probs.argmax(1) == reference.argmax(1)).sum()), "images": int(len(reference)),
            "max_abs_diff": float(np.abs(probs - reference).max()), "bytes": os.path.getsize(path),
            "load_s": round(seconds_load, 4), "infer_s": round(seconds_infer, 4)}


def run_onnxruntime(path, x):
    import onnxruntime as ort
    t0 = time.perf_counter()
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    t1 = time.perf_counter()
    probs = session.run(["probabilities"], {"x": x})[0]
    t2 = time.perf_counter()
    meta = session.get_modelmeta().custom_metadata_map
    return probs, t1 - t0, t2 - t1, dict(meta)


def run_tensorflow(path, x):
    import tensorflow as tf
    t0 = time.perf_counter()
    # The tutorial's reading code, in TensorFlow 2.x's compat.v1 spelling.
    with tf.io.gfile.GFile(path, "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    with tf.Graph().as_default() as graph:
        tf.compat.v1.import_graph_def(graph_def, name="")
    x_in = graph.get_tensor_by_name("x:0")
    pred = graph.get_tensor_by_name("pred:0")
    with tf.compat.v1.Session(graph=graph) as sess:
        t1 = time.perf_counter()
        probs = sess.run(pred, feed_dict={x_in: x})
        t2 = time.perf_counter()
    return probs, t1 - t0, t2 - t1, tf.__version__


def check(args):
    x, _ = mnist_test(args.mnist)
    reference = np.fromfile(args.reference, dtype="<f4").reshape(-1, 10)
    out = {}
    if args.onnx:
        import onnx
        import onnxruntime
        model = onnx.load(args.onnx)
        onnx.checker.check_model(model, full_check=True)  # the ONNX spec's own validation, shapes inferred
        probs, load, infer, meta = run_onnxruntime(args.onnx, x)
        out["onnxruntime"] = compare(probs, reference, load, infer, args.onnx)
        out["onnxruntime"].update(version=onnxruntime.__version__, ir_version=model.ir_version,
                                  opset=model.opset_import[0].version, metadata=meta)
    if args.pb:
        probs, load, infer, version = run_tensorflow(args.pb, x)
        out["tensorflow"] = compare(probs, reference, load, infer, args.pb)
        out["tensorflow"]["version"] = version
    print(json.dumps(out))


def describe(path):
    import onnx
    exported = onnx.load(path)
    return {"bytes": os.path.getsize(path), "ops": sorted({n.op_type for n in exported.graph.node}),
            "opset": [o.version for o in exported.opset_import if o.domain in ("", "ai.onnx")][0],
            "ir_version": exported.ir_version}


def train_torch(args):
    import torch
    import torch.nn as nn
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    images = idx(os.path.join(args.mnist, "train-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = idx(os.path.join(args.mnist, "train-labels-idx1-ubyte")).astype(np.int64)
    mean, std = (0.1307, 0.3081) if args.normalise else (0.0, 1.0)
    # The picture goes in as [N, 1, 28, 28], as torchvision gives it; Flatten is part of the exported model.
    train_x = torch.from_numpy((images - mean) / std).reshape(-1, 1, 28, 28)
    train_y = torch.from_numpy(labels)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Dropout(0.1), nn.Linear(64, 10))  # raw logits out, as PyTorch classifiers usually end
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(args.seed)
    t0 = time.perf_counter()
    model.train()
    for _ in range(args.steps):
        batch = torch.randint(0, len(train_x), (64,), generator=generator)
        loss = nn.functional.cross_entropy(model(train_x[batch]), train_y[batch])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    train_s = time.perf_counter() - t0
    model.eval()
    test_x, test_y = mnist_test(args.mnist)
    with torch.no_grad():
        logits = model(torch.from_numpy((test_x - mean) / std).reshape(-1, 1, 28, 28))
    predicted = logits.argmax(1).numpy()
    if args.probabilities:  # PyTorch's own probabilities, for mnist-fcn's to be compared with
        torch.softmax(logits, 1).numpy().astype("<f4").tofile(args.probabilities)
    files = {}
    for opset in args.opsets:
        path = os.path.join(args.out, "torch-mlp-opset%d.onnx" % opset)
        torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),), path, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=opset, dynamo=False)
        files[path] = describe(path)
    if args.dynamo:  # torch.onnx.export's default exporter since PyTorch 2.9 (torch.export + onnxscript)
        path = os.path.join(args.out, "torch-mlp-dynamo.onnx")
        torch.onnx.export(model, (torch.zeros(2, 1, 28, 28),), path, input_names=["input"], output_names=["logits"],
                          dynamic_shapes=({0: torch.export.Dim("N")},), dynamo=True, external_data=False)
        files[path] = describe(path)
    print(json.dumps({"accuracy": float((predicted == test_y).mean()), "correct": int((predicted == test_y).sum()),
                      "train_s": round(train_s, 2), "torch": torch.__version__, "files": files,
                      "predicted": predicted.tolist()}))


def train_keras(args):
    os.environ["KERAS_BACKEND"] = "torch"  # Keras's ONNX export needs tf2onnx on TensorFlow, not on the machine
    import keras
    keras.utils.set_random_seed(args.seed)
    images = idx(os.path.join(args.mnist, "train-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = idx(os.path.join(args.mnist, "train-labels-idx1-ubyte")).astype(np.int64)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(64, activation="sigmoid"), keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    t0 = time.perf_counter()
    model.fit(images[:args.images], labels[:args.images], batch_size=64, epochs=1, verbose=0)
    train_s = time.perf_counter() - t0
    test_x, test_y = mnist_test(args.mnist)
    probs = model.predict(test_x.reshape(-1, 28, 28), batch_size=1000, verbose=0)
    probs.astype("<f4").tofile(args.probabilities)
    predicted = probs.argmax(1)
    path = os.path.join(args.out, "keras-mlp.onnx")
    model.export(path, format="onnx", verbose=False)
    print(json.dumps({"accuracy": float((predicted == test_y).mean()), "correct": int((predicted == test_y).sum()),
                      "train_s": round(train_s, 2), "keras": keras.__version__, "files": {path: describe(path)},
                      "predicted": predicted.tolist()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("--mnist", required=True)
    c.add_argument("--reference", required=True)
    c.add_argument("--onnx")
    c.add_argument("--pb")
    t = sub.add_parser("torch")
    t.add_argument("--mnist", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--steps", type=int, default=600)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--probabilities", help="write softmax(logits) of the 10,000 test images here (float32 LE)")
    t.add_argument("--dynamo", action="store_true", help="also export with the torch.export-based exporter")
    t.add_argument("--opsets", type=lambda v: [int(o) for o in v.split(",")], default=[17])
    t.add_argument("--normalise", action="store_true", help="train on (pixel - 0.1307) / 0.3081, as PyTorch's MNIST examples do")
    k = sub.add_parser("keras")
    k.add_argument("--mnist", required=True)
    k.add_argument("--out", required=True)
    k.add_argument("--probabilities", required=True)
    k.add_argument("--images", type=int, default=10000)
    k.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    {"check": check, "torch": train_torch, "keras": train_keras}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
