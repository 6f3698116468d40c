"""for_each over maps and sets whose keys are symbolic data-source values (terraform/symbolic.py)."""

from __future__ import annotations

import pytest

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.terraform.symbolic import SymbolicMap, symbolic_keys_problem
from eks_ip_lint.values import Cause, Unknown

from terraform_loader import Loader
from testlib import FIXTURES

AZS = """
data "aws_availability_zones" "available" {}
locals {
  azs  = slice(data.aws_availability_zones.available.names, 0, 3)
  pods = ["subnet-a", "subnet-b", "subnet-c"]
}
resource "aws_subnet" "pods" {
  count = 3
  cidr_block = "100.64.${count.index}.0/24"
}
"""
NAMES = [f"data.aws_availability_zones.available.names[{i}]" for i in range(3)]


def only(found: list[ResourceInstance] | Unknown) -> list[ResourceInstance]:
    assert not isinstance(found, Unknown), found
    return found


@pytest.mark.parametrize(
    "for_each",
    [
        "zipmap(local.azs, aws_subnet.pods[*].id)",
        "{ for i, az in local.azs : az => aws_subnet.pods[i].id }",
        "{ for az, id in zipmap(local.azs, aws_subnet.pods[*].id) : az => id }",
    ],
)
def test_a_map_keyed_by_data_source_azs_gives_one_instance_per_az(load_module: Loader, for_each: str) -> None:
    m = load_module(
        {
            "main.tf": AZS
            + f"""
resource "kubectl_manifest" "eni" {{
  for_each  = {for_each}
  yaml_body = yamlencode({{ kind = "ENIConfig", metadata = {{ name = each.key }}, spec = {{ subnet = each.value }} }})
}}
"""
        }
    )
    found = only(m.instances("kubectl_manifest", "eni"))
    assert [i.address for i in found] == [f"kubectl_manifest.eni[{n}]" for n in NAMES]
    assert all(i.symbolic_key for i in found)
    docs = [i.encoded["yaml_body"] for i in found]
    assert [d["metadata"]["name"].key for d in docs] == NAMES  # type: ignore[index,union-attr]
    assert [d["spec"]["subnet"].key for d in docs] == [f"aws_subnet.pods[{i}].id" for i in range(3)]  # type: ignore[index,union-attr]
    # The collection itself cannot be indexed by a known string: it is unknown, not a wrong map.
    assert isinstance(m.evaluator.eval_or_unknown(_expr("kubectl_manifest.eni")), Unknown)


def test_toset_of_data_source_azs_is_iterable(load_module: Loader) -> None:
    m = load_module(
        {"main.tf": AZS + 'resource "null_resource" "per_az" {\n  for_each = toset(local.azs)\n}\n'}
    )
    assert [i.index_key for i in only(m.instances("null_resource", "per_az"))] == NAMES


def test_keys_computed_at_apply_stay_unknown_as_terraform_refuses_them(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": AZS
            + 'resource "null_resource" "x" {\n  for_each = zipmap(aws_subnet.pods[*].id, local.pods)\n}\n'
        }
    )
    found = m.instances("null_resource", "x")
    assert isinstance(found, Unknown) and "computed by the provider at apply time" in found.reason


def test_mixed_known_and_symbolic_keys_stay_unknown(load_module: Loader) -> None:
    m = load_module(
        {
            "main.tf": AZS
            + 'resource "null_resource" "x" {\n  for_each = zipmap(concat(["us-west-2a"], slice(local.azs, 1, 3)), local.pods)\n}\n'
        }
    )
    assert isinstance(m.instances("null_resource", "x"), Unknown)


def test_the_rule() -> None:
    k = [Unknown("", n, cause=Cause.UNSUPPORTED) for n in NAMES]
    assert symbolic_keys_problem(k) is None
    assert symbolic_keys_problem([k[0], k[0]]) == "two keys may be the same value"
    assert symbolic_keys_problem([Unknown("no identity", cause=Cause.UNSUPPORTED)]) == "keys are unknown"
    assert (
        symbolic_keys_problem(
            [Unknown("", "module.net.data.aws_availability_zones.a.names[0]", cause=Cause.DATA_SOURCE)]
        )
        is None
    )
    # A SymbolicMap is an Unknown to everything that does not know it.
    assert isinstance(SymbolicMap("m", entries=((k[0], 1),), cause=Cause.APPLY_TIME), Unknown)


def _expr(text: str):  # type: ignore[no-untyped-def]
    from eks_ip_lint.sources import hcl

    f = hcl.parse_file("x.tf", f"x = {text}\n")
    return f.body.attributes["x"].expr


def test_blueprints_custom_networking_fixture_charges_the_secondary_subnets() -> None:
    """tests/fixtures/terraform/custom-networking-blueprints (numbers worked in its main.tf): the
    ENIConfig of names[i] pays for the nodes of names[i]; m5.large, 20 ENIConfig IPs + 1 node IP
    per node; 40 = 14 + 13 + 13 nodes; floor(251 / 20) = 12 per AZ = 36."""
    (unit,) = lint(LintRequest(paths=(str(FIXTURES / "terraform" / "custom-networking-blueprints"),))).units
    (cluster,) = unit.capacity.clusters
    (group,) = cluster.node_groups
    vpc = "module.vpc.aws_subnet.private"
    assert group.pod_subnets == {f"{vpc}[{i}]": f"{vpc}[{i + 3}]" for i in range(3)}
    assert {s.fact.address: s.demand[Density.FLOOR] for s in cluster.subnets} == {
        f"{vpc}[0]": 14,
        f"{vpc}[1]": 13,
        f"{vpc}[2]": 13,
        f"{vpc}[3]": 280,
        f"{vpc}[4]": 260,
        f"{vpc}[5]": 260,
    }
    assert (
        group.at[Density.FLOOR].supported,
        group.at[Density.CONFIGURED].supported,
        cluster.supported[Density.FLOOR],
    ) == (36, 36, 36)
    assert [f.rule_id for f in unit.findings] == ["EKSIP101"]
