"""prefetch: a cold run parses ahead in worker processes and reports exactly what a serial run does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eks_ip_lint import prefetch
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.report.json_report import render_json
from eks_ip_lint.sources import parse_cache

FIXTURES = Path(__file__).parent / "fixtures"
SEED_TF = Path(__file__).parents[1] / "examples" / "seed-cluster"
SEED_CFN = FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv(parse_cache.ENV_DIR, str(root))
    monkeypatch.delenv(parse_cache.ENV_DISABLE, raising=False)
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Twelve copies of the seed module (24 .tf files), six of the seed template, one module with a
    syntax error and one template cfn-lint rejects."""
    root = tmp_path / "repo"
    for i in range(12):
        shutil.copytree(SEED_TF, root / f"tf{i}")
        for tf in (root / f"tf{i}").glob("*.tf"):  # distinct texts: one cache entry per file
            with tf.open("a") as fh:
                fh.write(f"\n# copy {i}\n")
    for i in range(6):
        (root / "cfn").mkdir(parents=True, exist_ok=True)
        (root / "cfn" / f"seed{i}.yaml").write_text(SEED_CFN.read_text() + f"\n# copy {i}\n")
    (root / "broken").mkdir()
    (root / "broken" / "main.tf").write_text('resource "aws_subnet" "a" {\n  cidr_block = \n')
    (root / "cfn" / "broken.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n")
    return root


def entries(root: Path) -> int:
    """Parse cache entries (the unit cache keeps its own in units/)."""
    return len([p for p in root.rglob("*.entry") if "units" not in p.parts]) if root.exists() else 0


def report(root: Path, jobs: int) -> str:
    return render_json(lint(LintRequest(paths=(str(root),), jobs=jobs)), fail_on="error", pods_per_node=None)


def test_parallel_cold_run_reports_what_a_serial_run_does(tree: Path, cache_dir: Path) -> None:
    parallel = report(tree, jobs=2)
    # 25 .tf files + 7 templates, syntax errors included: each is one entry, written by the workers.
    assert entries(cache_dir) == 25 + 7
    shutil.rmtree(cache_dir)
    serial = report(tree, jobs=1)
    assert parallel == serial
    assert '"EKSIP101"' in parallel and '"EKSIP000"' in parallel


def test_warm_parses_only_what_is_not_cached(tree: Path, cache_dir: Path) -> None:
    hcl = sorted(str(p) for p in tree.rglob("*.tf"))
    docs = sorted(str(p) for p in tree.rglob("*.yaml"))
    assert prefetch.warm(hcl, docs, jobs=2) == 32
    assert entries(cache_dir) == 32
    assert prefetch.warm(hcl, docs, jobs=2) == 0  # everything cached: no pool at all


def test_nothing_is_started_without_a_cache_or_with_one_job(
    tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hcl = sorted(str(p) for p in tree.rglob("*.tf"))
    assert prefetch.warm(hcl, [], jobs=1) == 0
    assert prefetch.warm(hcl[: prefetch.MIN_FILES - 1], [], jobs=2) == 0
    monkeypatch.setenv(parse_cache.ENV_DISABLE, "1")
    assert prefetch.warm(hcl, [], jobs=2) == 0
    assert entries(cache_dir) == 0


def test_a_pool_that_cannot_start_costs_nothing_but_time(
    tree: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = report(tree, jobs=1)
    shutil.rmtree(cache_dir)

    attempts: list[int] = []

    def no_pool(*args: object, **kwargs: object) -> None:
        attempts.append(1)
        raise OSError("[Errno 38] Function not implemented (no /dev/shm)")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)  # prefetch imports it when used
    assert report(tree, jobs=2) == expected
    assert attempts  # the pool was tried, and its failure changed nothing


def test_chunks_put_templates_first_and_split_hcl_by_size(tmp_path: Path) -> None:
    files = []
    for i, size in enumerate((4000, 1000, 1000, 1000, 1000)):
        p = tmp_path / f"f{i}.tf"
        p.write_text("#" * size)
        files.append(str(p))
    chunks = prefetch._chunks(files, ["t.yaml", "u.yaml"], jobs=2)
    assert chunks[0] == ("cfn", ["t.yaml", "u.yaml"])
    assert sorted(p for _, ps in chunks[1:] for p in ps) == sorted(files)
    # 8,000 bytes over 2 x 2 chunks: the 4,000-byte file alone, then the others two by two.
    assert [len(ps) for _, ps in chunks[1:]] == [1, 2, 2]


def test_jobs_flag(capsys: pytest.CaptureFixture[str]) -> None:
    from eks_ip_lint.cli import main

    assert main([str(SEED_TF), "--jobs", "0"]) == 2
    assert "--jobs 0: must be 1 or more" in capsys.readouterr().err
    assert prefetch.default_jobs() >= 1
