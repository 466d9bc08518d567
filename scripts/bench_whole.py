"""scripts/bench.py --whole: whole commands, start to report, on both sides (issue 29).

mnist-fcn: `mvn -q exec:java -Dconfig=CONFIG.yaml` as a user types it (the tutorial's 20 epochs), MNIST in place,
the build done and its class-data archive made by one untimed run first (target/cds: what every run after the
first after a build finds); its runs write to target/bench/whole-runs, not models/. Each peer: its whole script,
the same epochs and batch size, interpreter start to exit. Interleaved rounds (round-major, order rotated by one
each round); per system the median wall time over rounds with its min-max; the fastest peer decides the ratio.
mnist-fcn's timeline (metrics.json's timings.at_*: seconds since the mvn command started) is shown per phase,
median over rounds, with the first epoch over the median epoch.

What each side does besides training: mnist-fcn validates every epoch, writes 4 checkpoints, evaluates the test
set and writes model.zip, report.md, report.html and metrics.json. The peers validate every epoch, test, and then
time inference (JAX and TensorFlow: 6 passes over the 10,000 test images at once and 5 in batches of 50, which
their scripts cannot skip; torch runs with --no-infer-bench); the 'inference bench' column estimates that part
from their own figures (a lower bound), and 'without it' subtracts it.
"""
import json
import os
import re
import statistics
import subprocess
import time

import bench_peers as bp

ROOT = bp.ROOT
RUNS = os.path.join("target", "bench", "whole-runs")


def fcn_command(config, epochs, batch):
    cmd = ["mvn", "-q", "exec:java", f"-Dconfig={config}.yaml", f"-Doutput.dir={RUNS}"]
    if epochs != 20:
        cmd.append(f"-Dtraining.epochs={epochs}")
    if batch != 50:
        cmd.append(f"-Dtraining.batch_size={batch}")
    return cmd


def fcn_metrics(config):
    with open(os.path.join(ROOT, RUNS, config, "metrics.json")) as f:
        return json.load(f)


def infer_bench_s(res):
    """At least the seconds a peer script spent timing inference after training (JAX, TensorFlow: 6 one-batch passes,
    5 in batches of 50, from its own medians; their first calls' compilation not counted). 0 without one."""
    inf = (res or {}).get("inference") or {}
    if "full_batch_s_median" not in inf:
        return 0.0  # torch ran with --no-infer-bench; mnist-fcn has none
    return 6 * inf["full_batch_s_median"] + 5 * inf["batch50_s_median"]


def main(args):
    # bench.py's check_args has made these one config, one batch size, the epochs and a writable --out
    config, batch, epochs, out_path = args.configs, int(args.batches), args.epochs, args.out
    t_start = time.time()
    with open("/proc/cpuinfo") as f:
        avx512 = " avx512f" in f.read()
    java_env, peer_env = bp.environments(args.as_avx2, avx512)
    # The user's environment, but the same OpenBLAS kernels as the per-epoch mode gives both sides (a machine-wide
    # OPENBLAS_CORETYPE=Haswell, as this one has, would otherwise win over the CLI's SkylakeX).
    fcn_env = dict(os.environ)
    if java_env.get("OPENBLAS_CORETYPE"):
        fcn_env["OPENBLAS_CORETYPE"] = java_env["OPENBLAS_CORETYPE"]
    found, notes = ([], []) if args.no_peer else bp.peers(args.peers.split(","))
    for n in notes:
        print(f"# peer skipped: {n}", flush=True)
    # Untimed: the build (and the classpath, for the OpenBLAS version on the machine line), then one short run that
    # makes the class-data archive (as a user's first run would).
    subprocess.run(["mvn", "-q", "-B", "compile", "dependency:build-classpath", "-Dmdep.outputFile=target/cp.txt"],
                   cwd=ROOT, check=True)
    mach = bp.machine(found, open(os.path.join(ROOT, "target", "cp.txt")).read(), peer_env, fcn_env)
    print("# " + bp.machine_line(mach), flush=True)
    print("# untimed first run (makes target/cds) ...", flush=True)
    bp.run(fcn_command(config, 1, batch), fcn_env, json_line=False)

    systems = [("fcn", fcn_command(config, epochs, batch), fcn_env)]
    # --variants NAME:OPTIONS,...: mnist-fcn with some of issue 29's changes off, interleaved like the rest
    # (an OPTION of the form NAME=VALUE in capitals is an environment variable: MAVEN_OPTS=-XX:TieredStopAtLevel=4)
    for v in filter(None, (args.variants or "").split(",")):
        name, _, opts = v.partition(":")
        env = dict(fcn_env)
        extra = []
        for o in opts.split():
            if re.match(r"^[A-Z_]+=", o):
                env[o.split("=", 1)[0]] = o.split("=", 1)[1]
            else:
                extra.append(o)
        systems.append((f"fcn:{name}", fcn_command(config, epochs, batch) + extra, env))
    for p in found:
        cmd = bp.peer_command(p, config, batch, epochs, infer=False)
        if cmd is not None:
            systems.append((p[0], cmd, peer_env))
    runs = {tag: [] for tag, _, _ in systems}
    for r in range(args.rounds):
        k = r % len(systems)
        for tag, cmd, env in systems[k:] + systems[:k]:
            print(f"# round {r + 1}/{args.rounds}: {tag} ...", flush=True)
            res, wall, rss, other = bp.run(cmd, env, json_line=not tag.startswith("fcn"))
            if tag.startswith("fcn"):
                m = fcn_metrics(config)
                res = {"epoch_s": [h["train_seconds"] for h in m["history"]], "test_acc": m["test"]["accuracy"],
                       "timeline": {k[3:]: v for k, v in m["timings"].items() if k.startswith("at_")}}
            runs[tag].append({"wall_s": wall, "rss_mb": rss, "other_cores": other, "result": res})
            print(f"#   {wall:.1f} s", flush=True)
    wall_all = time.time() - t_start
    # The table first: a file that cannot be written after all must not take the rounds' results with it.
    print(bp.machine_line(mach) + "\n")
    print(render(runs, config, batch, epochs, args.rounds))
    print(f"\nWall time {wall_all / 60:.1f} min; every run in {os.path.relpath(out_path, ROOT)}.", flush=True)
    bp.write_json(out_path, {"machine": mach, "config": config, "batch": batch, "epochs": epochs,
                             "rounds": args.rounds, "runs": runs})


def spread(v, digits=1):
    return f"{statistics.median(v):.{digits}f} ({min(v):.{digits}f}–{max(v):.{digits}f})"


def render(runs, config, batch, epochs, rounds):
    med = statistics.median
    walls = {t: [x["wall_s"] for x in v] for t, v in runs.items() if v}
    net = {t: [x["wall_s"] - infer_bench_s(x["result"]) for x in v] for t, v in runs.items() if v}
    peers = [t for t in walls if not t.startswith("fcn")]
    best = min(peers, key=lambda t: med(net[t])) if peers else None
    lines = [f"Whole command, {config}, {epochs} epochs of batch {batch}, start to report ({rounds} interleaved "
             "rounds; median (min–max) over rounds):", "",
             "| system | whole s | inference bench s | whole s without it | epoch median s | not training s | "
             "ratio fcn / it | peak RSS MB | other load |", "|---|---|---|---|---|---|---|---|---|"]
    for t in walls:
        v = runs[t]
        ep = [med(x["result"]["epoch_s"]) for x in v]
        rest = [x["wall_s"] - infer_bench_s(x["result"]) - sum(x["result"]["epoch_s"]) for x in v]
        ib = [infer_bench_s(x["result"]) for x in v]
        if t.startswith("fcn:"):
            d = [a - b for a, b in zip(walls[t], walls["fcn"])]
            ratio = f"Δ vs mnist-fcn {med(d):+.2f} s ({min(d):+.2f}…{max(d):+.2f})"
        elif t == "fcn" or not peers:
            ratio = "—"
        else:
            per_round = [a / b for a, b in zip(net["fcn"], net[t])]
            ratio = f"{med(net['fcn']) / med(net[t]):.2f} ({min(per_round):.2f}–{max(per_round):.2f})"
            if t == best:
                ratio = f"**{ratio}** (fastest)"
        name = {"fcn": "mnist-fcn (mvn -q exec:java)"}.get(t, t.replace("fcn:", "mnist-fcn, "))
        lines.append(f"| {name} | {spread(walls[t])} | "
                     f"{spread(ib, 2)} | {spread(net[t])} | {spread(ep, 3)} | {spread(rest)} | {ratio} | "
                     f"{max(x['rss_mb'] for x in v):.0f} | {max(x['other_cores'] for x in v):.2f} |")
    fcn = runs.get("fcn") or []
    if fcn:
        phases = list(fcn[0]["result"]["timeline"])
        lines += ["", "mnist-fcn's timeline (seconds since the mvn command started, median over rounds; the phase's "
                  "own length after it):", "", "| phase | at s | phase s |", "|---|---|---|"]
        before = [0.0] * len(fcn)
        for p in phases:
            at = [x["result"]["timeline"].get(p, float("nan")) for x in fcn]
            # At least 0: child_jvm_start comes from /proc's 10 ms ticks, so it can read a tick before the parent's
            # relaunch mark taken just before it; a phase cannot end before it starts.
            lines.append(f"| {p} | {spread(at, 2)} | {med([0.0 if a < b else a - b for a, b in zip(at, before)]):.2f} |")
            before = [b if a < b else a for a, b in zip(at, before)]
        lines.append(f"| exit (the command's wall time) | {spread(walls['fcn'], 2)} | "
                     f"{med([w - b for w, b in zip(walls['fcn'], before)]):.2f} |")
        first = [x["result"]["epoch_s"][0] / med(x["result"]["epoch_s"]) for x in fcn]
        lines.append(f"\nmnist-fcn's first epoch / its median epoch: {spread(first, 2)}; test accuracy "
                     f"{100 * med([x['result']['test_acc'] for x in fcn]):.2f}%.")
    return "\n".join(lines)
