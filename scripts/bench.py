#!/usr/bin/env python3
"""mnist-fcn vs the PyTorch peer, side by side, on this machine.

For each case (config x batch size) it runs, interleaved, in fresh processes:
  mnist-fcn   `Main bench` (the same training loop as `train`, the same thread settings the CLI gives itself)
  torch       ../shared/bench/torch_mlp.py
  torch-ftz   the same with --ftz (flush denormals to zero)
and prints one table: median training-loop seconds per epoch (min-max), examples/s, the ratio
mnist-fcn / PyTorch, inference over the 10,000 test images (one batch; batches of 50), JVM/interpreter
start to first batch, peak RSS, test accuracy, and how busy the rest of the machine was.

Usage: python3 scripts/bench.py [--epochs 5] [--configs one-layer,two-layer] [--batches 50,128,512]
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER = os.path.join(ROOT, "..", "shared", "bench", "torch_mlp.py")
TORCH_PY = "/usr/bin/python3"
# NativeSettings.JVM_OPTIONS: what the CLI gives its own JVM.
JVM_OPTIONS = ["-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "--add-modules", "jdk.incubator.vector"]


def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK"), ru.ru_utime + ru.ru_stime


def run(cmd, env):
    """Runs one case; returns its JSON line, peak RSS (MB) and the other processes' average core use."""
    b0, t0 = busy(), time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "PEAK_RSS_KB %M"] + cmd, env=env, cwd=ROOT,
                       capture_output=True, text=True)
    b1, wall = busy(), time.time() - t0
    out = p.stdout + p.stderr
    js = [l for l in out.splitlines() if l.startswith("JSON ")]
    if p.returncode != 0 or not js:
        sys.exit(f"failed: {' '.join(cmd)}\n{out[-3000:]}")
    rss = int(re.search(r"PEAK_RSS_KB (\d+)", out).group(1)) / 1024
    other = max(0.0, ((b1[0] - b0[0]) - (b1[1] - b0[1])) / wall)
    return json.loads(js[-1][5:]), rss, other


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--configs", default="one-layer,two-layer")
    ap.add_argument("--batches", default="50,128,512")
    ap.add_argument("--java-opts", default="", help="extra JVM options, e.g. -Dmnistfcn.sparse=false for A/B")
    ap.add_argument("--no-peer", action="store_true", help="mnist-fcn only")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "bench", "results.json"))
    args = ap.parse_args()

    subprocess.run(["mvn", "-q", "-B", "compile", "dependency:build-classpath",
                    "-Dmdep.outputFile=target/cp.txt"], cwd=ROOT, check=True)
    cp = "target/classes:" + open(os.path.join(ROOT, "target", "cp.txt")).read().strip()
    data = os.path.join(ROOT, "data", "mnist")

    # The same JVM options and environment the CLI gives itself (cli/NativeSettings.java).
    java_env = dict(os.environ, OMP_NUM_THREADS="1", OMP_WAIT_POLICY="PASSIVE", MNIST_FCN_RELAUNCHED="1")
    peer = not args.no_peer and os.path.exists(PEER) and subprocess.run([TORCH_PY, "-c", "import torch"], capture_output=True).returncode == 0
    torch_env = dict(os.environ)
    with open("/proc/cpuinfo") as f:
        avx512 = " avx512f" in f.read()
    if avx512:
        # OpenBLAS 0.3.19-0.3.21 misdetects some AVX-512 CPUs; ../shared/README.md. Never set without AVX-512.
        torch_env["OPENBLAS_CORETYPE"] = "SkylakeX"
    if not peer:
        print(f"# PyTorch peer not available ({TORCH_PY} with torch, {PEER}): peer columns skipped. "
              "Setup: apt-get install -y python3-torch libopenblas0-openmp", flush=True)

    rows = []
    for config in args.configs.split(","):
        for batch in [int(b) for b in args.batches.split(",")]:
            row = {"config": config, "batch": batch}
            print(f"# {config} batch {batch}: mnist-fcn ...", flush=True)
            row["dl4j"], row["dl4j_rss"], row["dl4j_bg"] = run(
                ["java"] + JVM_OPTIONS + args.java_opts.split() + ["-cp", cp, "dev.mnistfcn.cli.Main", "bench", "-c", config + ".yaml",
                 "--batch", str(batch), "--epochs", str(args.epochs), "--data-dir", data], java_env)
            if peer:
                for tag, extra in (("torch", []), ("ftz", ["--ftz"])):
                    print(f"# {config} batch {batch}: torch{' --ftz' if extra else ''} ...", flush=True)
                    row[tag], row[tag + "_rss"], row[tag + "_bg"] = run(
                        [TORCH_PY, PEER, "--config", config, "--epochs", str(args.epochs), "--batch-size",
                         str(batch), "--data-dir", data, "--threads", "2"] + extra, torch_env)
            rows.append(row)

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(rows, f, indent=1)
    print(table(rows, peer, args.epochs))


def spread(v, digits=2):
    return f"{statistics.median(v):.{digits}f} ({min(v):.{digits}f}–{max(v):.{digits}f})"


def table(rows, peer, epochs):
    head = ["config", "batch", "mnist-fcn s/epoch", "examples/s"]
    if peer:
        head += ["torch s/epoch", "torch-ftz s/epoch", "ratio vs torch", "ratio vs ftz"]
    head += ["infer 10k: 1 batch / batches of 50 (ms)"]
    if peer:
        head += ["torch infer (ms)", "infer ratio"]
    head += ["start→1st batch (s)", "peak RSS (MB)", "test acc", "other load (cores)"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        d = r["dl4j"]
        med = d["epoch_s_median"]
        cells = [r["config"], str(r["batch"]), spread(d["epoch_s"]), f"{d['examples_per_epoch'] / med:,.0f}"]
        if peer:
            t, z = r["torch"], r["ftz"]
            cells += [spread(t["epoch_s"]), spread(z["epoch_s"]), f"{med / t['epoch_s_median']:.2f}",
                      f"{med / z['epoch_s_median']:.2f}"]
        cells.append(f"{spread(d['infer_full_ms_all'], 1)} / {spread(d['infer_b50_ms_all'], 1)}")
        if peer:
            i = r["torch"]["inference"]
            cells.append(f"{spread([t * 1e3 for t in i['full_batch_s_all']], 1)} / "
                         f"{spread([t * 1e3 for t in i['batch50_s_all']], 1)}")
            cells.append(f"{d['infer_full_ms'] / (i['full_batch_s_median'] * 1e3):.2f} / "
                         f"{d['infer_b50_ms'] / (i['batch50_s_median'] * 1e3):.2f}")
        cells += [f"{d['start_to_first_batch_s']:.1f}",
                  f"{r['dl4j_rss']:.0f}" + (f" (torch {r['torch_rss']:.0f})" if peer else ""),
                  f"{100 * d['test_acc']:.2f}%" + (f" ({100 * r['torch']['test_acc']:.2f}%)" if peer else ""),
                  f"{max(r['dl4j_bg'], r.get('torch_bg', 0), r.get('ftz_bg', 0)):.2f}"]
        out.append("| " + " | ".join(cells) + " |")
    out.append(f"\nMedians over {epochs} epochs each (min–max in brackets); ratio = mnist-fcn / PyTorch median "
               "(< 1 means mnist-fcn is faster). 'other load' = most cores used by other processes during any of "
               "the case's runs.")
    return "\n".join(out)


if __name__ == "__main__":
    main()
