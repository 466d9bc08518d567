#!/usr/bin/python3
"""PyTorch replica of any mnist-fcn YAML config: the peer for networks the shared peer does not know.

../shared/bench/torch_mlp.py replicates the tutorial's two networks only; this script reads a config file
(hidden layers with their units, activation, init, dropout and l2; the output init; Adam or SGD with an optional
learning-rate schedule; weight decay; batch size; epochs; the TF split) and trains the same network in PyTorch,
printing the same per-epoch lines and closing `JSON {...}` line as torch_mlp.py (whose data loading, evaluation,
inference benchmark and CPU accounting it imports), so scripts/bench.py can put it beside mnist-fcn.

What maps how (DL4J semantics, so both sides train the same thing):
  dropout p on a layer   drops that layer's outputs with probability p (nn.Dropout(p): inverted dropout, as DL4J's)
  input_dropout p        the same on the 784 inputs
  l2 c                   DL4J adds c·w to the gradient (loss + c/2·|w|²): here the same term added to the loss
  updater.weight_decay c DL4J's WeightDecay(applyLR=true): w -= lr·c·w after the update: done by hand after step()
  schedule               DL4J's ISchedule formulas for step / exponential / inverse / poly, by epoch or iteration
  data.dataset, data.dir the same images (plain or gzipped IDX) from the folder the Java side would read
  data.validation_size,  the same split: the first N training images validate, the first train_limit of the rest
    data.train_limit     train; training.early_stopping is not replicated (all epochs run; a note on stderr)
  data.augment           torchvision's RandomAffine then ElasticTransform, drawn per image per epoch, made by
                         --augment-workers DataLoader worker processes (1: the core training leaves, as mnist-fcn's
                         producer thread). Differences from mnist-fcn's Distortion: torchvision's alpha is in
                         half-pixels (its displacement is alpha/size of a [-1, 1] grid), so alpha ×2 here; it blurs
                         with reflect padding over 4σ (mnist-fcn: zeros, 3σ); it rounds translations to whole pixels;
                         and it resamples twice (affine, then elastic; both bilinear) where mnist-fcn resamples once.

Usage: /usr/bin/python3 scripts/torch_config.py config/tuned.yaml [--epochs N] [--batch-size B] [--seed S]
       target/py/bin/python scripts/torch_config.py config/best-mlp.yaml --test-each-epoch   (needs torchvision)
"""
import argparse
import gzip
import json
import math
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_peers import shared_bench  # noqa: E402  (../shared beside the project, or $MNIST_FCN_SHARED)
sys.path.insert(0, shared_bench() or os.path.join(ROOT, "..", "shared", "bench"))
import torch_mlp  # noqa: E402  (the shared peer: data, evaluation, inference benchmark, CPU accounting)

ACTIVATIONS = {"relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "identity": lambda x: x}
# data.dataset's folder where neither --data-dir nor data.dir says (the Java side's DatasetName defaults)
DATASET_DIRS = {"mnist": os.path.join(ROOT, "data", "mnist"), "fashion-mnist": "/usr/share/datasets/fashion-mnist"}


def init_(weight, spec):
    """The config's weight init on a (out, in) tensor; fan-in is weight.shape[1] as in DL4J."""
    kind = (spec or {}).get("type", "xavier")
    fan_in, fan_out = weight.shape[1], weight.shape[0]
    if kind == "normal":
        weight.normal_(spec.get("mean", 0.0), spec["stddev"])
    elif kind == "truncated_normal":
        std = spec["stddev"]
        nn.init.trunc_normal_(weight, mean=spec.get("mean", 0.0), std=std, a=-2 * std, b=2 * std)
    elif kind == "xavier":  # DL4J XAVIER: N(0, 2/(fan_in + fan_out))
        weight.normal_(0.0, math.sqrt(2.0 / (fan_in + fan_out)))
    elif kind in ("relu", "he"):  # DL4J RELU: N(0, 2/fan_in)
        weight.normal_(0.0, math.sqrt(2.0 / fan_in))
    elif kind == "lecun_normal":
        weight.normal_(0.0, math.sqrt(1.0 / fan_in))
    elif kind == "zero":
        weight.zero_()
    else:
        sys.exit(f"torch_config.py: init type {kind!r} not replicated")


class ConfigMLP(nn.Module):
    def __init__(self, model):
        super().__init__()
        hidden = model.get("hidden", [])
        sizes = [model.get("input", 784)] + [h["units"] for h in hidden] + [model.get("output", 10)]
        self.layers = nn.ModuleList(nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:]))
        for h in hidden:
            if h.get("activation", "relu") not in ACTIVATIONS:
                sys.exit(f"torch_config.py: activation {h['activation']!r} is not replicated by torch_config.py "
                         f"(it replicates: {', '.join(ACTIVATIONS)})")
        self.acts = [ACTIVATIONS[h.get("activation", "relu")] for h in hidden]
        self.drops = [nn.Dropout(h.get("dropout") or 0.0) for h in hidden]
        self.input_drop = nn.Dropout(model.get("input_dropout") or 0.0)
        self.l2 = [h.get("l2") or 0.0 for h in hidden] + [0.0]
        with torch.no_grad():
            for k, lin in enumerate(self.layers):
                spec = hidden[k] if k < len(hidden) else None
                init_(lin.weight, spec.get("init") if spec else model.get("output_init"))
                lin.bias.fill_(spec.get("bias_init", 0.0) if spec else 0.0)

    def forward(self, x):
        x = self.input_drop(x)
        for lin, act, drop in zip(self.layers[:-1], self.acts, self.drops):
            x = drop(act(lin(x)))
        return self.layers[-1](x)

    def l2_term(self):
        return sum(0.5 * c * (lin.weight ** 2).sum() for c, lin in zip(self.l2, self.layers) if c)


def augmentation(augment, side=28):
    """data.augment as torchvision transforms of one 1×28×28 image (docstring above: what maps how)."""
    import types
    # The machine image's torchvision wheels are CUDA builds whose C++ ops cannot load beside torch+cpu; importing
    # torchvision then fails registering fake kernels for those ops (nms, roi_align). The transforms used here are
    # plain tensor code (affine_grid / grid_sample, gaussian_blur) and need none of them, so that module is skipped.
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import torchvision
    import torchvision.transforms as T
    steps = []
    rotation, scale, shear, shift = (augment.get(k) for k in ("rotation", "scale", "shear", "translation"))
    if rotation or scale or shear or shift:
        # bilinear, as mnist-fcn resamples: torchvision's default is nearest-neighbour (a review)
        steps.append(T.RandomAffine(degrees=rotation or 0, translate=(shift / side, shift / side) if shift else None,
                                    scale=tuple(scale) if scale else None, shear=shear or None,
                                    interpolation=T.InterpolationMode.BILINEAR))
    elastic = augment.get("elastic")
    if elastic and elastic.get("alpha"):
        steps.append(T.ElasticTransform(alpha=2.0 * elastic["alpha"], sigma=float(elastic["sigma"])))
    return T.Compose(steps), torchvision.__version__


class Distorted(torch.utils.data.Dataset):
    """The training images, each distorted afresh whenever it is fetched (in a DataLoader worker)."""

    def __init__(self, x, y, transform):
        self.x, self.y, self.transform = x, y, transform

    def __len__(self):
        return len(self.x)

    def __getitems__(self, indices):  # a whole batch per fetch: one message per batch between the processes
        return [(self.transform(self.x[i].view(1, 28, 28)).view(784), self.y[i]) for i in indices]


def batches(xtr, ytr, bs, gen, transform, workers):
    """The epoch's batches: shuffled rows of memory, or distorted ones from a DataLoader when augmenting."""
    if transform is None:
        perm = torch.randperm(len(xtr), generator=gen)
        return ((xtr[idx], ytr[idx]) for idx in (perm[i:i + bs] for i in range(0, len(xtr), bs)))
    return torch.utils.data.DataLoader(Distorted(xtr, ytr, transform), batch_size=bs, shuffle=True, generator=gen,
                                       num_workers=workers, persistent_workers=False,
                                       collate_fn=torch.utils.data.default_collate)


def data_dir(args, data):
    """The images' folder as the Java side picks it: --data-dir, else $MNIST_FCN_DATA_DIR (MNIST only), else
    data.dir, else data.dataset's own folder. A relative data.dir is the project root's, where mnist-fcn runs."""
    dataset = data.get("dataset") or "mnist"
    if dataset not in DATASET_DIRS:
        sys.exit(f"torch_config.py: data.dataset {dataset!r} is not one it knows ({', '.join(DATASET_DIRS)})")
    env = os.environ.get("MNIST_FCN_DATA_DIR", "").strip() if dataset == "mnist" else ""
    if args.data_dir or env:
        return os.path.expanduser(args.data_dir or env), dataset
    return os.path.join(ROOT, os.path.expanduser(data.get("dir") or DATASET_DIRS[dataset])), dataset


def read_idx(folder, name):
    """One IDX file, plain or gzipped (Debian's Fashion-MNIST package ships only the .gz files)."""
    path = os.path.join(folder, name)
    if os.path.exists(path):
        return torch_mlp.read_idx(path)
    if not os.path.exists(path + ".gz"):
        sys.exit(f"torch_config.py: no {name} (nor {name}.gz) in {folder}; give the dataset's folder with --data-dir "
                 "or data.dir")
    with gzip.open(path + ".gz") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(folder, validation_size, train_limit):
    """(train, validation, test) as mnist-fcn splits them: the first validation_size training images validate, the
    first train_limit of the rest train (0: all)."""
    def prep(x, y):
        return (torch.from_numpy(x.reshape(len(x), 784).astype(np.float32) / 255.0).contiguous(),
                torch.from_numpy(y.astype(np.int64)).contiguous())
    tr_x, tr_y = read_idx(folder, "train-images-idx3-ubyte"), read_idx(folder, "train-labels-idx1-ubyte")
    te_x, te_y = read_idx(folder, "t10k-images-idx3-ubyte"), read_idx(folder, "t10k-labels-idx1-ubyte")
    end = validation_size + train_limit if train_limit else len(tr_x)
    return (prep(tr_x[validation_size:end], tr_y[validation_size:end]),
            prep(tr_x[:validation_size], tr_y[:validation_size]), prep(te_x, te_y))


def learning_rate(lr, schedule, iteration, epoch):
    """DL4J's ISchedule.valueAt for the types a tuned config uses."""
    if not schedule:
        return lr
    t = epoch if schedule.get("by", "iteration") == "epoch" else iteration
    kind = schedule["type"]
    if kind == "exponential":
        return lr * schedule["gamma"] ** t
    if kind == "step":
        return lr * schedule["decay_rate"] ** math.floor(t / schedule["step"])
    if kind == "inverse":
        return lr / (1 + schedule["gamma"] * t) ** schedule["power"]
    if kind == "poly":  # DL4J's PolySchedule (M2.1): (1 + t/max_iter)^power, 0 from max_iter on (docs/regularisation.md)
        return 0.0 if t >= schedule["max_iter"] else lr * (1 + t / schedule["max_iter"]) ** schedule["power"]
    sys.exit(f"torch_config.py: schedule type {kind!r} not replicated")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--batch-size", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", default=None,
                    help="the dataset's IDX files, plain or .gz (default: data.dir, else data.dataset's folder: "
                         "data/mnist, /usr/share/datasets/fashion-mnist)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ftz", action="store_true")
    ap.add_argument("--no-infer-bench", action="store_true")
    ap.add_argument("--augment-workers", type=int, default=1, help="DataLoader processes distorting images")
    ap.add_argument("--test-each-epoch", action="store_true",
                    help="test accuracy after every epoch, for reporting time to 99%% only (nothing reads it)")
    args = ap.parse_args()
    with open(args.config) as f:
        cfg = yaml.safe_load(f)
    training = cfg.get("training", {})
    updater = training.get("updater", {"type": "adam", "learning_rate": 0.01})
    epochs = args.epochs or training.get("epochs", 20)
    bs = args.batch_size or training.get("batch_size", 50)
    lr0 = updater.get("learning_rate", 0.01)
    schedule = updater.get("schedule")
    weight_decay = updater.get("weight_decay") or 0.0

    torch.set_num_threads(args.threads)
    if args.ftz:
        torch.set_flush_denormal(True)
    data = cfg.get("data") or {}
    folder, dataset = data_dir(args, data)
    validation_size, train_limit = data.get("validation_size", 5000), data.get("train_limit") or 0
    if training.get("early_stopping") not in (None, False, "off"):
        print(f"torch_config.py: ignores training.early_stopping {training['early_stopping']}: trains all {epochs} "
              "epochs", file=sys.stderr)

    torch.manual_seed(args.seed)
    model = ConfigMLP(cfg["model"])  # before the data: an activation it cannot replicate stops it at once
    (xtr, ytr), (xva, yva), (xte, yte) = load(folder, validation_size, train_limit)
    kind = updater.get("type", "adam")
    if kind == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr0, betas=(updater.get("beta1", 0.9), updater.get("beta2", 0.999)),
                               eps=updater.get("epsilon", 1e-8))
    elif kind == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr0)
    else:
        sys.exit(f"torch_config.py: updater {kind!r} not replicated")
    gen = torch.Generator().manual_seed(args.seed)
    n = len(xtr)
    name = cfg.get("name", os.path.basename(args.config))
    augment = (cfg.get("data") or {}).get("augment")
    transform, vision = augmentation(augment) if augment else (None, None)
    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} config={name} seed={args.seed} bs={bs} "
          f"epochs={epochs} ftz={args.ftz} augment={augment} torchvision={vision} dataset={dataset} "
          f"validation={len(xva)} train={len(xtr)}", flush=True)
    print(f"{'epoch':>5} {'train_s':>8} {'val_loss':>9} {'val_acc':>8} {'bg_cores':>8}", flush=True)

    epoch_s, val_loss, val_acc, epoch_bg, test_curve = [], [], [], [], []
    iteration = 0
    for ep in range(epochs):
        b0, t0 = torch_mlp._sys_busy_s(), time.perf_counter()
        model.train()
        for xb, yb in batches(xtr, ytr, bs, gen, transform, args.augment_workers):
            lr = learning_rate(lr0, schedule, iteration, ep)
            for g in opt.param_groups:
                g["lr"] = lr
            loss = F.cross_entropy(model(xb), yb)
            if any(model.l2):
                loss = loss + model.l2_term()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if weight_decay:
                with torch.no_grad():
                    for lin in model.layers:
                        lin.weight.mul_(1 - lr * weight_decay)
            iteration += 1
        dt = time.perf_counter() - t0
        bg = torch_mlp.bg_cores(b0, torch_mlp._sys_busy_s(), dt)
        model.eval()
        vl, va = torch_mlp.evaluate(model, xva, yva)
        epoch_s.append(dt), val_loss.append(vl), val_acc.append(va), epoch_bg.append(bg)
        line = f"{ep + 1:5d} {dt:8.3f} {vl:9.4f} {va:8.4f} {bg:8.2f}"
        if args.test_each_epoch:  # reported after the fact only; nothing above reads it
            test_curve.append(torch_mlp.evaluate(model, xte, yte)[1])
            line += f" test {test_curve[-1]:.4f} trained {sum(epoch_s):.1f}s"
        print(line, flush=True)

    model.eval()
    _, test_acc = torch_mlp.evaluate(model, xte, yte)
    print(f"test_acc {test_acc:.4f}")
    print(f"epoch_s median {statistics.median(epoch_s):.3f} min {min(epoch_s):.3f} max {max(epoch_s):.3f}")
    infer = None if args.no_infer_bench else torch_mlp.inference_bench(model, xte, reps=5, batch=50)
    quiet = [t for t, b in zip(epoch_s, epoch_bg) if b < 0.1]
    out = {"tag": "", "config": name, "seed": args.seed, "epochs": epochs, "batch_size": bs,
           "split": "tf" if validation_size == 5000 and not train_limit else f"val {validation_size}, train {len(xtr)}",
           "ftz": args.ftz, "lr": lr0, "threads": torch.get_num_threads(), "torch": torch.__version__,
           "python": platform.python_version(), "epoch_s": epoch_s, "epoch_s_mean": statistics.mean(epoch_s),
           "epoch_s_median": statistics.median(epoch_s), "epoch_s_min": min(epoch_s), "epoch_s_max": max(epoch_s),
           "epoch_bg_cores": epoch_bg, "quiet_epochs": len(quiet),
           "quiet_epoch_s_median": statistics.median(quiet) if quiet else None,
           "val_loss": val_loss, "val_acc": val_acc, "final_val_acc": val_acc[-1], "test_acc": test_acc,
           "inference": infer, "blas": torch_mlp.blas_info(), "augment": augment, "torchvision": vision,
           "augment_workers": args.augment_workers if augment else 0, "test_by_epoch": test_curve or None}
    print("JSON " + json.dumps(out), flush=True)


if __name__ == "__main__":
    sys.exit(main())
