"""The Dockerfile: built with a container engine (docker or podman) and run on the seed example
with no network, as docs/integrations/ci.md#container-image says.

Skipped, with the reason, where no engine works or the base image cannot be pulled (no access to
the registry); .ci/run installs podman from the system's packages where it can.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from testlib import REPO, SEED

pytestmark = pytest.mark.slow

BASE_IMAGE = "python:3.12-slim"  # the Dockerfile's default PYTHON_IMAGE


def _engine() -> str:
    reasons = []
    for name in ("docker", "podman"):
        path = shutil.which(name)
        if path is None:
            reasons.append(f"{name}: not installed")
            continue
        info = subprocess.run([path, "info"], capture_output=True, text=True, timeout=120, check=False)
        if info.returncode == 0:
            return path
        reasons.append(f"{name} info: {(info.stderr or info.stdout).strip().splitlines()[-1:]}")
    pytest.skip("no working container engine: " + "; ".join(reasons))


def test_image_builds_and_lints_the_seed_without_network(tmp_path: Path) -> None:
    engine = _engine()
    assert f"ARG PYTHON_IMAGE={BASE_IMAGE}" in (REPO / "Dockerfile").read_text()
    present = subprocess.run([engine, "image", "inspect", BASE_IMAGE], capture_output=True, check=False)
    if present.returncode != 0:
        pull = subprocess.run(
            [engine, "pull", BASE_IMAGE], capture_output=True, text=True, timeout=600, check=False
        )
        if pull.returncode != 0:
            pytest.skip(f"cannot pull the base image {BASE_IMAGE}: {pull.stderr.strip()[-300:]}")
    tag = f"eks-ip-lint-test:{uuid.uuid4().hex[:8]}"
    build = subprocess.run(
        [engine, "build", "-t", tag, str(REPO)], capture_output=True, text=True, timeout=1200, check=False
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    try:
        work = tmp_path / "work"
        shutil.copytree(SEED, work / "infra")
        run = subprocess.run(
            [engine, "run", "--rm", "--network", "none", "-v", f"{work}:/src:ro", tag, "infra"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 1, run.stderr
        assert "infra/main.tf:51: error EKSIP101" in run.stdout
        user = subprocess.run(
            [engine, "run", "--rm", "--entrypoint", "id", tag, "-u"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert user.stdout.strip() != "0"  # not root
    finally:
        subprocess.run([engine, "rmi", "-f", tag], capture_output=True, check=False)
