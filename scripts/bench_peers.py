"""The peers scripts/bench.py sets beside mnist-fcn, how each is run, and the machine they all run on.

Peers (each skipped, with a note, where it is not installed):
  jax      ../shared/bench/jax_mlp.py, JAX's jitted step (--loop python), in the venv target/py
  tf       ../shared/bench/tf_seed.py, the tutorial's own TF-1 program on TensorFlow 2.21, in target/py
  torch2   ../shared/bench/torch_mlp.py on the torch 2.13 wheel (MKL, oneDNN), in target/py
  torch1   the same on Debian's torch 1.13 (/usr/bin/python3, OpenBLAS; apt-get install python3-torch
           libopenblas0-openmp), and torch1-ftz with --ftz (flush denormals)
JAX and TensorFlow know the tutorial's two networks only; other configs (tuned) run on the torch peers through
scripts/torch_config.py, which replicates any config.

The venv: `.ci/run` builds target/py with torch and tensorflow; `python3 scripts/bench.py --setup` adds jax[cpu]
from the machine image's wheels (pip's own configuration finds them; --retries 0: the public index is unreachable).
"""
import gzip
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_PY = os.path.join(ROOT, "target", "py", "bin", "python")
DEBIAN_PY = "/usr/bin/python3"
CONFIG_PEER = os.path.join(ROOT, "scripts", "torch_config.py")
TUTORIAL_CONFIGS = ("one-layer", "two-layer", "fashion-one-layer", "fashion-two-layer")
FASHION_GZ = "/usr/share/datasets/fashion-mnist"


def huge_pages():
    """NativeSettings.hugePages: the kernel hands out transparent huge pages on request (or always)."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            mode = f.read()
        return "[madvise]" in mode or "[always]" in mode
    except OSError:
        return False


# NativeSettings.JVM_OPTIONS and hugePageOptions(): what the CLI gives its own JVM.
JVM_OPTIONS = (["-XX:+UseTransparentHugePages"] if huge_pages() else []) \
    + ["-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "--add-modules", "jdk.incubator.vector"]


def shared_bench():
    """../shared/bench beside the project (a worktree elsewhere: $MNIST_FCN_SHARED or /work/shared)."""
    for d in (os.path.join(ROOT, "..", "shared"), os.environ.get("MNIST_FCN_SHARED", ""), "/work/shared"):
        if d and os.path.isfile(os.path.join(d, "bench", "torch_mlp.py")):
            return os.path.join(os.path.abspath(d), "bench")
    return None


def has_module(python, module):
    return os.path.exists(python) and subprocess.run(
        [python, "-c", f"import {module}"], capture_output=True).returncode == 0


def setup():
    """target/py with the three wheel peers (what .ci/run installs, plus jax[cpu]; pyyaml and torchvision for torch_config.py)."""
    if not os.path.exists(VENV_PY):
        subprocess.run([sys.executable, "-m", "venv", os.path.join(ROOT, "target", "py")], check=True)
    subprocess.run([VENV_PY, "-m", "pip", "install", "-q", "--retries", "0", "onnx", "onnxruntime", "onnxscript",
                    "tensorflow-cpu==2.21.0", "torch==2.13.0+cpu", "jax[cpu]", "pyyaml", "torchvision"], check=True)


def data_dir(config):
    """Where a config's IDX files are for the peers: MNIST in data/mnist; Fashion-MNIST unzipped once under target/."""
    if not config.startswith("fashion"):
        return os.path.join(ROOT, "data", "mnist")
    out = os.path.join(ROOT, "target", "bench", "fashion-mnist")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(FASHION_GZ):
        plain = os.path.join(out, name[:-3])
        if name.endswith(".gz") and not os.path.exists(plain):
            with gzip.open(os.path.join(FASHION_GZ, name)) as src, open(plain + ".tmp", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(plain + ".tmp", plain)
    return out


def check_writable(path):
    """None where `path` can be written (its folder, or the nearest one that exists, takes a new file), else why not.
    Probed with a temporary file removed at once: a bench must not find out after all its rounds."""
    if os.path.isdir(path):
        return f"{path} is a folder; give the name of a .json file to write (in it or elsewhere)"
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(folder):
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder):
        return f"{folder} is a file, so no folder can be made there for {path}"
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".bench-probe-")
        os.close(fd)
        os.remove(probe)
    except OSError as e:
        return f"cannot write in {folder} ({e.strerror})"
    return None


def write_json(path, obj):
    """Writes obj as JSON to path whole or not at all (temp file + rename); exits with one line if it cannot."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        tmp = f"{path}.tmp-{os.getpid()}"
        try:
            with open(tmp, "w") as f:
                json.dump(obj, f, indent=1)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    except OSError as e:
        sys.exit(f"bench: could not write {path}: {e.strerror or e} (the table above has the figures)")


def peers(want):
    """[(tag, label, python, script kind, extra args)] of the peers in `want` that are installed; notes on the rest."""
    bench = shared_bench()
    found, notes = [], []
    table = [("jax", "JAX (jit step)", VENV_PY, "jax", "jax", []),
             ("tf", "TF 2.21 tutorial", VENV_PY, "tensorflow", "tf", []),
             ("torch2", "torch 2.13 wheel", VENV_PY, "torch", "torch", []),
             ("torch1", "Debian torch 1.13", DEBIAN_PY, "torch", "torch", []),
             ("torch1-ftz", "Debian torch 1.13 --ftz", DEBIAN_PY, "torch", "torch", ["--ftz"])]
    for tag, label, py, module, kind, extra in table:
        if tag not in want:
            continue
        if bench is None:
            notes.append(f"{tag}: ../shared/bench not found (set MNIST_FCN_SHARED)")
        elif not has_module(py, module):
            notes.append(f"{tag}: {py} has no {module}" + (" (python3 scripts/bench.py --setup)" if py == VENV_PY
                                                           else " (apt-get install -y python3-torch libopenblas0-openmp)"))
        else:
            found.append((tag, label, py, kind, extra))
    return found, notes


def peer_command(peer, config, batch, epochs, infer=True):
    """The command line of one peer run, or None where the peer has no replica of `config`."""
    tag, _, py, kind, extra = peer
    bench = shared_bench()
    net = config.replace("fashion-", "")
    common = ["--epochs", str(epochs), "--batch-size", str(batch), "--data-dir", data_dir(config)]
    if config not in TUTORIAL_CONFIGS:
        if kind != "torch":
            return None
        return [py, CONFIG_PEER, os.path.join(ROOT, "config", config + ".yaml"), "--threads", "2"] + common + extra + (
            [] if infer else ["--no-infer-bench"])
    if kind == "jax":
        return [py, os.path.join(bench, "jax_mlp.py"), "--config", net] + common
    if kind == "tf":
        return [py, os.path.join(bench, "tf_seed.py"), "--config", net, "--threads", "2"] + common
    return [py, os.path.join(bench, "torch_mlp.py"), "--config", net, "--threads", "2", "--split", "tf"] + common \
        + extra + ([] if infer else ["--no-infer-bench"])


def environments(as_avx2, avx512):
    """(mnist-fcn's environment, the peers'): the CLI's thread settings; OpenBLAS's SkylakeX kernels on both sides
    where the CPU has AVX-512 (OpenBLAS 0.3.19-0.3.21 misdetects these CPUs; never set without AVX-512)."""
    java_env = dict(os.environ, OMP_NUM_THREADS="1", OMP_WAIT_POLICY="PASSIVE", MNIST_FCN_RELAUNCHED="1")
    if huge_pages() and "GLIBC_TUNABLES" not in os.environ:  # NativeSettings.childEnvironment
        java_env["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
    peer_env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    if as_avx2:
        for env in (peer_env, java_env):
            env["OPENBLAS_CORETYPE"] = "Haswell"
        peer_env["ONEDNN_MAX_CPU_ISA"] = "AVX2"
    elif avx512:
        peer_env["OPENBLAS_CORETYPE"] = "SkylakeX"
        java_env["OPENBLAS_CORETYPE"] = "SkylakeX"
    return java_env, peer_env


def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK"), ru.ru_utime + ru.ru_stime


def run(cmd, env, json_line=True):
    """Runs one command; returns (its JSON line or None, wall seconds, peak RSS MB, other processes' cores)."""
    b0, t0 = busy(), time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "PEAK_RSS_KB %M"] + cmd, env=env, cwd=ROOT,
                       capture_output=True, text=True)
    wall, b1 = time.time() - t0, busy()
    out = p.stdout + p.stderr
    js = [l for l in out.splitlines() if l.startswith("JSON ")]
    if p.returncode != 0 or (json_line and not js):
        sys.exit(f"failed: {' '.join(cmd)}\n{out[-3000:]}")
    rss = int(re.search(r"PEAK_RSS_KB (\d+)", out).group(1)) / 1024
    other = max(0.0, ((b1[0] - b0[0]) - (b1[1] - b0[1])) / wall)
    return (json.loads(js[-1][5:]) if js else None), wall, rss, other


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


def machine(found, cp, peer_env, java_env):
    """What the table was measured on: CPU, cores, AVX flags, the OpenBLAS each side runs, versions, date."""
    with open("/proc/cpuinfo") as f:
        cpuinfo = f.read()

    def field(name):
        m = re.search(rf"^{name}\s*:\s*(.*)$", cpuinfo, re.M)
        return m.group(1).strip() if m else None

    flags = set((field("flags") or "").split())
    jar = re.search(r"openblas-(\d[\w.]*)-\d[\d.]*-linux-x86_64\.jar", cp or "")
    m = {"cpu": field("model name"), "cpu_family": field("cpu family"), "cpu_model": field("model"),
         "cpu_stepping": field("stepping"), "cores": len(os.sched_getaffinity(0)),
         "avx2": "avx2" in flags, "avx512f": "avx512f" in flags,
         "java": first_line(["java", "-version"], r"\(build ([^)]+)\)"),
         "fcn_openblas": jar.group(1) if jar else None,
         "fcn_openblas_coretype": java_env.get("OPENBLAS_CORETYPE"),
         "peer_openblas_coretype": peer_env.get("OPENBLAS_CORETYPE"),
         "peers": {}, "date": time.strftime("%Y-%m-%d %H:%M %Z"),
         "commit": first_line(["git", "-C", ROOT, "describe", "--always", "--dirty"])}
    versions = {"jax": "import jax; print(jax.__version__)", "tf": "import tensorflow as t; print(t.__version__)",
                "torch2": "import torch; print(torch.__version__)", "torch1": "import torch; print(torch.__version__)"}
    for tag, label, py, _, _ in found:
        code = versions.get(tag.replace("-ftz", ""))
        m["peers"][tag] = f"{label}: {first_line([py, '-c', code]) if code else '?'}"
    return m


def machine_line(m):
    s = (f"Machine: {m['cpu']} (family {m['cpu_family']} model {m['cpu_model']}), {m['cores']} cores, "
         f"avx2 {'yes' if m['avx2'] else 'no'}, avx512f {'yes' if m['avx512f'] else 'no'}; mnist-fcn: Java {m['java']}, "
         f"bundled OpenBLAS {m['fcn_openblas']}, OPENBLAS_CORETYPE={m['fcn_openblas_coretype'] or 'unset'}; peers: "
         + ("; ".join(m["peers"].values()) or "none")
         + f" (OPENBLAS_CORETYPE={m['peer_openblas_coretype'] or 'unset'})")
    if m.get("as_avx2"):
        s += "; BOTH SIDES HELD TO AVX2 (--as-avx2) on this AVX-512 CPU"
    return s + f"; {m['date']}, commit {m['commit']}"
