"""The cfn-lint plugin with the real cfn-lint program: ``--append-rules eks_ip_lint.integrations.cfnlint``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.integrations.cfnlint import RULE_CLASSES, cfn_lint_id
from eks_ip_lint.rules import ALL_RULES, BY_ID

from testlib import FIXTURES

CFN_LINT = str(Path(sys.executable).parent / "cfn-lint")
CFN_SEED = FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"
ANCHOR = "  Workers:\n    Type: AWS::EKS::Nodegroup\n"


def _cfn_lint(template: Path, *extra: str, cwd: Path | None = None) -> tuple[int, list[dict[str, Any]]]:
    proc = subprocess.run(
        [
            CFN_LINT,
            "-t",
            str(template),
            "--append-rules",
            "eks_ip_lint.integrations.cfnlint",
            "-f",
            "json",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )
    return proc.returncode, json.loads(proc.stdout or "[]")


def test_ids_follow_our_rules_and_severities() -> None:
    assert cfn_lint_id(BY_ID["EKSIP101"].meta) == "E9101"
    assert cfn_lint_id(BY_ID["EKSIP102"].meta) == "W9102"
    assert cfn_lint_id(BY_ID["EKSIP002"].meta) == "I9002"
    assert sorted(RULE_CLASSES) == sorted(cfn_lint_id(r.meta) for r in ALL_RULES)
    assert len(RULE_CLASSES) == len(ALL_RULES)


def test_seed_template_reports_e9101_at_the_node_group(tmp_path: Path) -> None:
    code, matches = _cfn_lint(CFN_SEED)
    assert code == 2  # cfn-lint's exit code: errors only
    ours = [m for m in matches if m["Rule"]["Id"].startswith(("E9", "W9", "I9"))]
    assert [
        (m["Rule"]["Id"], m["Level"], m["Location"]["Path"], m["Location"]["Start"]["LineNumber"])
        for m in ours
    ] == [("E9101", "Error", ["Resources", "Workers"], 49)]
    message = ours[0]["Message"]
    assert message.startswith(
        "EKSIP101 node group Workers (m5.4xlarge, max 80 nodes): the warm pool alone holds 60 IPs"
    )
    assert "these subnets hold only 48 nodes Fix: give each subnet at least 3,240 usable IPs" in message
    assert "or set WARM_IP_TARGET=2" in message


def test_resource_metadata_ignore_checks_suppresses(tmp_path: Path) -> None:
    text = CFN_SEED.read_text()
    assert ANCHOR in text
    template = tmp_path / "eks.yaml"
    template.write_text(
        text.replace(
            ANCHOR,
            ANCHOR + "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [E9101]\n",
        )
    )
    code, matches = _cfn_lint(template)
    assert [m["Rule"]["Id"] for m in matches if m["Rule"]["Id"].startswith("E9")] == []
    assert code == 0


@pytest.mark.parametrize("flag", ["--ignore-checks", "-i"])
def test_command_line_ignore(flag: str) -> None:
    code, matches = _cfn_lint(CFN_SEED, flag, "E9101")
    assert (code, [m["Rule"]["Id"] for m in matches]) == (0, [])


def test_branch_findings_say_which_branch_fails() -> None:
    """Env has no value: the prod and staging branches fail, each reported once with its branch
    (fixture comment has the numbers); the branch where neither holds fits and reports nothing."""
    template = FIXTURES / "cloudformation" / "templates" / "branches-parameter-without-default.yaml"
    _, matches = _cfn_lint(template)
    ours = sorted(
        (
            m["Rule"]["Id"],
            m["Location"]["Path"][1],
            m["Message"].split("(in the branch where ")[1].split(")")[0],
        )
        for m in matches
        if m["Rule"]["Id"] == "E9101"
    )
    # In the prod branch Nodes and ProdOnly share the subnets: one finding at the cluster.
    assert ours == [
        ("E9101", "Cluster", "IsProd=true, IsStaging=false"),
        ("E9101", "Nodes", "IsProd=false, IsStaging=true"),
    ]


def test_the_configuration_file_applies_inside_cfn_lint(tmp_path: Path) -> None:
    """The plugin runs the engine, so the configuration found from the current directory applies:
    a disabled rule does not run there either."""
    template = tmp_path / "eks.yaml"
    template.write_text(CFN_SEED.read_text())
    (tmp_path / ".git").mkdir()  # the configuration search stops at the repository's root
    (tmp_path / ".eks-ip-lint.yaml").write_text("rules:\n  EKSIP101:\n    enabled: false\n")
    _, matches = _cfn_lint(template, cwd=tmp_path)
    assert [m["Rule"]["Id"] for m in matches if m["Rule"]["Id"] == "E9101"] == []


def test_an_invalid_configuration_file_is_a_match_not_a_traceback(tmp_path: Path) -> None:
    template = tmp_path / "eks.yaml"
    template.write_text(CFN_SEED.read_text())
    (tmp_path / ".git").mkdir()
    (tmp_path / ".eks-ip-lint.yaml").write_text("rules:\n  EKSIP101:\n    severity: fatal\n")
    code, matches = _cfn_lint(template, cwd=tmp_path)
    (config,) = [m for m in matches if m["Rule"]["Id"] == "E9000"]
    assert "eks-ip-lint configuration" in config["Message"] and "fatal" in config["Message"]
    assert code == 2


def test_eks_ip_lint_metadata_suppression_hides_the_match(tmp_path: Path) -> None:
    text = CFN_SEED.read_text()
    template = tmp_path / "eks.yaml"
    template.write_text(
        text.replace(
            ANCHOR,
            ANCHOR + "    Metadata:\n      eks-ip-lint:\n        ignore:\n          - id: EKSIP101\n"
            "            reason: raised next sprint\n",
        )
    )
    _, matches = _cfn_lint(template, cwd=tmp_path)
    assert [m["Rule"]["Id"] for m in matches if m["Rule"]["Id"] == "E9101"] == []
