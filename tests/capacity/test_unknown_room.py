"""A node count that rests on subnets whose CIDR is unknown is an Unknown, never the search bound.

Before, a cluster whose subnets all had unknown CIDRs "held" 100,000 nodes (the searches' scan
bound): an eksctl ClusterConfig whose private subnets give only ``id:`` printed "the subnets hold
100,000" and its JSON said ``max_nodes_supported: 100000``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from capacity.test_analysis import cluster, group, subnet
from eks_ip_lint.capacity.analysis import analyse
from eks_ip_lint.capacity.placement import MAX_SCAN_NODES
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.cli import main
from eks_ip_lint.facts.model import Facts, SubnetFact
from eks_ip_lint.values import Cause, Unknown

from testlib import RunJson

ID_ONLY = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: ids
  region: us-west-2
vpc:
  subnets:
    private:
      us-west-2a: { id: subnet-0aaa }
      us-west-2b: { id: subnet-0bbb }
managedNodeGroups:
  - name: workers
    instanceType: m5.large
    maxSize: 10
    privateNetworking: true
"""


def test_subnets_of_unknown_cidr_hold_an_unknown_node_count(tmp_path: Path, run_json: RunJson) -> None:
    path = tmp_path / "ids.yaml"
    path.write_text(ID_ONLY)
    _, report = run_json(str(path), "--no-config", "--fail-on", "never")
    (unit,) = report["units"]
    (c,) = unit["clusters"]
    assert c["max_nodes_supported"] == {"floor": None, "configured": None}
    assert MAX_SCAN_NODES not in c["max_nodes_supported"].values()
    why = (
        "the CIDRs of vpc.subnets.private.us-west-2a, vpc.subnets.private.us-west-2b are unknown, "
        "so nothing known limits the node count"
    )
    assert c["unknown"] == {"max_nodes_supported.floor": why, "max_nodes_supported.configured": why}
    (g,) = c["node_groups"]
    assert g["max_nodes_supported"] == {"floor": None, "configured": None}
    assert g["unknown"]["max_nodes_supported.floor"] == "none of the node group's subnets has a known CIDR"
    # The demand itself is known: 10 m5.large (floor 2 ENIs x 9 + 2 = 20 IPs) over 2 AZs, 5 + 5.
    assert [s["demand_at_max_floor"] for s in c["subnets"]] == [100, 100]


def test_text_report_shows_a_question_mark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ids.yaml"
    path.write_text(ID_ONLY)
    main([str(path), "--no-config", "--fail-on", "never", "--format", "text"])
    out = capsys.readouterr().out
    assert "the subnets hold ? at the floor, ? at the configured density" in out
    assert "100,000" not in out


def _facts(cidr_b: str | Unknown) -> Facts:
    """s0: 10.0.0.0/24 in AZ a; s1 in AZ b with ``cidr_b``; ten m5.large on both."""
    facts = Facts(unit="u")
    facts.subnets += [
        subnet(0, "10.0.0.0/24", "a"),
        SubnetFact(
            "aws_subnet.s[1]",
            (Unknown("", "aws_subnet.s[1].id", cause=Cause.APPLY_TIME),),
            cidr_b,
            "b",
            subnet(1, "", "b").span,
        ),
    ]
    facts.clusters.append(cluster((0, 1)))
    facts.node_groups.append(group("g", ("m5.large",), 10, (0, 1)))
    return facts


def test_the_reason_names_the_unknown_cidrs() -> None:
    facts = _facts(Unknown("var.b has no value", "var.b", cause=Cause.UNSUPPORTED))
    facts.subnets[0] = SubnetFact(
        "aws_subnet.s[0]",
        (Unknown("", "aws_subnet.s[0].id", cause=Cause.APPLY_TIME),),
        Unknown("", "var.a", cause=Cause.UNSUPPORTED),
        "a",
        facts.subnets[0].span,
    )
    (c,) = analyse(facts).clusters
    floor = c.supported[Density.FLOOR]
    assert isinstance(floor, Unknown)
    assert floor.reason == (
        "the CIDRs of aws_subnet.s[0], aws_subnet.s[1] are unknown, so nothing known limits the node count"
    )
    assert isinstance(c.supported[Density.CONFIGURED], Unknown)


def test_a_known_subnet_still_limits_the_count() -> None:
    """Subnet s0 (/24, 251 usable) in AZ a is known, s1 in AZ b is not. m5.large floor 20 IPs;
    the AZ with the least room (a) takes the odd node: 24 nodes = 12 + 12, 25 puts 13 x 20 = 260 >
    251 in s0. So 24, from the known subnet alone, for the group and for the cluster."""
    (c,) = analyse(_facts(Unknown("var.b has no value", "var.b", cause=Cause.UNSUPPORTED))).clusters
    (g,) = c.node_groups
    assert g.at[Density.FLOOR].supported == 24
    assert c.supported[Density.FLOOR] == 24
