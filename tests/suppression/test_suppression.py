"""Inline suppressions (Terraform comments, CloudFormation Metadata) and baselines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from eks_ip_lint.cli import main
from eks_ip_lint.suppression import NO_REASON, comment_ignores

from testlib import FIXTURES, REPO, SEED, RunJson

REPORT_SCHEMA = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text(encoding="utf-8"))
CFN_SEED = FIXTURES / "cloudformation" / "templates" / "seed-cluster.yaml"


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root: no configuration above it applies
    shutil.copytree(SEED, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "infra"


def _insert(path: Path, after_line: int, text: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(after_line, text + "\n")
    path.write_text("".join(lines))


def _only(report: dict[str, Any]) -> dict[str, Any]:
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
    (finding,) = report["findings"]
    return finding


def test_comment_syntax() -> None:
    text = (
        "# eks-ip-lint: ignore=EKSIP101 capacity is raised in PR 12\n"
        "x = 1 // eks-ip-lint: ignore=EKSIP101, EKSIP102\n"
        "# eks-ip-lint: ignore=EKSIP10 not an ID\n"
    )
    assert comment_ignores(text) == [
        (1, "EKSIP101", "capacity is raised in PR 12"),
        (2, "EKSIP101", NO_REASON),
        (2, "EKSIP102", NO_REASON),
        # Any word is read as an ID, so a mistyped one is reported (audit), not silently lost.
        (3, "EKSIP10", "not an ID"),
    ]


def test_mistyped_misplaced_and_unused_suppressions_are_reported(
    seed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_tf = seed / "main.tf"
    _insert(main_tf, 52, "  # eks-ip-lint: ignore=EKSIP1O1 letter O for zero")  # inside the node group block
    _insert(main_tf, 0, "# eks-ip-lint: ignore=EKSIP101 above every block: applies to nothing")
    # EKSIP203 ran and found nothing in the node group block: the suppression is unused.
    _insert(main_tf, 43, "  # eks-ip-lint: ignore=EKSIP203 no finding to suppress here")
    assert main(["infra"]) == 1  # the mistyped suppression suppressed nothing: EKSIP101 still fails
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if line.startswith("eks-ip-lint: note: ")]
    assert len(notes) == 3, err
    assert any(
        "main.tf:55: suppression names EKSIP1O1, no such rule (did you mean EKSIP101?)" in n for n in notes
    )
    assert any("main.tf:1: suppression of EKSIP101 is outside any block" in n for n in notes)
    assert any("main.tf:44: suppression of EKSIP203 is unused" in n for n in notes)


def test_used_suppression_gives_no_note(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _insert(seed / "main.tf", 41, "  # eks-ip-lint: ignore=EKSIP101 accepted until the /21 subnets land")
    assert main(["infra"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_suppression_of_a_skipped_rule_is_not_unused(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _insert(seed / "main.tf", 41, "  # eks-ip-lint: ignore=EKSIP101 accepted")
    assert main(["infra", "--skip-rule", "EKSIP101"]) == 0
    assert "note:" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("after_line", "comment"),
    [
        (41, "  # eks-ip-lint: ignore=EKSIP101 accepted until the /21 subnets land"),  # first line inside
        (52, "  // eks-ip-lint: ignore=EKSIP101 accepted until the /21 subnets land"),  # last line inside
        (
            49,
            "    # eks-ip-lint: ignore=EKSIP102,EKSIP101 accepted until the /21 subnets land",
        ),  # nested block
    ],
)
def test_terraform_comment_inside_the_block_suppresses(
    seed: Path, run_json: RunJson, after_line: int, comment: str
) -> None:
    _insert(seed / "main.tf", after_line, comment)
    code, report = run_json("infra")
    finding = _only(report)
    assert code == 0
    assert finding["suppression"] == {
        "kind": "inSource",
        "justification": "accepted until the /21 subnets land",
    }
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0, "suppressed": 1}


@pytest.mark.parametrize(
    "comment",
    [
        (40, "# eks-ip-lint: ignore=EKSIP101 above the block is outside it"),
        (31, "# eks-ip-lint: ignore=EKSIP101 in another block"),
        (41, "  # eks-ip-lint: ignore=EKSIP102 another rule"),
    ],
)
def test_terraform_comment_elsewhere_does_not_suppress(
    seed: Path, run_json: RunJson, comment: tuple[int, str]
) -> None:
    _insert(seed / "main.tf", *comment)
    code, report = run_json("infra")
    assert (code, _only(report)["suppression"]) == (1, None)


def test_text_marks_suppressed_and_does_not_count_them(
    seed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _insert(seed / "main.tf", 41, "  # eks-ip-lint: ignore=EKSIP101 accepted")
    assert main(["infra"]) == 0
    out = capsys.readouterr().out
    assert "infra/main.tf:52: error EKSIP101 [suppressed: accepted] node group workers" in out
    assert out.endswith("1 module checked: 0 error(s), 0 warning(s), 0 info, 1 suppressed\n")


def test_markdown_and_sarif_mark_suppressed(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _insert(seed / "main.tf", 41, "  # eks-ip-lint: ignore=EKSIP101 accepted")
    assert main(["infra", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "## ✅ eks-ip-lint: no findings, 1 suppressed" in md
    assert "- 🔕 **EKSIP101** error at `infra/main.tf:52`, *suppressed* (accepted): node group" in md
    assert main(["infra", "--format", "sarif"]) == 0
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "status": "accepted", "justification": "accepted"}]


def _cfn_copy(tmp_path: Path, metadata: str) -> Path:
    text = CFN_SEED.read_text()
    anchor = "  Workers:\n    Type: AWS::EKS::Nodegroup\n"
    assert anchor in text
    out = tmp_path / "stack.yaml"
    out.write_text(text.replace(anchor, anchor + metadata))
    return out


def test_cloudformation_metadata_suppresses(tmp_path: Path, run_json: RunJson) -> None:
    template = _cfn_copy(
        tmp_path,
        "    Metadata:\n      eks-ip-lint:\n        ignore:\n          - id: EKSIP101\n            reason: bigger subnets next sprint\n",
    )
    code, report = run_json(str(template))
    assert code == 0
    assert _only(report)["suppression"] == {"kind": "inSource", "justification": "bigger subnets next sprint"}


def test_cloudformation_metadata_for_another_rule_does_not(tmp_path: Path, run_json: RunJson) -> None:
    template = _cfn_copy(tmp_path, "    Metadata:\n      eks-ip-lint:\n        ignore: [EKSIP102]\n")
    code, report = run_json(str(template))
    assert (code, _only(report)["suppression"]) == (1, None)


def test_baseline_accepts_known_findings_only(
    seed: Path, run_json: RunJson, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    assert main(["infra", "--write-baseline", str(baseline)]) == 0  # the run itself passes
    # What was written, not the whole report.
    out = capsys.readouterr().out
    assert (
        out
        == f"eks-ip-lint: wrote 1 finding(s) to {baseline} (1 EKSIP101); use it with --baseline {baseline}\n"
    )
    assert len(json.loads(baseline.read_text())["findings"]) == 1
    code, report = run_json("./infra", "--baseline", str(baseline))  # another spelling of the path
    assert code == 0
    assert _only(report)["suppression"] == {"kind": "external", "justification": "in baseline"}
    # Moving the block and changing its numbers keeps it baselined.
    _insert(seed / "main.tf", 0, "# a new first line")
    (seed / "variables.tf").write_text(
        (seed / "variables.tf").read_text().replace("default     = 80", "default     = 90")
    )
    code, report = run_json("infra", "--baseline", str(baseline))
    assert code == 0
    # A new finding (another node group) is not in the baseline and fails: the two groups share the
    # subnets, so the finding is now the cluster's (issue 16 item 1), which the baseline never held.
    main_tf = seed / "main.tf"
    main_tf.write_text(
        main_tf.read_text() + main_tf.read_text().split("\n", 41)[41].replace('"workers"', '"more"')
    )
    code, report = run_json("infra", "--baseline", str(baseline))
    assert code == 1
    assert sorted((f["address"], f["suppression"] is None) for f in report["findings"]) == [
        ("aws_eks_cluster.seed", True),
    ]


def test_baseline_sarif_kind_is_external(
    seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "b.json"
    assert main(["infra", "--format", "json", "-o", str(baseline)]) == 1
    assert main(["infra", "--baseline", str(baseline), "--format", "sarif"]) == 0
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "in baseline"}
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('{"schema_version": 2, "findings": []}', "not an eks-ip-lint JSON report"),
        ('{"schema_version": 1, "findings": [{"file": "x"}]}', "findings[0] lacks rule_id or file"),
    ],
)
def test_bad_baseline_is_a_usage_error(
    seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["infra", "--baseline", str(bad)]) == 2
    assert message in capsys.readouterr().err
