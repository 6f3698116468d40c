"""Issue 13 item 9: terraform-aws-eks node group submodules called on their own
(tests/fixtures/issue13/standalone-node-groups), modelled from the per-version tables.

m5.large: 3 ENIs x 10 IPv4; c5.xlarge: 4 x 15 (EC2). Two /24 private subnets of 251 usable IPs,
the groups spread evenly over them. WARM_ENI_TARGET=1: 2 ENIs at 1 pod per node."""

from __future__ import annotations

from pathlib import Path

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.terraform.registry import match
from eks_ip_lint.values import Cause, Unknown

from testlib import FIXTURES, RunJson


def test_the_submodules_declare_their_node_groups() -> None:
    """separate_mng (v20 managed): m5.large, max 30 = 15 per subnet; EKS max pods 3 x 9 + 2 = 29.
    workers (v21 self-managed, git ?ref=v21.3.0): c5.xlarge, max 10 = 5 per subnet, min 1 (v21's
    default); nodeadm max pods 4 x 14 + 2 = 58 -> 56 pods on 4 ENIs = 60 IPs.
    Per subnet at the floor: 15 x 20 + 5 x 30 = 450; full: 15 x 30 + 5 x 60 = 750 (of 251).
    Beside workers' 150, separate_mng fits floor((251 - 150) / 20) = 5 per subnet = 10 nodes."""
    (unit,) = lint(LintRequest(paths=(str(FIXTURES / "issue13" / "standalone-node-groups"),))).units
    (cluster,) = unit.capacity.clusters
    assert cluster.name == "standalone"
    groups = {g.fact.address: g for g in cluster.node_groups}
    assert sorted(groups) == [
        "module.separate_mng.aws_eks_node_group.this[0]",
        "module.untyped.aws_autoscaling_group.this[0]",
        "module.workers.aws_autoscaling_group.this[0]",
    ]
    mng = groups["module.separate_mng.aws_eks_node_group.this[0]"]
    workers = groups["module.workers.aws_autoscaling_group.this[0]"]
    assert (mng.fact.kind, mng.fact.name, mng.instance_type, mng.max_pods) == (
        "managed",
        "separate",
        "m5.large",
        29,
    )
    assert (workers.fact.kind, workers.instance_type, workers.max_pods) == ("self-managed", "c5.xlarge", 58)
    assert (workers.fact.min_size, workers.fact.max_size) == (1, 10)
    assert [s.demand[Density.FLOOR] for s in cluster.subnets] == [450, 450]
    assert [s.demand[Density.CONFIGURED] for s in cluster.subnets] == [750, 750]
    assert mng.at[Density.FLOOR].supported == 10
    # v20's self-managed submodule defaults instance_type to "": no type, said so.
    untyped = groups["module.untyped.aws_autoscaling_group.this[0]"]
    assert isinstance(untyped.fact.instance_types, Unknown)
    assert untyped.fact.instance_types.cause is Cause.INVALID
    assert untyped.fact.max_size == 3  # the table's default
    # `create = false` declares nothing; no "outputs are unknown" for the node group submodules.
    messages = [f.message for f in unit.findings if f.rule_id == "EKSIP002"]
    assert not any("separate_mng" in m or "module.workers" in m or "disabled" in m for m in messages)
    assert "EKSIP101" in [f.rule_id for f in unit.findings]


def test_which_table_a_submodule_call_gets() -> None:
    mng = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
    smng = (
        "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git//modules/self-managed-node-group"
    )
    described = {
        (mng, "~> 18.0", ()): "v18-v20",
        (mng, "21.1.0", ()): "v21",
        (mng, None, ("kubernetes_version",)): "v21",
        (mng, None, ("cluster_version",)): "v18-v20",
        (smng + "?ref=v19.21.0", None, ()): "v18-v20",
    }
    for (source, version, names), generation in described.items():
        model = match(source, version, names)
        assert model is not None and f" {generation} (" in model.description, (source, model)
    fargate = match("terraform-aws-modules/eks/aws//modules/fargate-profile", "~> 20.0", ())
    assert fargate is not None and "fargate-profile" in fargate.description


FARGATE_ONLY = """
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "s" {
  count             = 2
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.0.${count.index}.0/24"
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}
resource "aws_eks_cluster" "c" {
  name     = "fargate-only"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = aws_subnet.s[*].id
  }
}
module "apps" {
  source       = "terraform-aws-modules/eks/aws//modules/fargate-profile"
  version      = "~> 20.0"
  name         = "apps"
  cluster_name = aws_eks_cluster.c.name
  subnet_ids   = aws_subnet.s[*].id
}
module "off" {
  source       = "terraform-aws-modules/eks/aws//modules/fargate-profile"
  version      = "~> 20.0"
  create       = false
  name         = "off"
  cluster_name = aws_eks_cluster.c.name
  subnet_ids   = aws_subnet.s[*].id
}
"""


def test_standalone_fargate_profile_submodule(tmp_path: Path, run_json: RunJson) -> None:
    """The //modules/fargate-profile call is its profile: no node group, so each /24 keeps all of its
    2^8 - 5 = 251 usable IPs for Fargate pods, 502 in all; create = false makes none."""
    (tmp_path / "main.tf").write_text(FARGATE_ONLY)
    _, report = run_json(str(tmp_path), "--no-config")
    (cluster,) = report["units"][0]["clusters"]
    (profile,) = cluster["fargate_profiles"]
    assert profile["name"] == "apps"
    assert [s["room"]["configured"] for s in profile["subnets"]] == [251, 251]
    assert profile["room"] == {"floor": 502, "configured": 502}
