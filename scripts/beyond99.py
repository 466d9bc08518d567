#!/usr/bin/python3
"""The "Beyond 99%" seed table from finished runs: test accuracy, minutes, and time to 99.0% / 99.3%.

Reads each run folder's metrics.json and test-by-epoch.csv (written by `train --test-each-epoch`; the test accuracy
after every epoch, for this report only: nothing in training reads it). Time to a mark: the first epoch whose test
accuracy reached it, and the training minutes up to the end of that epoch (the loop's train_seconds, as in
metrics.json; validation and the per-epoch test passes are left out). A run still going is shown with the epochs
it has so far.

Usage: python3 scripts/beyond99.py models/best-mlp-s1 models/best-mlp-s2 models/best-mlp-s3
"""
import csv
import json
import os
import statistics
import sys


def first_reaching(curve, mark):
    for row in curve:
        if float(row["test_accuracy"]) >= mark:
            return f"epoch {row['epoch']}, {float(row['train_seconds']) / 60:.1f} min"
    return "not reached"


def main(dirs):
    for d in dirs:  # all checked before the table starts, so a mistake does not leave half a table
        if not os.path.isdir(d):
            sys.exit(f"beyond99.py: no run folder {d}; give run folders such as models/best-mlp-s1")
        if not os.path.exists(os.path.join(d, "test-by-epoch.csv")):
            sys.exit(f"beyond99.py: {d} has no test-by-epoch.csv: that run was trained without --test-each-epoch; "
                     "rerun it with train --test-each-epoch")
    print("| run | epochs | test accuracy | val accuracy | train min | whole run min | time to 99.0% | time to 99.3% |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    finished = []
    for d in dirs:
        with open(os.path.join(d, "test-by-epoch.csv")) as f:
            curve = list(csv.DictReader(f))
        metrics = os.path.join(d, "metrics.json")
        if os.path.exists(metrics):
            with open(metrics) as f:
                m = json.load(f)
            acc, val = m["test"]["accuracy"], m["history"][-1]["validation_accuracy"]
            train, whole, epochs = m["timings"]["train_seconds"] / 60, m["timings"]["total_seconds"] / 60, len(m["history"])
            finished.append(acc)
            cells = [f"{100 * acc:.2f}%", f"{100 * val:.2f}%", f"{train:.1f}", f"{whole:.1f}"]
        else:
            epochs = len(curve)
            cells = [f"({100 * float(curve[-1]['test_accuracy']):.2f}% so far)", "", f"{float(curve[-1]['train_seconds']) / 60:.1f}",
                     "(running)"]
        print(f"| {os.path.basename(d.rstrip('/'))} | {epochs} | " + " | ".join(cells)
              + f" | {first_reaching(curve, 0.99)} | {first_reaching(curve, 0.993)} |")
    if len(finished) > 1:
        print(f"\nmean {100 * statistics.mean(finished):.2f}% ± {100 * statistics.stdev(finished):.2f} (sample std, "
              f"{len(finished)} seeds)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
