"""EKSIP150 node-pool-exhausts-subnets: fires at the edge and not one step before it, with the
numbers worked out by hand beside each expectation.

The pool of tests/fixtures/karpenter/cpu_limit_exhausts allows m5.large (2 vCPUs, 20 IPs at 1 pod
with WARM_ENI_TARGET=1: 2 ENIs x 10) and m5.xlarge (4 vCPUs, 30 IPs), so at 1 pod per node it holds
at most limits.cpu x 10 IPs (m5.large's 10 IPs per vCPU is the most). Its three /24s have
3 x 251 = 753 usable IPs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from eks_ip_lint.engine import lint_paths

from testlib import FIXTURES


def _with_cpu(tmp_path: Path, cpu: int) -> list[str]:
    work = tmp_path / "m"
    shutil.copytree(FIXTURES / "karpenter" / "cpu_limit_exhausts", work)
    main = work / "main.tf"
    main.write_text(main.read_text().replace("cpu_limit = 200", f"cpu_limit = {cpu}"))
    return [f.rule_id for f in lint_paths([str(work)], use_cache=False).findings]


def test_fires() -> None:
    # cpu 200: 2,000 IPs at 1 pod > 753.
    result = lint_paths([str(FIXTURES / "karpenter" / "cpu_limit_exhausts")], use_cache=False)
    assert [f.rule_id for f in result.findings] == ["EKSIP150"]
    assert "at its ceiling of 100 nodes" in result.findings[0].message


def test_does_not_fire_at_the_edge(tmp_path: Path) -> None:
    # cpu 76: 760 IPs > 753 fires; cpu 75: 750 <= 753 does not (EKSIP155 takes over: full nodes
    # hold 15 IPs per vCPU, 75 x 15 = 1,125 > 753).
    assert "EKSIP150" in _with_cpu(tmp_path / "a", 76)
    assert _with_cpu(tmp_path / "b", 75) == ["EKSIP155"]
