"""The what-if service: a unit analysed again with changed CNI settings, once per change."""

from __future__ import annotations

import pickle

from capacity.test_analysis import cluster, group, subnet
from eks_ip_lint.capacity.analysis import Options, analyse, what_if
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.facts.model import Facts

SUGGESTED = {"WARM_IP_TARGET": "2", "MINIMUM_IP_TARGET": "10"}


def _seed() -> Facts:
    facts = Facts(unit="u")
    facts.subnets += [subnet(i, f"10.0.{4 * i}.0/22", f"az{i}") for i in range(3)]
    facts.clusters.append(cluster((0, 1, 2)))
    facts.node_groups.append(group("g", ("m5.4xlarge",), 80, (0, 1, 2)))
    return facts


def test_what_if_applies_the_env_to_the_cluster_and_memoises() -> None:
    """m5.4xlarge at the floor: WARM_ENI_TARGET=1 holds 2 ENIs x 30 = 60 IPs; with
    WARM_IP_TARGET=2 and MINIMUM_IP_TARGET=10 ipamd holds max(1 + 2, 10) = 10 secondary IPs on
    the primary ENI: 10 + 1 primary = 11 IPs. floor(1019 / 11) = 92 per /22, 276 in all."""
    unit = analyse(_seed(), Options())
    service = what_if(unit)
    again = service.with_env("c", SUGGESTED)
    g = again.node_group("aws_eks_node_group.g")
    assert g is not None
    assert g.at[Density.FLOOR].node.node_subnet_ips == 11
    assert g.at[Density.FLOOR].supported == 276
    assert again.clusters[0].cni.origins["WARM_IP_TARGET"] == "suggested fix"
    # Once per (cluster, change): the same analysis is handed out again.
    assert service.with_env("c", dict(reversed(SUGGESTED.items()))) is again
    assert service.with_env("c", {"WARM_IP_TARGET": "2"}) is not again
    # The unit itself is unchanged.
    original = unit.node_group("aws_eks_node_group.g")
    assert original is not None and original.at[Density.FLOOR].node.node_subnet_ips == 60


def test_a_stored_unit_is_analysed_again_after_it_is_restored() -> None:
    """The service is not part of the record: a unit read back from the cache gets a fresh one."""
    unit = analyse(_seed(), Options())
    stored = pickle.loads(pickle.dumps(unit))
    assert stored == unit
    g = what_if(stored).with_env("c", SUGGESTED).node_group("aws_eks_node_group.g")
    assert g is not None and g.at[Density.FLOOR].node.node_subnet_ips == 11
