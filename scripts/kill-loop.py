#!/usr/bin/env python3
"""Kill-loop harness: SIGKILL a training run (and a compare) at random moments, rerun the same command with
resume=auto until it exits 0, then check that nothing was lost or corrupted.

  python3 scripts/kill-loop.py [--kills 50] [--seed 1]      # about 10 minutes on 2 cores

For the run: a 3-epoch one-layer run on 3,000 images, checkpoint every epoch. Each "life" starts in a fresh
folder; half the attempts are killed after a delay drawn uniformly from [0, 1.1 x an uninterrupted attempt], half
within 0.6 s of a line they print (training starts, a checkpoint, the last epoch, "Finishing"), so kills land in
JVM start-up, data loading, training, checkpoint writes, the final evaluation, model.zip and the reports.
Half the kills hit the whole process group, half only the parent (its child JVM then dies on its own a moment
later, and an immediate rerun meets the run-folder lock). After each life: model.zip's parameters and updater
state must be byte-identical to an uninterrupted run's, and every file in the folder complete (zips pass their
CRC check, JSON parses, reports end properly). Then the same for a 2-config x 2-seed compare: the table's
accuracy and loss columns must equal an uninterrupted compare's. Prints one JSON summary line at the end.
"""
import argparse, json, os, random, signal, subprocess, sys, time, zipfile, shutil, re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"), "bin", "java")
if not os.path.exists(JAVA):
    JAVA = "java"


def classpath(out):
    cp_file = os.path.join(ROOT, "target", "kill-loop-cp.txt")
    subprocess.run(["mvn", "-q", "-B", "compile", "dependency:build-classpath", "-Dmdep.outputFile=" + cp_file],
                   cwd=ROOT, check=True)
    # A copy: a build in the checkout while the loop runs must not pull classes from under it.
    classes = os.path.join(out, "classes")
    shutil.copytree(os.path.join(ROOT, "target", "classes"), classes)
    return open(cp_file).read().strip() + os.pathsep + classes


def command(cp, out, args):
    return [JAVA, "-cp", cp, "dev.mnistfcn.cli.Main"] + args


def train_args(out, name):
    return ["train", "-c", "config/one-layer.yaml", "--no-progress", "--resume=auto", "--set", "name=" + name,
            "--set", "training.epochs=3", "--set", "data.train_limit=3000", "--set", "checkpoint.every=1",
            "--set", "output.dir=" + out]


def compare_args(out):
    return ["compare", "config/one-layer.yaml", "config/two-layer.yaml", "--seeds", "2", "--no-progress",
            "--out", os.path.join(out, "report"), "--set", "training.epochs=2", "--set", "data.train_limit=2000",
            "--set", "checkpoint.every=1", "--set", "output.dir=" + out]


# Targeted kills: once the attempt prints one of these, a moment later (the last epoch's line is followed by its
# checkpoint, the test evaluation, model.zip and the reports: the short end of a run, which uniform timing misses).
MARKERS = ["epoch |", "checkpoint", " 3/3 |", " 3/3 |", "Finishing"]


def attempt(cmd, kill_after, log_path, rng, marker=None):
    """Runs cmd; kills it after kill_after seconds, or a moment after `marker` shows in its output (None: never).
    Returns (exit code, killed, mode)."""
    with open(log_path, "w") as log:
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            if marker is None:
                code = p.wait(timeout=kill_after)
                return code, False, None
            while p.poll() is None and marker not in open(log_path).read():
                time.sleep(0.02)
            if p.poll() is not None:
                return p.returncode, False, None
            time.sleep(rng.uniform(0, 0.6))
            if p.poll() is not None:
                return p.returncode, False, None
            raise subprocess.TimeoutExpired(cmd, 0)
        except subprocess.TimeoutExpired:
            mode = rng.choice(["group", "parent"])
            if mode == "group":
                os.killpg(p.pid, signal.SIGKILL)
            else:
                os.kill(p.pid, signal.SIGKILL)
            p.wait()
            return p.returncode, True, mode


def stage(log_text, run_dir):
    """Where a kill landed, from the attempt's output and the temp files it left."""
    temps = []
    for d in (run_dir, os.path.join(run_dir, "checkpoints")):
        if os.path.isdir(d):
            temps += [f for f in os.listdir(d) if f.startswith(".tmp-")]
    if temps:
        name = temps[0][len(".tmp-"):]
        return "writing " + re.sub(r"-\d+$", "", name)
    lines = [l for l in log_text.splitlines() if l.strip()]
    if not lines:
        return "JVM start-up"
    last = lines[-1]
    if last.startswith("Wrote"):
        return "after the last write"
    if " 3/3 |" in log_text or "Finishing" in log_text:
        return "final checkpoint, test evaluation and outputs (no write open)"
    if "Test accuracy" in log_text or last.startswith("#") or last.startswith("|"):
        return "final evaluation and reports"
    if re.match(r"\s*\d+/\d+ \|", last) or last.startswith("epoch |"):
        return "training"
    if "checkpoint" in last:
        return "after a checkpoint write"
    if "in use by another" in log_text:
        return "refused by the lock"
    return "setup (config, data, network)"


def check_folder(run_dir):
    """Every file complete: zips pass CRC checks, JSON parses, reports end as written. Returns problems."""
    problems = []
    for base, _, files in os.walk(run_dir):
        for f in files:
            path = os.path.join(base, f)
            if f.startswith(".tmp-") or f == ".lock":
                continue
            try:
                if f.endswith(".zip"):
                    with zipfile.ZipFile(path) as z:
                        bad = z.testzip()
                        if bad or "coefficients.bin" not in z.namelist():
                            problems.append(path + ": bad entry " + str(bad))
                elif f.endswith(".json"):
                    json.load(open(path))
                elif f.endswith(".html"):
                    if not open(path).read().rstrip().endswith("</html>"):
                        problems.append(path + ": cut short")
                elif f.endswith(".md") or f.endswith(".yaml"):
                    if not open(path).read().endswith("\n"):
                        problems.append(path + ": cut short")
            except Exception as e:  # noqa: BLE001 - any failure to read is a finding
                problems.append(path + ": " + str(e))
    return problems


def entries(zip_path):
    with zipfile.ZipFile(zip_path) as z:
        return z.read("coefficients.bin"), z.read("updaterState.bin")


MARKER = ".kill-loop-output"
DEFAULT_OUT = os.path.join(ROOT, "target", "kill-loop")


def prepare_out(out, error):
    """Makes `out` an empty folder of ours. It is cleared only where an earlier kill-loop made it (MARKER inside, or
    the default folder, which runs from before the marker left without one): --out models or --out . must never
    wipe a user's runs."""
    if os.path.exists(out) and not os.path.isdir(out):
        error(f"--out {out} is a file, not a folder; give a new folder, or one an earlier kill-loop made")
    if os.path.isdir(out) and os.listdir(out):
        if not os.path.exists(os.path.join(out, MARKER)) and os.path.abspath(out) != DEFAULT_OUT:
            error(f"--out {out} already holds files that kill-loop did not make (no {MARKER} in it); give a new or "
                  "empty folder (kill-loop clears its own earlier output only)")
        shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    open(os.path.join(out, MARKER), "w").close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=50, help="SIGKILLs of the training run (the compare gets a third)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=DEFAULT_OUT,
                    help="working folder (default target/kill-loop): a new or empty folder, or one an earlier "
                         "kill-loop made (it holds " + MARKER + "), which is then cleared; any other folder is refused")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    prepare_out(a.out, ap.error)
    cp = classpath(a.out)

    # The uninterrupted reference run, also timing one attempt.
    t0 = time.time()
    code, _, _ = attempt(command(cp, a.out, train_args(a.out, "reference")), None, os.path.join(a.out, "ref.log"), rng)
    span = time.time() - t0
    assert code == 0, open(os.path.join(a.out, "ref.log")).read()
    reference = entries(os.path.join(a.out, "reference", "model.zip"))

    kills, stages, lives, attempts, lost, corrupt, lock_refusals = 0, {}, 0, 0, 0, [], 0
    while kills < a.kills:
        lives += 1
        name = "life-%02d" % lives
        run_dir = os.path.join(a.out, name)
        while True:
            attempts += 1
            log_path = os.path.join(a.out, "%s-%03d.log" % (name, attempts))
            delay, marker = None, None
            if kills < a.kills:  # half at a uniform moment, half just after a marker
                if rng.random() < 0.5:
                    delay = rng.uniform(0, 1.1 * span)
                else:
                    marker = rng.choice(MARKERS)
            code, killed, mode = attempt(command(cp, a.out, train_args(a.out, name)), delay, log_path, rng, marker)
            text = open(log_path).read()
            if killed:
                kills += 1
                where = stage(text, run_dir) + ("" if mode == "group" else " (parent only)")
                stages[where] = stages.get(where, 0) + 1
                continue
            if code == 2 and "in use by another" in text:
                lock_refusals += 1  # the killed run's child JVM is still exiting: try again in a moment
                time.sleep(0.5)
                continue
            if code != 0:
                print(text, file=sys.stderr)
                raise SystemExit("%s: exit %d" % (log_path, code))
            break
        if entries(os.path.join(run_dir, "model.zip")) != reference:
            lost += 1
        corrupt += check_folder(run_dir)

    # A 2-config x 2-seed compare: uninterrupted, then killed and rerun until done.
    ref_out, killed_out = os.path.join(a.out, "compare-ref"), os.path.join(a.out, "compare-killed")
    t0 = time.time()
    code, _, _ = attempt(command(cp, ref_out, compare_args(ref_out)), None, os.path.join(a.out, "compare-ref.log"), rng)
    compare_span = time.time() - t0
    assert code == 0, open(os.path.join(a.out, "compare-ref.log")).read()
    compare_kills, compare_attempts = 0, 0
    while True:
        compare_attempts += 1
        log_path = os.path.join(a.out, "compare-%03d.log" % compare_attempts)
        delay = rng.uniform(0, compare_span) if compare_kills < max(1, a.kills // 3) else None
        code, killed, _ = attempt(command(cp, killed_out, compare_args(killed_out)), delay, log_path, rng)
        if killed:
            compare_kills += 1
            continue
        text = open(log_path).read()
        if code == 2 and "in use by another" in text:
            lock_refusals += 1
            time.sleep(0.5)
            continue
        assert code == 0, text
        break

    def accuracy_columns(path):  # config, best val, test acc, macro F1, test loss: what training decides
        rows = [l.split("|") for l in open(path) if l.startswith("| one-layer") or l.startswith("| two-layer")]
        return [[r[1].strip(), r[7].strip(), r[8].strip(), r[9].strip(), r[10].strip()] for r in rows]

    same_table = accuracy_columns(os.path.join(ref_out, "report", "report.md")) == \
        accuracy_columns(os.path.join(killed_out, "report", "report.md"))
    for d in os.listdir(killed_out):
        if os.path.isdir(os.path.join(killed_out, d)):
            corrupt += check_folder(os.path.join(killed_out, d))
    summary = {"run_kills": kills, "lives": lives, "attempts": attempts, "uninterrupted_attempt_s": round(span, 1),
               "kills_by_stage": dict(sorted(stages.items(), key=lambda kv: -kv[1])), "lock_refusals": lock_refusals,
               "lost_runs": lost, "corrupt_files": corrupt, "compare_kills": compare_kills,
               "compare_table_identical": same_table}
    print("JSON " + json.dumps(summary))
    ok = lost == 0 and not corrupt and same_table
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
