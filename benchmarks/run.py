#!/usr/bin/env python3
"""Measure eks-ip-lint against the issue-6 targets, side by side with checkov and a plain read.

    python benchmarks/run.py                      # generate the trees, measure, print a table
    python benchmarks/run.py --write              # ...and rewrite benchmarks/RESULTS.md's table
    python benchmarks/run.py --checkov /path/to/venv/bin/checkov
    python benchmarks/run.py --make-checkov-venv /tmp/checkov-venv   # pip install checkov==3.3.*

Every command runs ``--repeat`` times (default 5) in a subprocess under ``/usr/bin/time`` (peak
RSS; else ``resource.getrusage(RUSAGE_CHILDREN)``); the table shows the median wall time and the
largest peak RSS. checkov must live in its own virtual environment: its bc-python-hcl2 clashes
with python-hcl2.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_monorepo  # noqa: E402

TIME = shutil.which("time", path="/usr/bin:/bin") if os.path.exists("/usr/bin/time") else None
FLOOR = (
    "import os,sys\n"
    "n=0\n"
    "for d,ds,fs in os.walk(sys.argv[1]):\n"
    "    ds[:]=[x for x in ds if not x.startswith('.')]\n"
    "    for f in fs:\n"
    "        with open(os.path.join(d,f),'rb') as h: n+=len(h.read())\n"
    "print(n)\n"
)


@dataclass
class Sample:
    wall: float
    rss_mb: float
    code: int


def measure(
    cmd: list[str],
    env: dict[str, str],
    repeat: int,
    ok: tuple[int, ...] = (0, 1),
    before: Callable[[], None] | None = None,
) -> list[Sample]:
    out: list[Sample] = []
    for _ in range(repeat):
        if before is not None:
            before()  # not timed: e.g. empty the parse cache for a cold run
        with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
            full = [TIME, "-f", "%M", "-o", tf.name, *cmd] if TIME else cmd
            rss_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t0 = time.perf_counter()
            proc = subprocess.run(
                full, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
            )
            wall = time.perf_counter() - t0
            if TIME:
                kb = int((tf.read().strip().splitlines() or ["0"])[-1] or 0)
            else:
                kb = max(rss_before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr.decode()[-2000:]}")
        out.append(Sample(wall, kb / 1024, proc.returncode))
    return out


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    mem = "unknown"
    try:
        m = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        mem = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB" if m else mem
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load average at start": load,
    }


def version_of(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unavailable"


def _an_eks_module_file(tree: Path) -> Path:
    """A .tf file of a root module with an EKS node group (the first, in name order)."""
    for f in sorted(tree.rglob("*.tf")):
        text = f.read_text(encoding="utf-8")
        if "aws_eks_node_group" in text or 'module "eks"' in text:
            return f
    raise SystemExit(f"no EKS module in {tree}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "eks-ip-lint-bench")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument(
        "--python", default=sys.executable, help="python of the environment eks-ip-lint is installed in"
    )
    p.add_argument("--checkov", help="checkov executable (in its own venv)")
    p.add_argument("--make-checkov-venv", type=Path, help="create this venv with checkov==3.3.* and use it")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--write", action="store_true", help="rewrite the measured table in benchmarks/RESULTS.md")
    ns = p.parse_args(argv)

    checkov = ns.checkov
    if ns.make_checkov_venv:
        venv = ns.make_checkov_venv
        if not (venv / "bin" / "checkov").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "checkov==3.3.*"], check=True)
        checkov = str(venv / "bin" / "checkov")

    module20 = ns.workdir / "module20"
    mono = ns.workdir / "monorepo2000"
    gen_monorepo.generate(module20, 20, ns.seed, single_module=True)
    gen_monorepo.generate(mono, 2000, ns.seed)
    n_files = sum(1 for _ in mono.rglob("*") if _.is_file())
    n_bytes = sum(f.stat().st_size for f in mono.rglob("*") if f.is_file())

    # pip compiles a package's bytecode when it installs it; an editable install in an environment
    # with PYTHONDONTWRITEBYTECODE=1 (this workplace's) never does, and every run would compile
    # all of eks-ip-lint again (about 90 ms): measure what an installed copy does.
    package_dir = subprocess.run(
        [ns.python, "-c", "import eks_ip_lint, os; print(os.path.dirname(eks_ip_lint.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run([ns.python, "-m", "compileall", "-q", package_dir], check=True, stdout=subprocess.DEVNULL)

    cache_dir = ns.workdir / "parse-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    env = {**os.environ, "EKS_IP_LINT_NO_PROGRESS": "1", "EKS_IP_LINT_CACHE_DIR": str(cache_dir)}
    cli = [ns.python, "-m", "eks_ip_lint"]
    rows: list[tuple[str, str, list[Sample]]] = []

    def run(
        label: str,
        cmd: list[str],
        ok: tuple[int, ...] = (0, 1),
        repeat: int | None = None,
        before: Callable[[], None] | None = None,
    ) -> float:
        print(f"-- {label}: {' '.join(cmd)}", file=sys.stderr, flush=True)
        s = measure(cmd, env, repeat or ns.repeat, ok, before)
        rows.append((label, " ".join(cmd), s))
        return statistics.median(x.wall for x in s)

    def cold() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    def fill_cache(cmd: list[str]) -> None:
        measure(cmd, env, 1)  # one untimed run, so the next ones are warm

    lint_mono = [*cli, str(mono), "--fail-on", "never"]
    lint_m20 = [*cli, str(module20), "--fail-on", "never"]
    startup = run("startup: eks-ip-lint --version", [*cli, "--version"])
    m20_cold = run("20-file root module, cold cache", lint_m20, before=cold)
    fill_cache(lint_m20)
    m20_warm = run("20-file root module, warm cache", lint_m20)
    floor_t = run("floor: read every file (python)", [ns.python, "-c", FLOOR, str(mono)])
    mono_cold = run("2,000-file monorepo, cold cache (default --jobs)", lint_mono, before=cold)
    run("2,000-file monorepo, cold cache, --jobs 1", [*lint_mono, "--jobs", "1"], before=cold)
    run("2,000-file monorepo, --no-cache", [*lint_mono, "--no-cache"])
    fill_cache(lint_mono)
    mono_warm = run("2,000-file monorepo, warm cache", lint_mono)
    # What a commit costs: one EKS root module changed, the other units served from the cache.
    edited = _an_eks_module_file(mono)
    edits = iter(range(1_000_000))

    def edit_one() -> None:
        with edited.open("a", encoding="utf-8") as fh:
            fh.write(f"# edit {next(edits)}\n")

    run("2,000-file monorepo, warm cache, one EKS module edited before each run", lint_mono, before=edit_one)
    files = [f for f in mono.rglob("*") if f.is_file()]

    def touch_all() -> None:
        for f in files:
            os.utime(f)

    run(
        "2,000-file monorepo, warm cache, every file touched before each run (as a fresh checkout)",
        lint_mono,
        before=touch_all,
    )
    ck: float | None = None
    if checkov:
        ck = run(
            "checkov -d, one check",
            [
                checkov,
                "-d",
                str(mono),
                "--check",
                "CKV_AWS_39",
                "--framework",
                "terraform",
                "--quiet",
                "--compact",
            ],
            ok=(0, 1),
            repeat=max(1, min(ns.repeat, 3)),
        )

    eks_peak = max(
        x.rss_mb for label, _, s in rows for x in s if "checkov" not in label and "floor" not in label
    )

    def ms(v: float) -> str:
        return f"{v * 1000:,.0f} ms" if v < 1 else f"{v:,.2f} s"

    table = ["| command | median wall | peak RSS | runs |", "|---|---:|---:|---:|"]
    for label, _, s in rows:
        table.append(
            f"| {label} | {ms(statistics.median(x.wall for x in s))} | {max(x.rss_mb for x in s):,.0f} MB | {len(s)} |"
        )
    targets: list[tuple[str, str, bool | None]] = [
        ("startup (`--version`) < 150 ms", ms(startup), startup < 0.150),
        ("20-file root module < 0.5 s, cold cache", ms(m20_cold), m20_cold < 0.5),
        ("20-file root module < 0.5 s, warm cache", ms(m20_warm), m20_warm < 0.5),
        (
            "2,000 files: >= 10x faster than checkov (one check), cold cache",
            f"{ck / mono_cold:.1f}x ({ms(mono_cold)} vs {ms(ck)})" if ck else "checkov not run",
            ck is not None and ck / mono_cold >= 10,
        ),
        (
            "2,000 files: >= 10x faster than checkov (one check), warm cache",
            f"{ck / mono_warm:.1f}x ({ms(mono_warm)} vs {ms(ck)})" if ck else "checkov not run",
            ck is not None and ck / mono_warm >= 10,
        ),
        (
            "2,000 files: <= 5x the plain-read floor, warm cache (a run after a commit)",
            f"{mono_warm / floor_t:.1f}x ({ms(mono_warm)} vs {ms(floor_t)})",
            mono_warm / floor_t <= 5,
        ),
        (
            "for reference, not a target: the floor ratio of a cold run (the first on a machine, "
            "every EKS module parsed by lark)",
            f"{mono_cold / floor_t:.1f}x ({ms(mono_cold)} vs {ms(floor_t)})",
            None,
        ),
        ("peak memory < 300 MB (largest process)", f"{eks_peak:,.0f} MB", eks_peak < 300),
    ]
    ttable = ["| target (issue 6) | measured | met |", "|---|---:|:---:|"]
    verdict = {True: "met", False: "**not met**", None: "-"}
    ttable += [f"| {t} | {v} | {verdict[ok]} |" for t, v, ok in targets]

    info = machine()
    info["eks-ip-lint"] = version_of([*cli, "--version"])
    info["python-hcl2"] = version_of(
        [ns.python, "-c", "import importlib.metadata as m; print(m.version('python-hcl2'))"]
    )
    info["checkov"] = version_of([checkov, "--version"]) if checkov else "not run"
    info["default --jobs"] = version_of(
        [ns.python, "-c", "from eks_ip_lint.prefetch import default_jobs as j; print(j())"]
    )
    info["monorepo"] = f"{n_files:,} files, {n_bytes / 1e6:.1f} MB (seed {ns.seed})"
    info["bytecode"] = "compiled before timing (compileall), as pip install does"
    head = "\n".join(f"- {k}: {v}" for k, v in info.items())
    report = f"{head}\n\n" + "\n".join(ttable) + "\n\n" + "\n".join(table) + "\n"
    print(report)
    if ns.write:
        results = HERE / "RESULTS.md"
        text = results.read_text() if results.exists() else "<!-- measured -->\n<!-- /measured -->\n"
        new = re.sub(
            r"<!-- measured -->.*<!-- /measured -->",
            lambda _m: f"<!-- measured -->\n{report}<!-- /measured -->",
            text,
            flags=re.S,
        )
        results.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
