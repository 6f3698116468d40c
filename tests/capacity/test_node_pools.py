"""Karpenter NodePools and EKS Auto Mode pools, end to end on the fixtures of issue 14, with every
number worked out by hand from AWS's tables beside the assertion.

The per-node figures come from the instance table (VPC CNI vpc_ip_resource_limit.go):
m5.large 3 ENIs x 10 IPv4, m5.xlarge 4 x 15, m6i.large 3 x 10, m6i.xlarge 4 x 15; vCPUs from EC2
(m5.large 2, m5.xlarge 4, m6i.large 2). With the default WARM_ENI_TARGET=1 a node at 1 pod holds
its primary ENI's IPs and one warm ENI (vpc-cni-model.md §1.3): 2 x L IPs. A /24 has
256 - 5 = 251 usable IPs, a /22 1,024 - 5 = 1,019.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from eks_ip_lint.capacity.records import ClusterCapacity, Density, NodePoolCapacity
from eks_ip_lint.cli import main
from eks_ip_lint.engine import LintResult, lint_paths

from testlib import FIXTURES, REPO

KARPENTER = FIXTURES / "karpenter"
FLOOR, CONFIGURED = Density.FLOOR, Density.CONFIGURED


def _lint(name: str) -> LintResult:
    return lint_paths([str(KARPENTER / name)], use_cache=False)


def _cluster(result: LintResult, name: str) -> ClusterCapacity:
    return next(c for u in result.units for c in u.capacity.clusters if c.name == name)


def _pool(cluster: ClusterCapacity, name: str) -> NodePoolCapacity:
    return next(p for p in cluster.node_pools if p.fact.name == name)


def _rules(result: LintResult) -> list[str]:
    return sorted(f.rule_id for f in result.findings)


def test_cpu_limit_exhausts_three_slash_24s() -> None:
    result = _lint("cpu_limit_exhausts")
    pool = _pool(_cluster(result, "kdemo"), "default")
    assert pool.problem is None
    # Selected by the karpenter.sh/discovery tag: the three /24s of count = 3.
    assert [s.address for s in pool.subnets] == [f"aws_subnet.private[{i}]" for i in range(3)]
    # T = {m5.large, m5.xlarge}; ceiling = floor(200 vCPUs / 2 vCPUs of m5.large) = 100 nodes.
    assert pool.types_allowed == 2
    assert pool.ceiling == 100
    assert pool.ceiling_source == "limits.cpu 200 / 2 vCPUs (m5.large)"
    floor = pool.at[FLOOR]
    # At 1 pod: m5.large 2 x 10 = 20 IPs (10 per vCPU), m5.xlarge 2 x 15 = 30 (7.5 per vCPU).
    # min(100 nodes x 30, 200 vCPUs x 10 IPs/vCPU) = min(3,000, 2,000) = 2,000.
    assert (floor.heaviest_type, floor.ips_per_node, floor.ips_at_ceiling) == ("m5.xlarge", 30, 2000)
    # Room: 3 x 251 = 753, the worst zone 251; nodes of m5.xlarge: 251 // 30 = 8 per subnet.
    assert (floor.room_total, floor.worst_zone_room) == (753, 251)
    assert (floor.nodes_supported, floor.worst_zone_nodes) == (24, 8)
    configured = pool.at[CONFIGURED]
    # Full nodes: m5.large max pods 3 x 9 + 2 = 29 -> 27 pods + a warm ENI = 3 ENIs = 30 IPs
    # (15 per vCPU); m5.xlarge 4 x 14 + 2 = 58 -> 56 pods = all 4 ENIs = 60 IPs (15 per vCPU).
    # min(100 x 60, 200 x 15) = 3,000.
    assert (configured.ips_per_node, configured.ips_at_ceiling) == (60, 3000)
    # 2,000 > 753 even spread over the three zones at 1 pod per node: an error.
    assert _rules(result) == ["EKSIP150"]
    finding = result.findings[0]
    assert "2,000 IPs" in finding.message and "753 IPs left" in finding.message
    assert finding.span.path.endswith("main.tf")


def test_small_yaml_pool_fits_and_is_linked_to_the_vpc_module() -> None:
    result = _lint("yaml_pool_fits")
    pool = _pool(_cluster(result, "fits"), "small")
    # The plain YAML file's pool joined the Terraform unit whose subnets its NodeClass selects
    # (private_subnet_tags of the vpc module).
    assert pool.fact.span.path.endswith("k8s/karpenter.yaml")
    assert pool.fact.limits_span.line == 34  # limits: in the YAML file
    assert [s.address for s in pool.subnets] == [f"module.vpc.aws_subnet.private[{i}]" for i in range(3)]
    # ceiling = 16 / 2 = 8 nodes of m5.large.
    assert pool.ceiling == 8
    # 8 x 20 = 160 IPs at 1 pod; 8 x 30 = 240 full; the worst zone has 251: fits everywhere.
    assert pool.at[FLOOR].ips_at_ceiling == 160
    assert pool.at[CONFIGURED].ips_at_ceiling == 240
    assert pool.at[CONFIGURED].worst_zone_room == 251
    assert _rules(result) == []
    # The manifests file reports nothing of its own: its pool is reported once, with its cluster.
    manifests = [u for u in result.units if u.kind == "kubernetes-manifests"]
    assert len(manifests) == 1 and manifests[0].capacity.clusters == ()


def test_unbounded_pool_reports_what_its_subnets_hold() -> None:
    result = _lint("unbounded")
    pool = _pool(_cluster(result, "unbounded"), "default")
    assert pool.unbounded and pool.at[FLOOR].ips_at_ceiling is None
    # Selected by id (aws_subnet.a.id, aws_subnet.b.id): two /24s in two zones.
    assert [s.address for s in pool.subnets] == ["aws_subnet.a", "aws_subnet.b"]
    # instance-family m5, instance-cpu < 5, amd64: m5.large (2) and m5.xlarge (4).
    assert pool.types_allowed == 2
    # m5.xlarge at 1 pod: 30 IPs; 251 // 30 = 8 per subnet, 16 in all, 8 in the worst zone.
    floor = pool.at[FLOOR]
    assert (floor.ips_per_node, floor.nodes_supported, floor.worst_zone_nodes) == (30, 16, 8)
    # Full: 60 IPs; 251 // 60 = 4 per subnet, 8 in all.
    assert (pool.at[CONFIGURED].ips_per_node, pool.at[CONFIGURED].nodes_supported) == (60, 8)
    assert any("unbounded" in note for note in pool.notes)
    assert _rules(result) == []  # nothing to compare an unbounded pool with


def test_auto_mode_cluster_reports_its_pools() -> None:
    result = _lint("auto_mode")
    cluster = _cluster(result, "auto")
    assert cluster.auto_mode is not None and cluster.auto_mode.fact.enabled is True
    assert any("VPC CNI settings" in note for note in cluster.auto_mode.notes)
    names = [p.fact.name for p in cluster.node_pools]
    assert names == ["batch", "general-purpose", "system"]
    # Never a silent "0 nodes": the built-in pools are reported, unbounded, on the cluster's subnets.
    for name in ("general-purpose", "system"):
        built_in = _pool(cluster, name)
        assert built_in.fact.built_in and built_in.unbounded and built_in.auto_mode
        assert [s.address for s in built_in.subnets] == ["aws_subnet.nodes[0]", "aws_subnet.nodes[1]"]
        # Auto Mode at 1 pod: the node IP + one /28 prefix = 17 IPs; 251 // 17 = 14 per subnet.
        assert built_in.at[FLOOR].ips_per_node == 17
        assert built_in.at[FLOOR].nodes_supported == 28
    batch = _pool(cluster, "batch")
    # m6i only (Auto Mode drops sizes below large anyway): ceiling 64 / 2 (m6i.large) = 32 nodes.
    assert batch.ceiling == 32
    # Its NodeClass's podSubnetSelectorTerms put pod IPs in the /22 (1,019 usable).
    assert [s.address for s in batch.subnets] == ["aws_subnet.pods"]
    # At 1 pod: one /28 = 16 pod IPs per node; 32 x 16 = 512 <= 1,019.
    assert (batch.at[FLOOR].ips_per_node, batch.at[FLOOR].ips_at_ceiling) == (16, 512)
    # Full: max pods min(110, E x (L - 1)): m6i.large 3 x 9 = 27 -> 25 pods -> 2 prefixes = 32 IPs
    # (16 per vCPU); the largest m6i types reach 110 -> 108 pods -> 7 prefixes = 112 IPs, and
    # m6i.xlarge 4 x 14 = 56 -> 54 pods -> 4 prefixes = 64 IPs (16 per vCPU). The cpu bound:
    # 64 vCPUs x 16 IPs/vCPU = 1,024, below 32 nodes x 112 = 3,584. 1,024 > 1,019: a warning.
    assert batch.at[CONFIGURED].ips_per_node == 112
    assert batch.at[CONFIGURED].ips_at_ceiling == 1024
    assert _rules(result) == ["EKSIP155"]


def test_json_report_carries_the_pools(capsys: pytest.CaptureFixture[str]) -> None:
    main([str(KARPENTER / "auto_mode"), "--format", "json", "--fail-on", "never", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text()))
    cluster = report["units"][0]["clusters"][0]
    assert cluster["auto_mode"]["enabled"] is True
    assert cluster["auto_mode"]["node_pools"] == ["general-purpose", "system"]
    pools = {p["name"]: p for p in cluster["node_pools"]}
    assert pools["system"]["unbounded"] and pools["system"]["max_nodes"] is None
    assert pools["system"]["at"]["floor"]["nodes_supported"] == 28  # 2 x (251 // 17)
    assert pools["batch"]["max_nodes"] == 32
    assert pools["batch"]["at"]["configured"]["ips_at_max_nodes"] == 1024  # 64 vCPUs x 16
    assert pools["batch"]["subnets"] == ["aws_subnet.pods"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "sarif"])
def test_every_report_shows_the_pools(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(KARPENTER / "cpu_limit_exhausts"), "--format", fmt, "--fail-on", "never", "--no-cache"])
    out = capsys.readouterr().out
    if fmt == "sarif":
        run = json.loads(out)["runs"][0]
        (pool,) = run["properties"]["nodePools"]
        # 100 nodes (200 / 2 vCPUs); full nodes 200 vCPUs x 15 IPs/vCPU = 3,000; 3 x 251 = 753.
        assert (pool["maxNodes"], pool["ipsAtMaxNodesConfigured"], pool["roomLeft"]) == (100, 3000, 753)
        assert [r["ruleId"] for r in run["results"]] == ["EKSIP150"]
        return
    assert "node pool" in out and "default (karpenter)" in out
    assert "3,000" in out and "753" in out  # IPs at the ceiling (full nodes), room left
    assert "Karpenter does not balance zones" in out  # the zone-skew assumption is stated
    assert "eu-west-1a (4)" in out  # worst zone: 251 // 60 = 4 full nodes of m5.xlarge
