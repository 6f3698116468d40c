#!/usr/bin/env python3
"""Measure the issue-18 targets, each run interleaved with its reference, CPU time beside wall time.

    python benchmarks/issue18.py --checkov /tmp/checkov-venv/bin/checkov [--rounds 3] [--write]

Rows (every subject run alternates with its reference run in the same loop, so a change in the
machine's load shows in both; the table gives medians and the median of the per-round ratios):

- first run after install: ``pip install --no-deps --target DIR`` of this checkout into a fresh
  directory every round (pip compiles the bytecode, as an install does), then the first
  ``eks-ip-lint`` on the 20-file module with an empty cache directory, against ``--version`` of
  the same install. Target: within 10x.
- cold run on the module-heavy 2,000-file tree (``gen_monorepo.py --preset modules2000``: every root
  calls a registry module), CPU time (user + system of the run and its workers) against checkov's
  with one check. Target: at most a tenth.
- warm run on the same tree against the read floor (walk and read every file) and the stat floor
  (walk and stat every file). Target: within 3x of the read floor.

The installed copy runs with the dependencies of the interpreter given (``--python``), its own
package first on ``PYTHONPATH``.
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
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import gen_monorepo  # noqa: E402

READ_FLOOR = (
    "import os,sys\nn=0\nfor d,ds,fs in os.walk(sys.argv[1]):\n"
    "    ds[:]=[x for x in ds if not x.startswith('.')]\n"
    "    for f in fs:\n        with open(os.path.join(d,f),'rb') as h: n+=len(h.read())\nprint(n)\n"
)
STAT_FLOOR = (
    "import os,sys\nn=0\nfor d,ds,fs in os.walk(sys.argv[1]):\n"
    "    ds[:]=[x for x in ds if not x.startswith('.')]\n"
    "    for f in fs: n+=os.stat(os.path.join(d,f)).st_size\nprint(n)\n"
)


@dataclass
class Run:
    wall: float
    cpu: float  # user + system of the process and every child it waited for


def timed(cmd: list[str], env: dict[str, str]) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu)


def machine() -> dict[str, str]:
    cpu = "unknown"
    m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    if m:
        cpu = m.group(1).strip()
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def fmt(v: float) -> str:
    return f"{v * 1000:,.0f} ms" if v < 1 else f"{v:,.2f} s"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "eks-ip-lint-bench18")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--checkov", help="checkov executable (in its own venv)")
    p.add_argument("--write", action="store_true", help="rewrite the measured table in benchmarks/RESULTS.md")
    ns = p.parse_args(argv)

    work = ns.workdir
    module20, heavy = work / "module20", work / "modules2000"
    gen_monorepo.generate(module20, 20, 6, single_module=True)
    gen_monorepo.generate(heavy, 2000, 6, registry=True)
    cache = work / "cache"
    base_env = {**os.environ, "EKS_IP_LINT_NO_PROGRESS": "1", "EKS_IP_LINT_CACHE_DIR": str(cache)}
    load_start = os.getloadavg()

    # --- first run after install, against --version of the same install ----------------------
    first: list[tuple[Run, Run]] = []
    for i in range(ns.rounds):
        target = work / f"install-{i}"
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(
            [ns.python, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(REPO)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        env = {**base_env, "PYTHONPATH": str(target)}
        shutil.rmtree(cache, ignore_errors=True)
        cli = [ns.python, "-m", "eks_ip_lint"]
        version = timed([*cli, "--version"], env)
        run = timed([*cli, str(module20), "--fail-on", "never"], env)
        first.append((run, version))

    # --- cold module-heavy tree against checkov (one check) -----------------------------------
    env = {**base_env, "PYTHONPATH": str(work / f"install-{ns.rounds - 1}")}  # compiled, as installed
    lint = [ns.python, "-m", "eks_ip_lint", str(heavy), "--fail-on", "never"]
    cold: list[tuple[Run, Run | None]] = []
    checkov_cmd = (
        [
            ns.checkov,
            "-d",
            str(heavy),
            "--check",
            "CKV_AWS_39",
            "--framework",
            "terraform",
            "--quiet",
            "--compact",
        ]
        if ns.checkov
        else None
    )
    for _ in range(ns.rounds):
        shutil.rmtree(cache, ignore_errors=True)
        ours = timed(lint, env)
        theirs = timed(checkov_cmd, env) if checkov_cmd else None
        cold.append((ours, theirs))

    # --- warm run against the read and stat floors ---------------------------------------------
    timed(lint, env)  # fills the cache
    warm: list[tuple[Run, Run, Run]] = []
    for _ in range(ns.rounds * 2):
        ours = timed(lint, env)
        read = timed([ns.python, "-c", READ_FLOOR, str(heavy)], env)
        stat = timed([ns.python, "-c", STAT_FLOOR, str(heavy)], env)
        warm.append((ours, read, stat))

    def med(xs: list[float]) -> float:
        return statistics.median(xs)

    rows = [
        "| row | subject (wall / CPU) | reference (wall / CPU) | ratio (median of rounds) | target | met |",
        "|---|---:|---:|---:|---|:---:|",
    ]
    r_first = med([a.wall / b.wall for a, b in first])
    rows.append(
        f"| first run after install, 20-file module, vs `--version` | {fmt(med([a.wall for a, _ in first]))} / "
        f"{fmt(med([a.cpu for a, _ in first]))} | {fmt(med([b.wall for _, b in first]))} / "
        f"{fmt(med([b.cpu for _, b in first]))} | {r_first:.1f}x wall | within 10x | "
        f"{'met' if r_first <= 10 else '**not met**'} |"
    )
    if all(t is not None for _, t in cold):
        r_cold = med([a.cpu / t.cpu for a, t in cold if t is not None])
        rows.append(
            f"| cold, module-heavy 2,000 files, vs checkov one check | {fmt(med([a.wall for a, _ in cold]))} / "
            f"{fmt(med([a.cpu for a, _ in cold]))} | {fmt(med([t.wall for _, t in cold if t]))} / "
            f"{fmt(med([t.cpu for _, t in cold if t]))} | {r_cold:.3f} of checkov's CPU | at most 0.1 | "
            f"{'met' if r_cold <= 0.1 else '**not met**'} |"
        )
    else:
        rows.append(
            f"| cold, module-heavy 2,000 files | {fmt(med([a.wall for a, _ in cold]))} / "
            f"{fmt(med([a.cpu for a, _ in cold]))} | checkov not run | - | at most 0.1 | - |"
        )
    r_warm = med([a.wall / r.wall for a, r, _ in warm])
    r_stat = med([a.wall / s.wall for a, _, s in warm])
    rows.append(
        f"| warm, module-heavy 2,000 files, vs read floor | {fmt(med([a.wall for a, _, _ in warm]))} / "
        f"{fmt(med([a.cpu for a, _, _ in warm]))} | {fmt(med([r.wall for _, r, _ in warm]))} / "
        f"{fmt(med([r.cpu for _, r, _ in warm]))} | {r_warm:.1f}x wall | within 3x | "
        f"{'met' if r_warm <= 3 else '**not met**'} |"
    )
    rows.append(
        f"| warm, same, vs stat floor (for reference) | {fmt(med([a.wall for a, _, _ in warm]))} | "
        f"{fmt(med([s.wall for _, _, s in warm]))} / {fmt(med([s.cpu for _, _, s in warm]))} | {r_stat:.1f}x wall | - | - |"
    )
    info = machine()
    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    info["load average at start"] = " ".join(f"{x:.2f}" for x in load_start)
    info["rounds"] = f"{ns.rounds} (warm: {ns.rounds * 2}), each subject run next to its reference"
    info["checkov"] = (
        subprocess.run([ns.checkov, "--version"], capture_output=True, text=True, check=False).stdout.strip()
        if ns.checkov
        else "not run"
    )
    report = "\n".join(f"- {k}: {v}" for k, v in info.items()) + "\n\n" + "\n".join(rows) + "\n"
    print(report)
    if ns.write:
        results = HERE / "RESULTS.md"
        text = results.read_text()
        block = f"<!-- issue18 -->\n{report}<!-- /issue18 -->"
        if "<!-- issue18 -->" in text:
            text = re.sub(r"<!-- issue18 -->.*<!-- /issue18 -->", lambda _m: block, text, flags=re.S)
        else:
            text += "\n## Issue 18 targets (benchmarks/issue18.py)\n\n" + block + "\n"
        results.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
