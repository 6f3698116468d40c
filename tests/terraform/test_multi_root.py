"""A repository of several root modules (tests/fixtures/repos/multi-root): each root analysed once,
called local modules not analysed on their own, and a vpc-cni add-on in one root module applied to
the cluster another root module declares (facts.linking.link_across_units)."""

from __future__ import annotations

import shutil
from pathlib import Path

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint

from testlib import FIXTURES

REPO_ROOT = FIXTURES / "repos" / "multi-root"


def test_every_root_module_once_and_not_the_called_module() -> None:
    units = lint(LintRequest(paths=(str(REPO_ROOT),))).units
    assert sorted(Path(u.path).name for u in units) == ["addons", "eks", "network"]


def test_addon_in_another_root_module_configures_the_cluster() -> None:
    """m5.4xlarge (8 ENIs x 30), max 10 = 5 per /24 (251 usable).

    With the add-on from addons/ (WARM_IP_TARGET=2, MINIMUM_IP_TARGET=10): floor T = max(1 + 2, 10)
    = 10 IPs on 1 ENI -> 11 per node, 5 x 11 = 55; floor(251 / 11) = 22 per subnet = 44 nodes.
    Full nodes (108 pods, max pods 110): T = 110 on ceil(110 / 29) = 4 ENIs -> 114 per node."""
    units = {Path(u.path).name: u for u in lint(LintRequest(paths=(str(REPO_ROOT),))).units}
    (cluster,) = units["eks"].capacity.clusters
    assert cluster.cni.env["WARM_IP_TARGET"] == "2" and cluster.cni.env["MINIMUM_IP_TARGET"] == "10"
    assert "addons/main.tf" in cluster.cni.origins["WARM_IP_TARGET"]
    assert "another root module" in cluster.cni.origins["WARM_IP_TARGET"]
    (group,) = cluster.node_groups
    assert group.at[Density.FLOOR].node.node_subnet_ips == 11
    assert group.at[Density.CONFIGURED].node.node_subnet_ips == 114
    assert (group.at[Density.FLOOR].supported, group.at[Density.CONFIGURED].supported) == (44, 4)
    assert [f.rule_id for f in units["eks"].findings] == ["EKSIP102"]
    assert not units["addons"].capacity.clusters and not units["addons"].findings


def test_the_cluster_root_alone_keeps_the_chart_defaults() -> None:
    """Without addons/: WARM_ENI_TARGET=1, floor 2 ENIs x 30 = 60 per node, 5 x 60 = 300 > 251."""
    (unit,) = lint(LintRequest(paths=(str(REPO_ROOT / "eks"),))).units
    (group,) = unit.capacity.clusters[0].node_groups
    assert group.at[Density.FLOOR].node.node_subnet_ips == 60
    assert "EKSIP101" in [f.rule_id for f in unit.findings]


def test_a_cluster_name_declared_in_two_root_modules_is_not_guessed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(REPO_ROOT, repo)
    # A second root module declaring a cluster named "platform" too (another account, say).
    shutil.copytree(repo / "eks", repo / "eks-copy")
    units = {Path(u.path).name: u for u in lint(LintRequest(paths=(str(repo),))).units}
    for name in ("eks", "eks-copy"):
        assert units[name].capacity.clusters[0].cni.env["WARM_ENI_TARGET"] == "1"
        assert "WARM_IP_TARGET" not in units[name].capacity.clusters[0].cni.env
    (note,) = [f for f in units["addons"].findings if f.rule_id == "EKSIP002"]
    assert "cluster platform is declared in 2 root modules" in note.message
