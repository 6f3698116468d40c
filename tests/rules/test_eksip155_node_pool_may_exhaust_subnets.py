"""EKSIP155 node-pool-may-exhaust-subnets: fires at the edge and not one step before it, with the
numbers worked out by hand beside each expectation."""

from __future__ import annotations

import shutil
from pathlib import Path

from eks_ip_lint.engine import lint_paths

from testlib import FIXTURES


def _rules(tmp_path: Path, fixture: str, old: str, new: str) -> list[str]:
    work = tmp_path / "m"
    shutil.copytree(FIXTURES / "karpenter" / fixture, work)
    main = work / "main.tf"
    main.write_text(main.read_text().replace(old, new))
    return [f.rule_id for f in lint_paths([str(work)], use_cache=False).findings]


def test_fires() -> None:
    # Auto Mode pool "batch": m6i, limits.cpu 64, pod IPs in a /22 (1,019). Full nodes take 16 pod
    # IPs per vCPU (m6i.large 25 pods = 2 prefixes = 32 IPs / 2 vCPUs): 64 x 16 = 1,024 > 1,019.
    result = lint_paths([str(FIXTURES / "karpenter" / "auto_mode")], use_cache=False)
    assert [f.rule_id for f in result.findings] == ["EKSIP155"]
    assert "1,024 IPs" in result.findings[0].message


def test_does_not_fire_at_the_edge(tmp_path: Path) -> None:
    # cpu 63: 63 x 16 = 1,008 <= 1,019 (and 31 nodes x 112 = 3,472 is larger): no finding.
    assert _rules(tmp_path, "auto_mode", "cpu: 64", "cpu: 63") == []


def test_fires_on_zone_skew(tmp_path: Path) -> None:
    # m5.large/xlarge, limits.cpu 50: 25 nodes. At 1 pod min(25 x 30, 50 x 10) = 500 <= 753, full
    # min(25 x 60, 50 x 15) = 750 <= 753: the pool fits spread over the three zones; all in one
    # zone, 750 > 251. Karpenter does not balance zones: a warning naming the worst zone.
    work = tmp_path / "m"
    shutil.copytree(FIXTURES / "karpenter" / "cpu_limit_exhausts", work)
    main = work / "main.tf"
    main.write_text(main.read_text().replace("cpu_limit = 200", "cpu_limit = 50"))
    findings = lint_paths([str(work)], use_cache=False).findings
    assert [f.rule_id for f in findings] == ["EKSIP155"]
    assert "zone eu-west-1a has 251 IPs left" in findings[0].message
