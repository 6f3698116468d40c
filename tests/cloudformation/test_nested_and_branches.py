"""Nested stacks followed from disk, and every branch of undecidable conditions checked.

Numbers are in the fixtures' comments: the nested seed is the seed (60 IPs per m5.4xlarge at the
floor, 48 fit in three /22s); the branch template has two /24s (251 usable) of m5.large at 20 IPs
per node, 12 nodes per subnet.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.cli import main
from eks_ip_lint.cloudformation.intrinsics import Evaluator
from eks_ip_lint.cloudformation.nested import nested_template_path
from eks_ip_lint.engine import LintRequest, lint
from eks_ip_lint.facts.cfn_branches import MAX_ATOMS, branches, used_conditions
from eks_ip_lint.values import Cause, Unknown

from testlib import FIXTURES

TEMPLATES = FIXTURES / "cloudformation" / "templates"
NESTED = TEMPLATES / "nested-stacks"
BRANCHES = TEMPLATES / "branches-parameter-without-default.yaml"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main([*args, "--format", "json", "--no-cache"])
    return code, json.loads(capsys.readouterr().out)


# --- nested stacks ------------------------------------------------------------------------------


def test_a_followed_nested_template_is_part_of_its_parent_only() -> None:
    result = lint(LintRequest(paths=(str(NESTED),)))
    paths = sorted(os.path.basename(u.path) for u in result.units)
    # seed-network.yaml is read as the Network stack of seed-parent.yaml, not on its own (alone its
    # VpcCidr has no value and it would only report unknowns).
    assert paths == ["seed-parent.yaml", "unreachable.yaml"]
    parent = next(u for u in result.units if u.path.endswith("seed-parent.yaml"))
    (cluster,) = parent.capacity.clusters
    assert [(s.fact.address, s.fact.cidr, s.fact.span.path) for s in cluster.subnets] == [
        (f"Network/PrivateSubnet{i}", f"10.0.{4 * i}.0/22", str(NESTED / "seed-network.yaml"))
        for i in range(3)
    ]
    (finding,) = [f for f in parent.findings if f.rule_id == "EKSIP101"]
    assert (os.path.basename(finding.span.path), finding.span.line) == ("seed-parent.yaml", 37)
    assert "these subnets hold only 48 nodes" in finding.message


def test_unreachable_nested_stacks_say_why(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = run_json(capsys, str(NESTED / "unreachable.yaml"))
    found = {(f["address"], f["line"]): f for f in report["findings"] if f["rule_id"] == "EKSIP002"}
    assert sorted(found) == [("Itself", 14), ("Missing", 10), ("Remote", 6)]
    assert "--nested-template Remote=PATH" in found[("Remote", 6)]["message"]
    assert "no-such-template.yaml does not exist" in found[("Missing", 10)]["message"]
    assert "includes itself" in found[("Itself", 14)]["message"]
    assert found[("Missing", 10)]["fix"].startswith("fix TemplateURL")


def test_nested_template_given_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A parent whose TemplateURL is already in S3; --nested-template maps it to the local copy."""
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        (NESTED / "seed-parent.yaml")
        .read_text()
        .replace("./seed-network.yaml", "https://bucket.s3.amazonaws.com/seed-network.yaml")
    )
    code, report = run_json(capsys, str(parent))
    assert "EKSIP101" not in {f["rule_id"] for f in report["findings"]}  # subnets unknown: nothing checked
    code, report = run_json(
        capsys, str(parent), "--nested-template", f"Network={NESTED / 'seed-network.yaml'}"
    )
    assert code == 1
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "EKSIP101"]
    assert "hold only 48 nodes" in finding["message"]
    # The URL works as the key too.
    url = "https://bucket.s3.amazonaws.com/seed-network.yaml"
    code, _ = run_json(capsys, str(parent), "--nested-template", f"{url}={NESTED / 'seed-network.yaml'}")
    assert code == 1


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("Network", "expected STACK=PATH"),
        ("Network=/no/such/file.yaml", "is not a file"),
        ("Network=", "is not a file"),
    ],
)
def test_nested_template_flag_errors(value: str, error: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(NESTED), "--nested-template", value]) == 2
    assert error in capsys.readouterr().err


def test_nested_template_paths() -> None:
    parent = "/repo/stacks/parent.yaml"
    assert nested_template_path("N", "./net.yaml", parent, {}) == "/repo/stacks/net.yaml"
    assert nested_template_path("N", "../shared/net.yaml", parent, {}) == "/repo/shared/net.yaml"
    assert nested_template_path("N", "file://net.yaml", parent, {}) == "/repo/stacks/net.yaml"
    assert nested_template_path("N", "https://b.s3.amazonaws.com/net.yaml", parent, {}) is None
    assert nested_template_path("N", "s3://b/net.yaml", parent, {}) is None
    assert nested_template_path("N", Unknown("?", cause=Cause.UNSUPPORTED), parent, {}) is None
    assert nested_template_path("N", "https://x/y.yaml", parent, {"N": "/local/y.yaml"}) == "/local/y.yaml"
    assert nested_template_path("N", "https://x/y.yaml", parent, {"https://x/y.yaml": "/l.yaml"}) == "/l.yaml"


def test_parent_values_reach_the_nested_template_with_their_keys() -> None:
    """A parent's !Ref VPC passed as a parameter is the parent's VPC inside the child (same key)."""
    child = Evaluator({"Parameters": {"VpcId": {"Type": "String"}}}, prefix="Net/")
    child.give({"VpcId": Unknown("deploy time", "VPC", cause=Cause.UNSUPPORTED)})
    assert child.value({"Ref": "VpcId"}) == Unknown("deploy time", "VPC", cause=Cause.UNSUPPORTED)
    # Its own resources are keyed under its prefix, so they never collide with the parent's.
    own = Evaluator({"Resources": {"VPC": {"Type": "AWS::EC2::VPC"}}}, prefix="Net/")
    value = own.value({"Ref": "VPC"})
    assert isinstance(value, Unknown) and value.key == "Net/VPC"


def test_split_of_a_join_gives_the_items_back() -> None:
    ev = Evaluator({"Resources": {"A": {"Type": "AWS::EC2::Subnet"}, "B": {"Type": "AWS::EC2::Subnet"}}})
    joined = {"Fn::Join": [",", [{"Ref": "A"}, {"Ref": "B"}, "subnet-123"]]}
    items = ev.value({"Fn::Split": [",", joined]})
    assert isinstance(items, list)
    assert [i.key if isinstance(i, Unknown) else i for i in items] == ["A", "B", "subnet-123"]
    # Another delimiter, or a known item holding the delimiter, cannot be split back.
    assert isinstance(ev.value({"Fn::Split": [";", joined]}), Unknown)
    assert isinstance(ev.value({"Fn::Split": [",", {"Fn::Join": [",", [{"Ref": "A"}, "x,y"]]}]}), Unknown)


# --- branches -----------------------------------------------------------------------------------


def test_each_failing_branch_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, str(BRANCHES))
    assert code == 1
    assert [u.get("branch") for u in report["units"]] == [
        "IsProd=true, IsStaging=false",
        "IsProd=false, IsStaging=true",
        "IsProd=false, IsStaging=false",
    ]
    failing = sorted((f["address"], f["branch"]) for f in report["findings"] if f["rule_id"] == "EKSIP101")
    # In the prod branch two groups share the subnets: one finding at the cluster names both.
    assert failing == [
        ("Cluster", "IsProd=true, IsStaging=false"),
        ("Nodes", "IsProd=false, IsStaging=true"),
    ]
    for f in report["findings"]:
        assert f["message"].endswith(f"(in the branch where {f['branch']})")
    fingerprints = [f["fingerprint"] for f in report["findings"]]
    assert len(set(fingerprints)) == len(fingerprints)
    # Hand numbers: staging is 30 nodes -> 15 per /24 x 20 IPs = 300 > 251; 12 fit per subnet.
    staging = next(f for f in report["findings"] if f["branch"] == "IsProd=false, IsStaging=true")
    assert "needs 300" in staging["message"] and "hold only 24 nodes" in staging["message"]


def test_identical_findings_of_all_branches_are_listed_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A condition that changes nothing the findings say: the subnet's node group fails the same
    way in both branches, so its one finding carries no branch."""
    template = tmp_path / "t.yaml"
    template.write_text(
        (TEMPLATES / "undecidable-condition.yaml")
        .read_text()
        .replace(
            "MaxSize: !If [InUsEast1, 10, 20]", "MaxSize: 20\n        DesiredSize: !If [InUsEast1, 2, 1]"
        )
        .replace("        DesiredSize: 1\n        MaxSize: 20", "        MaxSize: 20")
    )
    _, report = run_json(capsys, str(template))
    assert len(report["units"]) == 2
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "EKSIP101"]
    assert "branch" not in finding
    assert "(in the branch where" not in finding["message"]
    # The text report lists it once too.
    assert main([str(template), "--no-cache"]) == 1
    assert capsys.readouterr().out.count("error EKSIP101") == 1


def test_impossible_branches_are_dropped_and_conditions_on_other_resources_ignored() -> None:
    template: dict[str, object] = {
        "Parameters": {"Env": {"Type": "String"}},
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]},
            "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
            "Logging": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
        },
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Condition": "Logging"},
            "Nodes": {
                "Type": "AWS::EKS::Nodegroup",
                "Condition": "NotProd",
                "Properties": {"ScalingConfig": {"MaxSize": {"Fn::If": ["IsDev", 3, 9]}}},
            },
        },
    }
    assert used_conditions(template) == ["NotProd", "IsDev"]
    labels = [label for label, _ in branches(template, {})]
    # Env=prod and Env=dev cannot both hold: 3 branches, not 4; Logging (an S3 bucket) is no branch.
    assert labels == ["NotProd=false, IsDev=false", "NotProd=true, IsDev=true", "NotProd=true, IsDev=false"]
    # A parameter value decides them all: nothing to branch on.
    assert branches(template, {"Env": "dev"}) == []


def test_too_many_atoms_keep_the_unknown() -> None:
    n = MAX_ATOMS + 1
    conditions = {f"C{i}": {"Fn::Equals": [{"Ref": "AWS::Region"}, f"r{i}"]} for i in range(n)}
    size: object = 1
    for i in range(n):
        size = {"Fn::If": [f"C{i}", i + 2, size]}
    template = {
        "Conditions": conditions,
        "Resources": {
            "N": {"Type": "AWS::EKS::Nodegroup", "Properties": {"ScalingConfig": {"MaxSize": size}}}
        },
    }
    assert branches(template, {}) == []
    value = Evaluator(template).value(size)
    assert isinstance(value, Unknown) and "cannot be decided before deploy" in value.reason


def test_metadata_in_a_nested_template_suppresses_its_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "parent.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Network:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n"
        "      TemplateURL: child.yaml\n"
    )
    child = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Parameters:\n"
        "  Cidr: {Type: String}\n"
        "Resources:\n"
        "  Subnet:\n"
        "    Type: AWS::EC2::Subnet\n"
        "{metadata}"
        "    Properties:\n"
        "      VpcId: vpc-1\n"
        "      CidrBlock: !Ref Cidr\n"
        "  Cluster:\n"
        "    Type: AWS::EKS::Cluster\n"
        "    Properties:\n"
        "      RoleArn: arn:aws:iam::111122223333:role/eks\n"
        "      ResourcesVpcConfig: {SubnetIds: [!Ref Subnet]}\n"
    )
    (tmp_path / "child.yaml").write_text(child.replace("{metadata}", ""))
    _, report = run_json(capsys, str(tmp_path))
    (unknown,) = [f for f in report["findings"] if f["address"] == "Network/Subnet"]
    assert (os.path.basename(unknown["file"]), unknown["rule_id"], unknown["suppression"]) == (
        "child.yaml",
        "EKSIP002",
        None,
    )
    metadata = "    Metadata:\n      eks-ip-lint:\n        ignore: [{id: EKSIP002, reason: CIDR from IPAM}]\n"
    (tmp_path / "child.yaml").write_text(child.replace("{metadata}", metadata))
    _, report = run_json(capsys, str(tmp_path))
    (unknown,) = [f for f in report["findings"] if f["address"] == "Network/Subnet"]
    assert unknown["suppression"] == {"kind": "inSource", "justification": "CIDR from IPAM"}


def test_a_joined_subnet_list_passed_to_a_list_parameter_stays_linked() -> None:
    """The common parent -> child shape: Subnets: !Join [",", [!Ref A, !Ref B]] passed to a
    child's List<AWS::EC2::Subnet::Id> parameter that the child's node group uses directly."""
    parent = Evaluator({"Resources": {"A": {"Type": "AWS::EC2::Subnet"}, "B": {"Type": "AWS::EC2::Subnet"}}})
    joined = parent.value({"Fn::Join": [",", [{"Ref": "A"}, {"Ref": "B"}]]})
    child = Evaluator(
        {
            "Parameters": {
                "SubnetIds": {"Type": "List<AWS::EC2::Subnet::Id>"},
                "Label": {"Type": "String"},
            }
        },
        prefix="Nodes/",
    )
    child.give({"SubnetIds": joined, "Label": joined})
    items = child.value({"Ref": "SubnetIds"})
    assert isinstance(items, list) and [i.key for i in items if isinstance(i, Unknown)] == ["A", "B"]
    assert isinstance(child.value({"Ref": "Label"}), Unknown)  # a String parameter stays one value
