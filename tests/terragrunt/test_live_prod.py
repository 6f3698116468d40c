"""The Terragrunt live tree of issue 15 (tests/fixtures/terragrunt/live-prod), numbers by hand.

vpc unit: ``cidr = local.env.locals.vpc_cidr`` = 10.20.0.0/16 read from env.hcl through
``read_terragrunt_config(find_in_parent_folders("env.hcl"))``; the generated subnets.tf computes
``cidrsubnet("10.20.0.0/16", 8, i)`` = 10.20.i.0/24 for the three AZs (``subnet_newbits = 8``
reaches Terraform as the text "8" and its ``number`` type makes it 8). A /24 has 256 - 5 (AWS
reserves five) = 251 usable IPs.

eks unit: terraform-aws-modules/eks v20 through ``tfr://``; subnets from
``dependency.vpc.outputs.private_subnets`` (the real three, not the two mock subnets); one managed
node group of m5.large (3 ENIs x 10 IPv4 each), max 40, the CNI's defaults (WARM_ENI_TARGET=1).

- floor (1 pod): the primary ENI's 10 IPs plus one warm ENI's 10 = 20 IPs per node;
- configured (29 max pods): 29 pods need ceil(29 / 9) = 3 ENIs (+1 warm is beyond the 3 the type
  has) = 30 IPs per node;
- 40 nodes over 3 subnets: 14, 13, 13. Floor: 14 x 20 = 280, 13 x 20 = 260 > 251 each: EKSIP101.
  Configured: 14 x 30 = 420, 13 x 30 = 390;
- nodes the subnets hold: floor(251 / 20) = 12 per subnet, 3 x 12 = 36; configured floor(251 / 30)
  = 8 per subnet, 24.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintRequest, UnitResult, lint

from testlib import FIXTURES

TREE = FIXTURES / "terragrunt" / "live-prod"
EKS = TREE / "live" / "prod" / "eks"


def _eks(paths: tuple[str, ...]) -> UnitResult:
    units = [u for u in lint(LintRequest(paths=paths, use_cache=False)).units if u.capacity.clusters]
    assert len(units) == 1
    return units[0]


def _verdict(unit: UnitResult) -> tuple[object, ...]:
    (cluster,) = unit.capacity.clusters
    (group,) = cluster.node_groups
    return (
        cluster.name,
        [
            (
                s.fact.address,
                s.fact.cidr,
                s.fact.az,
                s.usable,
                s.demand[Density.FLOOR],
                s.demand[Density.CONFIGURED],
            )
            for s in cluster.subnets
        ],
        (
            group.instance_type,
            group.max_size,
            group.at[Density.FLOOR].supported,
            group.at[Density.CONFIGURED].supported,
        ),
        sorted((f.rule_id, f.severity.value) for f in unit.findings),
    )


EXPECTED = (
    "prod-eks",
    [
        ("dependency.vpc.aws_subnet.private[0]", "10.20.0.0/24", "eu-west-1a", 251, 14 * 20, 14 * 30),
        ("dependency.vpc.aws_subnet.private[1]", "10.20.1.0/24", "eu-west-1b", 251, 13 * 20, 13 * 30),
        ("dependency.vpc.aws_subnet.private[2]", "10.20.2.0/24", "eu-west-1c", 251, 13 * 20, 13 * 30),
    ],
    ("m5.large", 40, 3 * (251 // 20), 3 * (251 // 30)),
    [("EKSIP101", "error")],
)


def test_repository_root_gives_the_hand_worked_verdict() -> None:
    assert _verdict(_eks((str(TREE),))) == EXPECTED


@pytest.mark.parametrize(
    "named",
    [
        EKS,  # one unit's folder: its dependency is followed outside the scanned path
        EKS / "terragrunt.hcl",
        TREE / "live" / "root.hcl",  # a changed include: the units that include it
        TREE / "live" / "prod" / "env.hcl",  # read through read_terragrunt_config
        TREE / "modules" / "vpc" / "main.tf",  # the vpc unit's module; eks depends on that unit
    ],
)
def test_a_unit_folder_or_a_file_it_reads_gives_the_same_verdict(named: Path) -> None:
    assert _verdict(_eks((str(named),))) == EXPECTED


def test_units_and_not_the_module_on_its_own() -> None:
    """modules/vpc is analysed through the vpc unit only (alone its variables are unset), and the
    vpc unit (no cluster) is reported clean."""
    units = lint(LintRequest(paths=(str(TREE),), use_cache=False)).units
    assert sorted((u.kind, Path(u.path).relative_to(TREE).as_posix()) for u in units) == [
        ("terragrunt", "live/prod/eks"),
        ("terragrunt", "live/prod/vpc"),
    ]
    assert all(not u.findings for u in units if u.path.endswith("vpc"))


def test_mock_outputs_are_never_facts() -> None:
    unit = _eks((str(TREE),))
    text = json.dumps([str(s.fact) for c in unit.capacity.clusters for s in c.subnets])
    assert "mock" not in text and "vpc-00000000" not in text


def test_findings_point_at_the_unit_s_inputs() -> None:
    (finding,) = _eks((str(TREE),)).findings
    assert Path(finding.span.path) == EKS / "terragrunt.hcl"
    lines = (EKS / "terragrunt.hcl").read_text().splitlines()
    assert lines[finding.span.line - 1].strip().startswith("eks_managed_node_groups")


def test_cli_from_the_root_and_from_the_unit_agree() -> None:
    def run(path: Path) -> dict[str, object]:
        proc = subprocess.run(
            [sys.executable, "-m", "eks_ip_lint", "--no-cache", "--format", "json", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 1, proc.stderr  # an error finding
        doc = json.loads(proc.stdout)
        (cluster,) = [c for u in doc["units"] for c in u["clusters"]]
        return {"cluster": cluster, "rules": sorted(f["rule_id"] for f in doc["findings"])}

    assert run(TREE) == run(EKS)


def test_cached_result_follows_a_change_to_a_file_the_unit_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """env.hcl is read by the vpc unit (the eks unit's dependency): editing it must reach the eks
    unit's stored result (the unit cache logs every file the evaluation read)."""
    monkeypatch.setenv("EKS_IP_LINT_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "tree"
    shutil.copytree(TREE, copy)

    def cidrs() -> list[object]:
        units = lint(LintRequest(paths=(str(copy),), use_cache=True)).units
        return [s.fact.cidr for u in units for c in u.capacity.clusters for s in c.subnets]

    assert cidrs() == ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"]
    assert cidrs() == ["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"]  # served from the cache
    env = copy / "live" / "prod" / "env.hcl"
    env.write_text(env.read_text().replace("10.20.0.0/16", "10.30.0.0/16"))
    assert cidrs() == ["10.30.0.0/24", "10.30.1.0/24", "10.30.2.0/24"]
