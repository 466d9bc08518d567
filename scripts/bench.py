#!/usr/bin/env python3
"""mnist-fcn vs the PyTorch peer, side by side, on this machine.

For each case (config x batch size) it runs, interleaved, in fresh processes:
  mnist-fcn   `Main bench` (the same training loop as `train`, the same thread settings the CLI gives itself)
  torch       ../shared/bench/torch_mlp.py (scripts/torch_config.py for configs other than the tutorial's two)
  torch-ftz   the same with --ftz (flush denormals to zero)
and prints one table: median training-loop seconds per epoch (min-max), examples/s, the ratio
mnist-fcn / PyTorch, inference over the 10,000 test images (one batch; batches of 50), JVM/interpreter
start to first batch, peak RSS, test accuracy, and how busy the rest of the machine was.

Each case's three runs are repeated in --rounds interleaved rounds (default 3; see main for the order); the
table then shows per system the median over rounds of each run's median epoch, with the min-max over rounds.
Above the table, and in the closing `JSON {...}` line, it records the machine: CPU model, family and model,
cores, avx2 / avx512f, the OPENBLAS_* each side runs with, Java and torch versions, date and commit.
Every run's own JSON goes to target/bench/results.json.

Usage: python3 scripts/bench.py [--epochs 5] [--rounds 3] [--configs one-layer,two-layer] [--batches 50,128,512]
       [--no-peer] [--java-opts=-Dmnistfcn.sparse=false] [--as-avx2]
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
# The shared peer knows the tutorial's two networks; any other config is replicated from its YAML by this one.
CONFIG_PEER = os.path.join(ROOT, "scripts", "torch_config.py")
SHARED_PEER_CONFIGS = ("one-layer", "two-layer")
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


def first_line(cmd, pattern=None):
    """The first output line of cmd (or the first group of pattern in its output); None where it fails."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = (p.stdout + p.stderr).strip()
    if p.returncode != 0 or not out:
        return None
    if pattern:
        m = re.search(pattern, out)
        return m.group(1) if m else None
    return out.splitlines()[0]


def machine(peer, cp, torch_env, java_env):
    """What the table was measured on: CPU, cores, AVX flags, the OpenBLAS each side runs, Java, torch, date."""
    with open("/proc/cpuinfo") as f:
        cpuinfo = f.read()

    def field(name):
        m = re.search(rf"^{name}\s*:\s*(.*)$", cpuinfo, re.M)
        return m.group(1).strip() if m else None

    flags = set((field("flags") or "").split())
    blas_env = {k: v for k, v in sorted(os.environ.items()) if k.startswith("OPENBLAS_")}
    jar = re.search(r"openblas-(\d[\w.]*)-\d[\d.]*-linux-x86_64\.jar", cp)
    m = {
        "cpu": field("model name"),
        "cpu_family": field("cpu family"), "cpu_model": field("model"), "cpu_stepping": field("stepping"),
        "cores": len(os.sched_getaffinity(0)),
        "avx2": "avx2" in flags, "avx512f": "avx512f" in flags,
        "java": first_line(["java", "-version"], r"\(build ([^)]+)\)"),
        # Both sides inherit this shell's OPENBLAS_* except OPENBLAS_CORETYPE, which both get as SkylakeX where
        # the CPU has AVX-512 (see main).
        "fcn_openblas": jar.group(1) if jar else None,
        "fcn_openblas_env": blas_env,
        "fcn_openblas_coretype": java_env.get("OPENBLAS_CORETYPE"),
        "torch": None, "peer_torch_package": None, "peer_openblas": None, "peer_openblas_coretype": None,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": first_line(["git", "-C", ROOT, "describe", "--always", "--dirty"]),
    }
    if peer:
        m["torch"] = first_line([TORCH_PY, "-c", "import torch; print(torch.__version__)"])
        m["peer_torch_package"] = first_line(["dpkg-query", "-W", "-f", "python3-torch ${Version}", "python3-torch"])
        m["peer_openblas"] = first_line(["dpkg-query", "-W", "-f", "${Version}", "libopenblas0-openmp"])
        m["peer_openblas_coretype"] = torch_env.get("OPENBLAS_CORETYPE")
    return m


def machine_line(m):
    env = ", ".join(f"{k}={v}" for k, v in m["fcn_openblas_env"].items()) or "none"
    s = (f"Machine: {m['cpu']} (family {m['cpu_family']} model {m['cpu_model']} stepping {m['cpu_stepping']}), "
         f"{m['cores']} cores, avx2 {'yes' if m['avx2'] else 'no'}, avx512f {'yes' if m['avx512f'] else 'no'}; "
         f"OPENBLAS_* in the environment: {env}; mnist-fcn: Java {m['java']}, bundled OpenBLAS {m['fcn_openblas']}, "
         f"OPENBLAS_CORETYPE={m['fcn_openblas_coretype'] or 'unset'}")
    if m["torch"]:
        s += (f"; peer: torch {m['torch']} ({m['peer_torch_package']}), OpenBLAS {m['peer_openblas']} (openmp), "
              f"OPENBLAS_CORETYPE={m['peer_openblas_coretype'] or 'unset'}")
    if m.get("as_avx2"):
        s += ("; BOTH SIDES HELD TO AVX2 (--as-avx2: OPENBLAS_CORETYPE=Haswell, JVM -XX:UseAVX=2, "
              "ONEDNN_MAX_CPU_ISA=AVX2) on this AVX-512 CPU")
    return s + f"; {m['date']}, commit {m['commit']}"


def main():
    ap = argparse.ArgumentParser()
    # 10: the JVM's epochs 2-4 still pay for JIT compilation, so a run's median over few epochs measures warm-up
    # (docs/performance.md, "ten-epoch runs"); the tutorial trains 20.
    ap.add_argument("--epochs", type=int, default=10,
                    help="epochs per run; each run reports the median over all of them (default 10)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds per case; the table shows the median over rounds (default 3)")
    ap.add_argument("--configs", default="one-layer,two-layer")
    ap.add_argument("--batches", default="50,128,512")
    ap.add_argument("--java-opts", default="", help="extra JVM options, e.g. -Dmnistfcn.sparse=false for A/B")
    ap.add_argument("--no-peer", action="store_true", help="mnist-fcn only")
    ap.add_argument("--as-avx2", action="store_true",
                    help="on an AVX-512 CPU, run both sides as an AVX2-only CPU would: Haswell OpenBLAS kernels, "
                         "the JVM at -XX:UseAVX=2 (256-bit vectors), oneDNN capped at AVX2 (an approximation)")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "bench", "results.json"))
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    t_start = time.time()

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
    if args.as_avx2:
        # No AVX2-only machine was at hand: this one, held to AVX2 on both sides. Still this CPU's caches, clocks and
        # AVX2 units, so an approximation of an AVX2-only machine (the README says so with the table). PyTorch 1.13
        # already picks its AVX2 kernels here ("CPU capability usage: AVX2"); its GEMMs are OpenBLAS's.
        for env in (torch_env, java_env):
            env["OPENBLAS_CORETYPE"] = "Haswell"
        torch_env["ONEDNN_MAX_CPU_ISA"] = "AVX2"
        args.java_opts = (args.java_opts + " -XX:UseAVX=2").strip()
    elif avx512:
        # OpenBLAS 0.3.19-0.3.21 misdetects some AVX-512 CPUs; ../shared/README.md. Never set without AVX-512.
        torch_env["OPENBLAS_CORETYPE"] = "SkylakeX"
        # The same kernels for mnist-fcn's bundled OpenBLAS 0.3.19, which falls back to generic ones on these
        # CPUs when the variable is unset (cli/NativeSettings.environment does the same where the user has not
        # set it).
        java_env["OPENBLAS_CORETYPE"] = "SkylakeX"
    if not peer:
        print(f"# PyTorch peer not available ({TORCH_PY} with torch, {PEER}): peer columns skipped. "
              "Setup: apt-get install -y python3-torch libopenblas0-openmp", flush=True)
    mach = machine(peer, cp, torch_env, java_env)
    mach["as_avx2"] = args.as_avx2
    print("# " + machine_line(mach), flush=True)

    cases = [(config, int(batch)) for config in args.configs.split(",") for batch in args.batches.split(",")]
    systems = [("dl4j", "mnist-fcn", lambda c, b: (
        ["java"] + JVM_OPTIONS + args.java_opts.split() + ["-cp", cp, "dev.mnistfcn.cli.Main", "bench", "-c",
                                                           c + ".yaml", "--batch", str(b), "--epochs",
                                                           str(args.epochs), "--data-dir", data], java_env))]
    if peer:
        for tag, extra in (("torch", []), ("ftz", ["--ftz"])):
            systems.append((tag, "torch" + (" --ftz" if extra else ""), lambda c, b, extra=extra: (
                ([TORCH_PY, PEER, "--config", c] if c in SHARED_PEER_CONFIGS
                 else [TORCH_PY, CONFIG_PEER, os.path.join(ROOT, "config", c + ".yaml")])
                + ["--epochs", str(args.epochs), "--batch-size", str(b),
                 "--data-dir", data, "--threads", "2"] + extra, torch_env)))

    # Round-major order: round 1 runs every case's systems, then round 2 does the same, and so on. A case's rounds
    # thus lie a whole round (minutes) apart, so a slow spell shorter than a round (another tenant, a clock
    # change) reaches at most one of them and the median over rounds drops it; a case's rounds run back to back
    # (fcn/torch/ftz x N) would all sit in the same few minutes and drift together. Within a round a case's
    # systems stay adjacent, so each round's ratio compares runs seconds apart; their order rotates by one each
    # round (fcn torch ftz, torch ftz fcn, ftz fcn torch, ...) so that no system always runs first. With
    # --rounds 1 this is the order the script always had.
    runs = {case: {tag: [] for tag, _, _ in systems} for case in cases}
    for r in range(args.rounds):
        t_round = time.time()
        for config, batch in cases:
            k = r % len(systems)
            for tag, name, command in systems[k:] + systems[:k]:
                prefix = f"round {r + 1}/{args.rounds} " if args.rounds > 1 else ""
                print(f"# {prefix}{config} batch {batch}: {name} ...", flush=True)
                cmd, env = command(config, batch)
                runs[(config, batch)][tag].append(run(cmd, env))
        if args.rounds > 1:
            took = time.time() - t_round
            print(f"# round {r + 1} took {took / 60:.1f} min; about {took * (args.rounds - r - 1) / 60:.1f} min to go",
                  flush=True)

    rows = []
    for (config, batch), by_tag in runs.items():
        row = {"config": config, "batch": batch}
        for tag, results in by_tag.items():
            row[tag] = [res for res, _, _ in results]
            row[tag + "_rss"] = [rss for _, rss, _ in results]
            row[tag + "_bg"] = [bg for _, _, bg in results]
        rows.append(row)
    wall = time.time() - t_start

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"machine": mach, "epochs": args.epochs, "rounds": args.rounds, "wall_s": wall, "rows": rows},
                  f, indent=1)
    text, summary = table(rows, peer, args.epochs, args.rounds)
    print(machine_line(mach) + "\n")
    print(text)
    print(f"\nWall time {wall / 60:.1f} min; every run's JSON in {os.path.relpath(args.out, ROOT)}.")
    print("JSON " + json.dumps({"machine": mach, "epochs": args.epochs, "rounds": args.rounds,
                                "configs": args.configs, "batches": args.batches, "java_opts": args.java_opts,
                                "wall_s": round(wall, 1), "rows": summary}))


def spread(v, digits=2):
    return f"{statistics.median(v):.{digits}f} ({min(v):.{digits}f}–{max(v):.{digits}f})"


def table(rows, peer, epochs, rounds):
    """The Markdown table and, per row, its figures for the JSON line. Each row holds, per system, one result
    per round (in round order); with one round the brackets show the spread over epochs and timed passes, as the
    script always did; with several, the spread over rounds of each run's median."""
    head = ["config", "batch", "mnist-fcn s/epoch", "examples/s"]
    if peer:
        head += ["torch s/epoch", "torch-ftz s/epoch", "ratio vs torch", "ratio vs ftz"]
    head += ["infer 10k: 1 batch / batches of 50 (ms)"]
    if peer:
        head += ["torch infer (ms)", "infer ratio"]
    head += ["start→1st batch (s)", "peak RSS (MB)", "test acc", "other load (cores)"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    med = statistics.median
    summary = []
    for r in rows:
        tags = ["dl4j", "torch", "ftz"] if peer else ["dl4j"]
        d = r["dl4j"]
        ep = {t: [x["epoch_s_median"] for x in r[t]] for t in tags}  # per round: that run's median over epochs
        m = {t: med(ep[t]) for t in tags}
        fcn_full = [x["infer_full_ms"] for x in d]
        fcn_b50 = [x["infer_b50_ms"] for x in d]
        s = {"config": r["config"], "batch": r["batch"], "examples_per_s": d[0]["examples_per_epoch"] / m["dl4j"]}
        for t in tags:
            s[t] = {"epoch_s": m[t], "min": min(ep[t]), "max": max(ep[t]), "rounds": ep[t]}
        cells = [r["config"], str(r["batch"]), spread(d[0]["epoch_s"]) if rounds == 1 else spread(ep["dl4j"]),
                 f"{s['examples_per_s']:,.0f}"]
        if peer:
            cells += [spread(r[t][0]["epoch_s"]) if rounds == 1 else spread(ep[t]) for t in ("torch", "ftz")]
            for t in ("torch", "ftz"):
                per_round = [a / b for a, b in zip(ep["dl4j"], ep[t])]
                s["ratio_" + t] = m["dl4j"] / m[t]
                s["ratio_" + t + "_rounds"] = per_round
                cells.append(f"{m['dl4j'] / m[t]:.2f}" +
                             (f" ({min(per_round):.2f}–{max(per_round):.2f})" if rounds > 1 else ""))
        s["infer_ms"] = {"full": med(fcn_full), "b50": med(fcn_b50)}
        if rounds == 1:
            cells.append(f"{spread(d[0]['infer_full_ms_all'], 1)} / {spread(d[0]['infer_b50_ms_all'], 1)}")
        else:
            cells.append(f"{spread(fcn_full, 1)} / {spread(fcn_b50, 1)}")
        if peer:
            inf = [x["inference"] for x in r["torch"]]
            t_full = [i["full_batch_s_median"] * 1e3 for i in inf]
            t_b50 = [i["batch50_s_median"] * 1e3 for i in inf]
            if rounds == 1:
                cells.append(f"{spread([t * 1e3 for t in inf[0]['full_batch_s_all']], 1)} / "
                             f"{spread([t * 1e3 for t in inf[0]['batch50_s_all']], 1)}")
            else:
                cells.append(f"{spread(t_full, 1)} / {spread(t_b50, 1)}")
            s["torch_infer_ms"] = {"full": med(t_full), "b50": med(t_b50)}
            s["infer_ratio"] = {"full": med(fcn_full) / med(t_full), "b50": med(fcn_b50) / med(t_b50)}
            cells.append(f"{s['infer_ratio']['full']:.2f} / {s['infer_ratio']['b50']:.2f}")
        s["start_to_first_batch_s"] = med([x["start_to_first_batch_s"] for x in d])
        s["peak_rss_mb"] = {t: max(r[t + "_rss"]) for t in tags}
        s["test_acc"] = {t: med([x["test_acc"] for x in r[t]]) for t in tags}
        s["other_load_cores"] = max(b for t in tags for b in r[t + "_bg"])
        cells += [f"{s['start_to_first_batch_s']:.1f}",
                  f"{s['peak_rss_mb']['dl4j']:.0f}" + (f" (torch {s['peak_rss_mb']['torch']:.0f})" if peer else ""),
                  f"{100 * s['test_acc']['dl4j']:.2f}%" + (f" ({100 * s['test_acc']['torch']:.2f}%)" if peer else ""),
                  f"{s['other_load_cores']:.2f}"]
        out.append("| " + " | ".join(cells) + " |")
        summary.append(s)
    if rounds == 1:
        out.append(f"\nMedians over {epochs} epochs each (min–max in brackets); ratio = mnist-fcn / PyTorch median "
                   "(< 1 means mnist-fcn is faster). 'other load' = most cores used by other processes during any of "
                   "the case's runs.")
    else:
        out.append(f"\nPer system: the median over {rounds} interleaved rounds of each run's median over {epochs} "
                   "epochs (min–max over rounds in brackets); inference likewise, from each run's median of 5 timed "
                   "passes. ratio = mnist-fcn / PyTorch of those medians (< 1 means mnist-fcn is faster); in brackets "
                   "the min–max of the per-round ratios (each round's runs back to back). start, test acc: median "
                   "over rounds; peak RSS: highest. 'other load' = most cores used by other processes during any of "
                   "the case's runs.")
    return "\n".join(out), summary


if __name__ == "__main__":
    main()
