"""Every ClusterConfig under tests/fixtures/eksctl/configs/ against its reviewed golden
(UPDATE_GOLDENS=1 rewrites them); files that are not ClusterConfigs give None."""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_ip_lint.facts.eksctl import load_eksctl
from eks_ip_lint.facts.eksctl_vpc import split
from golden_facts import check_golden, snapshot

from testlib import FIXTURES

ROOT = FIXTURES / "eksctl"
CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))
NOT_CONFIGS = sorted((ROOT / "not-configs").iterdir()) + sorted(
    (FIXTURES / "cloudformation" / "not-templates").iterdir()
)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_config_golden(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "configs")
    facts = load_eksctl(config.name)
    assert facts is not None
    check_golden(snapshot(facts), ROOT / "expected" / f"{config.stem}.json")


@pytest.mark.parametrize("path", NOT_CONFIGS, ids=lambda p: p.name)
def test_not_a_cluster_config(path: Path) -> None:
    assert load_eksctl(str(path)) is None


def test_cloudformation_template_is_not_a_cluster_config() -> None:
    assert load_eksctl(str(FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml")) is None


def test_malformed_config_is_an_input_problem_with_its_line() -> None:
    facts = load_eksctl(str(ROOT / "configs" / "malformed.yaml"))
    assert facts is not None
    # The flow sequence is never closed: PyYAML stops at the end of input (line 8 of a 7-line
    # file), reported on the file's last line so the finding points inside the file.
    assert [p.span.line for p in facts.problems] == [7]


def test_split_rule_matches_real_world_example() -> None:
    # real-world-iac.md 1.6: cidr 10.42.0.0/16 + 3 AZs -> public .0/.32/.64, private .96/.128/.160 /19s
    assert split("10.42.0.0/16", 3) == (
        ["10.42.0.0/19", "10.42.32.0/19", "10.42.64.0/19"],
        ["10.42.96.0/19", "10.42.128.0/19", "10.42.160.0/19"],
    )
    # 4 AZs = 8 subnets still /19; 5 AZs = 10 subnets -> /20
    assert split("10.0.0.0/16", 4)[1][-1] == "10.0.224.0/19"  # type: ignore[index]
    assert split("10.0.0.0/16", 5)[0][1] == "10.0.16.0/20"  # type: ignore[index]
    assert split("10.0.0.0/16", 9) == "eksctl cannot split a VPC into 18 subnets (at most 16)"
