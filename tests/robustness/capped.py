"""The CLI in a subprocess capped in time and address space: a hostile input that hangs or eats
memory fails its test (a timeout, or MemoryError seen as exit 3), never the CI job or the machine."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

# Address space, not resident memory: the interpreter with lark, PyYAML and cfn-lint's decoder maps
# about 300 MB; a billion-laughs expansion or a count of 10^300 needs gigabytes.
MEMORY_CAP = 1024 * 1024 * 1024


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_capped(path: Path, *args: str, timeout: float = 20) -> tuple[int, str, str]:
    """``eks-ip-lint PATH --fail-on never --no-cache ARGS`` within ``timeout`` seconds and
    MEMORY_CAP bytes; fails the test on a hang, a traceback or exit 3."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "eks_ip_lint", str(path), "--fail-on", "never", "--no-cache", *args],
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "EKS_IP_LINT_DEBUG": "1"},
            preexec_fn=_cap,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"eks-ip-lint did not finish within {timeout} s on {path}")
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    assert proc.returncode in (0, 1, 2), err[-3000:]
    return proc.returncode, out, err
