#!/usr/bin/env python3
"""mnist-fcn against the Python peers a user would install, side by side, on this machine.

Per-epoch mode (default): for each case (config x batch size) it runs, interleaved, in fresh processes,
  mnist-fcn   `Main bench` (the training loop of `train`, with the thread settings the CLI gives itself)
  the peers   JAX, the tutorial's TensorFlow program, torch 2.13, Debian's torch 1.13 (scripts/bench_peers.py)
and prints one table: per system the median over rounds of each run's median epoch (training loop only), the
fastest peer and the ratio mnist-fcn / fastest peer (< 1: faster), mnist-fcn's first epoch over its median,
inference of the 10,000 test images, peak RSS, test accuracy, and how busy the rest of the machine was.

--whole mode (scripts/bench_whole.py): the whole 20-epoch command, start to report, on both sides:
`mvn -q exec:java -Dconfig=CONFIG.yaml` against each peer's whole script, interleaved rounds.

Each case's runs are repeated in --rounds interleaved rounds (round-major: see main). Above the table and in the
closing `JSON {...}` line it records the machine: CPU, cores, AVX flags, OpenBLAS kernels, versions, date, commit.
Every run's own JSON goes to target/bench/results.json (whole mode: whole.json).

Usage: python3 scripts/bench.py [--epochs 10] [--rounds 3] [--configs two-layer] [--batches 50,128,512]
       [--peers jax,tf,torch2,torch1] [--no-peer] [--java-opts=...] [--as-avx2] [--whole] [--setup]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import bench_peers as bp
import bench_whole

ROOT = bp.ROOT
ALL_PEERS = "jax,tf,torch2,torch1"


def main():
    ap = argparse.ArgumentParser()
    # 10: the JVM's epochs 2-4 still pay for JIT compilation, so a run's median over few epochs measures warm-up
    # (docs/performance.md, "ten-epoch runs"); the tutorial trains 20.
    ap.add_argument("--epochs", type=int, default=None,
                    help="epochs per run (default 10; --whole: 20); each run reports the median over all of them")
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds per case; the table shows the median over rounds (default 3)")
    ap.add_argument("--configs", default=None,
                    help="config names under config/ (default one-layer,two-layer; --whole: one, default two-layer)")
    ap.add_argument("--batches", default=None,
                    help="batch sizes (default 50,128,512; --whole: one, default 50)")
    ap.add_argument("--peers", default=ALL_PEERS,
                    help=f"which peers, of {ALL_PEERS},torch1-ftz (default: the four; absent ones are skipped)")
    ap.add_argument("--java-opts", default="", help="extra JVM options, e.g. -Dmnistfcn.sparse=false for A/B")
    ap.add_argument("--no-peer", action="store_true", help="mnist-fcn only")
    ap.add_argument("--whole", action="store_true",
                    help="time whole commands, start to report (mvn exec:java vs each peer's script); default "
                         "config two-layer, batch 50, 20 epochs")
    ap.add_argument("--variants", default="",
                    help="--whole: mnist-fcn variants run beside it, NAME:OPTIONS,... e.g. "
                         "no-cds:-Dmnistfcn.cds=false,no-warmup:-Dmnistfcn.warmup=0")
    ap.add_argument("--setup", action="store_true", help="build target/py with the wheel peers, then exit")
    ap.add_argument("--as-avx2", action="store_true",
                    help="on an AVX-512 CPU, run both sides as an AVX2-only CPU would: Haswell OpenBLAS kernels, "
                         "the JVM at -XX:UseAVX=2, oneDNN capped at AVX2 (an approximation)")
    ap.add_argument("--out", default=None,
                    help="the JSON file of every run (default target/bench/results.json; --whole: whole.json)")
    args = ap.parse_args()
    if args.setup:
        bp.setup()
        return
    check_args(ap, args)
    if args.whole:
        bench_whole.main(args)
        return
    out_path = args.out
    t_start = time.time()

    subprocess.run(["mvn", "-q", "-B", "compile", "dependency:build-classpath",
                    "-Dmdep.outputFile=target/cp.txt"], cwd=ROOT, check=True)
    cp = "target/classes:" + open(os.path.join(ROOT, "target", "cp.txt")).read().strip()
    with open("/proc/cpuinfo") as f:
        avx512 = " avx512f" in f.read()
    java_env, peer_env = bp.environments(args.as_avx2, avx512)
    if args.as_avx2:
        args.java_opts = (args.java_opts + " -XX:UseAVX=2").strip()
    found, notes = ([], []) if args.no_peer else bp.peers(args.peers.split(","))
    for n in notes:
        print(f"# peer skipped: {n}", flush=True)
    mach = bp.machine(found, cp, peer_env, java_env)
    mach["as_avx2"] = args.as_avx2
    print("# " + bp.machine_line(mach), flush=True)

    def fcn(config, batch):
        data = ["--data-dir", bp.data_dir(config) if config.startswith("fashion") else os.path.join(ROOT, "data", "mnist")]
        return (["java"] + bp.JVM_OPTIONS + args.java_opts.split() + ["-cp", cp, "dev.mnistfcn.cli.Main", "bench", "-c",
                config + ".yaml", "--batch", str(batch), "--epochs", str(args.epochs)] + data, java_env)

    systems = [("fcn", fcn)] + [(p[0], lambda c, b, p=p: (bp.peer_command(p, c, b, args.epochs), peer_env))
                                for p in found]
    cases = [(config, int(batch)) for config in args.configs.split(",") for batch in args.batches.split(",")]

    # Round-major order: round 1 runs every case's systems, then round 2 does the same, and so on. A case's rounds
    # thus lie a whole round (minutes) apart, so a slow spell shorter than a round (another tenant, a clock
    # change) reaches at most one of them and the median over rounds drops it. Within a round a case's systems
    # stay adjacent, so each round's ratio compares runs seconds apart; their order rotates by one each round so
    # that no system always runs first.
    runs = {case: {tag: [] for tag, _ in systems} for case in cases}
    for r in range(args.rounds):
        t_round = time.time()
        for config, batch in cases:
            k = r % len(systems)
            for tag, command in systems[k:] + systems[:k]:
                cmd, env = command(config, batch)
                if cmd is None:
                    continue  # no replica of this config for this peer
                print(f"# round {r + 1}/{args.rounds} {config} batch {batch}: {tag} ...", flush=True)
                res, _, rss, other = bp.run(cmd, env)
                res["_rss"], res["_other"] = rss, other
                runs[(config, batch)][tag].append(res)
        took = time.time() - t_round
        print(f"# round {r + 1} took {took / 60:.1f} min; about {took * (args.rounds - r - 1) / 60:.1f} min to go",
              flush=True)
    wall = time.time() - t_start
    rows = [{"config": c, "batch": b, "runs": by_tag} for (c, b), by_tag in runs.items()]
    text, summary = table(rows, [p[0] for p in found], args.epochs, args.rounds)
    # The figures first: a file that cannot be written after all must not take the rounds' results with it.
    print(bp.machine_line(mach) + "\n")
    print(text)
    print(f"\nWall time {wall / 60:.1f} min; every run's JSON in {os.path.relpath(out_path, ROOT)}.")
    print("JSON " + json.dumps({"machine": mach, "epochs": args.epochs, "rounds": args.rounds,
                                "configs": args.configs, "batches": args.batches, "java_opts": args.java_opts,
                                "wall_s": round(wall, 1), "rows": summary}), flush=True)
    bp.write_json(out_path, {"machine": mach, "epochs": args.epochs, "rounds": args.rounds, "wall_s": wall,
                             "rows": rows})


def check_args(ap, args):
    """Refuses what the rounds would trip on, or quietly change, before any of them runs; fills in the defaults."""
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if args.epochs is not None and args.epochs < 1:
        ap.error(f"--epochs {args.epochs}: give a whole number of at least 1 (default 10; --whole: 20)")
    args.epochs = args.epochs or (20 if args.whole else 10)
    unknown = [p for p in args.peers.split(",") if p not in (ALL_PEERS + ",torch1-ftz").split(",")]
    if unknown:
        ap.error(f"--peers: unknown peer {', '.join(map(repr, unknown))}; choose from {ALL_PEERS},torch1-ftz")
    if args.whole and ((args.configs or "").count(",") or (args.batches or "").count(",")):
        ap.error("--whole times one config at one batch size: give --configs NAME and --batches N (default "
                 "two-layer, 50)")
    args.configs = args.configs or ("two-layer" if args.whole else "one-layer,two-layer")
    args.batches = args.batches or ("50" if args.whole else "50,128,512")
    for c in args.configs.split(","):
        if not os.path.isfile(os.path.join(ROOT, "config", c + ".yaml")):
            ap.error(f"--configs: no config/{c}.yaml; give names of files in config/ without .yaml, e.g. two-layer")
    for b in args.batches.split(","):
        if not b.strip().isdigit() or int(b) < 1:
            ap.error(f"--batches: {b!r} is not a batch size; give whole numbers of at least 1, e.g. 50,128,512")
    args.out = args.out or os.path.join(ROOT, "target", "bench", "whole.json" if args.whole else "results.json")
    why = bp.check_writable(args.out)
    if why:
        ap.error(f"--out: {why}")


def epoch_median(res):
    """A run's median epoch over all its epochs, the first included, the same rule for every system (JAX's own
    figure leaves its first, compiling, epoch out)."""
    return statistics.median(res["epoch_s"])


def spread(v, digits=2):
    return f"{statistics.median(v):.{digits}f} ({min(v):.{digits}f}–{max(v):.{digits}f})" if v else "—"


def infer_ms(res):
    """One batch of 10,000 test images, ms: mnist-fcn's field, or a peer's inference block."""
    if "infer_full_ms" in res:
        return res["infer_full_ms"]
    inf = res.get("inference") or {}
    return inf["full_batch_s_median"] * 1e3 if "full_batch_s_median" in inf else None


def table(rows, peer_tags, epochs, rounds):
    """The Markdown table and its figures per row. Per case the fastest peer (lowest median over rounds) decides
    the ratio; in brackets the min-max of the per-round ratios against that peer."""
    med = statistics.median
    head = ["config", "batch", "mnist-fcn s/epoch"] + [f"{t} s/epoch" for t in peer_tags]
    head += ["fastest peer", "ratio vs fastest", "fcn 1st epoch / median", "infer 10k ms: fcn / fastest peer",
             "test acc fcn (fastest peer)", "other load (cores)"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    summary = []
    for row in rows:
        runs = row["runs"]
        ep = {t: [epoch_median(x) for x in runs[t]] for t in ["fcn"] + peer_tags if runs.get(t)}
        s = {"config": row["config"], "batch": row["batch"],
             "epoch_s": {t: {"median": med(v), "min": min(v), "max": max(v), "rounds": v} for t, v in ep.items()}}
        cells = [row["config"], str(row["batch"]), spread(ep["fcn"])]
        cells += [spread(ep.get(t, [])) for t in peer_tags]
        present = [t for t in peer_tags if t in ep]
        fcn = runs["fcn"]
        first = [x["epoch_s"][0] / epoch_median(x) for x in fcn]
        s["first_over_median"] = first
        if present:
            best = min(present, key=lambda t: med(ep[t]))
            per_round = [a / b for a, b in zip(ep["fcn"], ep[best])]
            s.update(fastest_peer=best, ratio=med(ep["fcn"]) / med(ep[best]), ratio_rounds=per_round)
            cells += [best, f"**{s['ratio']:.2f}** ({min(per_round):.2f}–{max(per_round):.2f})"]
        else:
            cells += ["—", "—"]
        cells.append(f"{med(first):.2f} ({min(first):.2f}–{max(first):.2f})")
        fcn_inf = [infer_ms(x) for x in fcn]
        peer_inf = [v for v in (infer_ms(x) for x in runs.get(s.get("fastest_peer"), [])) if v is not None]
        cells.append(f"{med(fcn_inf):.1f} / {med(peer_inf):.1f}" if peer_inf else f"{med(fcn_inf):.1f} / —")
        acc = f"{100 * med([x['test_acc'] for x in fcn]):.2f}%"
        if present:
            acc += f" ({100 * med([x['test_acc'] for x in runs[best]]):.2f}%)"
        cells.append(acc)
        s["other_load_cores"] = max(x["_other"] for t in ep for x in runs[t])
        s["peak_rss_mb"] = {t: max(x["_rss"] for x in runs[t]) for t in ep}
        cells.append(f"{s['other_load_cores']:.2f}")
        out.append("| " + " | ".join(cells) + " |")
        summary.append(s)
    out.append(f"\nPer system: the median over {rounds} interleaved round(s) of each run's median over its {epochs} "
               "epochs, the first included (min–max over rounds in brackets). ratio = mnist-fcn / the fastest peer of "
               "the case (< 1: mnist-fcn is faster), in brackets the per-round ratios against it. '1st epoch / median': "
               "mnist-fcn's first epoch over its run's median epoch. 'other load' = most cores used by other "
               "processes during any of the case's runs.")
    return "\n".join(out), summary


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
