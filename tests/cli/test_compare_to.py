"""``--compare-to REF``: the capacity delta of a change, on real git repositories.

The seed example (examples/seed-cluster): three /22 subnets of 1,019 usable IPs each, one node
group of m5.4xlarge that holds 60 IPs per node at 1 pod (the warm pool), 120 at full nodes.
Hand-worked numbers used below:

- node ceiling at 1 pod per node: floor(1,019 / 60) = 16 nodes per subnet, x3 = 48;
  at full nodes floor(1,019 / 120) = 8 per subnet, x3 = 24. Neither depends on max size.
- demand at max 40 (nodes spread 14/13/13): 14 x 60 = 840 and 13 x 60 = 780 IPs; headroom
  1,019 - 840 = 179 and 1,019 - 780 = 239.
- demand at max 80 (27/27/26): 27 x 60 = 1,620 and 26 x 60 = 1,560; headroom 1,019 - 1,620 = -601.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from eks_ip_lint.cli import main

from testlib import REPO, SEED

SCHEMA = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text())


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _set_max(repo: Path, n: int) -> None:
    variables = repo / "infra" / "variables.tf"
    text = variables.read_text()
    start = text.index("default     = ", text.index('variable "max_nodes"'))
    end = text.index("\n", start)
    variables.write_text(text[:start] + f"default     = {n}" + text[end:])


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A repository whose base commit has max 40 and whose head commit has max 80."""
    root = tmp_path / "repo"
    shutil.copytree(SEED, root / "infra")
    _set_max(root, 40)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base: max 40")
    base = _git(root, "rev-parse", "HEAD")
    _set_max(root, 80)
    _git(root, "commit", "-q", "-am", "head: max 80")
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return root, base


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main([*argv, "--format", "json", "--no-cache"])
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, SCHEMA)
    return code, doc


def test_raising_max_size_past_the_ceiling_in_json(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = repo
    code, doc = _json(capsys, "infra", "--compare-to", base)
    assert code == 1  # the working tree fails EKSIP101, as without --compare-to
    delta = doc["delta"]
    assert (delta["compare_to"], delta["base_commit"]) == (base, base)
    (c,) = delta["clusters"]
    assert (c["name"], c["status"], c["unit"]) == ("seed", "changed", {"kind": "terraform", "path": "infra"})
    assert c["total_max_nodes"] == {"before": 40, "after": 80}
    assert c["max_nodes_supported"]["floor"] == {"before": 48, "after": 48}
    assert c["max_nodes_supported"]["configured"] == {"before": 24, "after": 24}
    s0 = next(s for s in c["subnets"] if s["address"] == "aws_subnet.private[0]")
    assert s0["usable_ips"] == {"before": 1019, "after": 1019}
    assert s0["demand_at_max_floor"] == {"before": 840, "after": 1620}
    assert s0["headroom_floor"] == {"before": 179, "after": -601}
    s2 = next(s for s in c["subnets"] if s["address"] == "aws_subnet.private[2]")
    assert s2["demand_at_max_floor"] == {"before": 780, "after": 1560}
    (g,) = c["node_groups"]
    assert g["max_size"] == {"before": 40, "after": 80}
    new = [f["rule_id"] for f in c["findings"]["new"]]
    assert new == ["EKSIP101"]
    assert delta["summary"]["new"]["error"] == 1
    # The rest of the document is the working tree's report, as without --compare-to.
    assert doc["units"][0]["clusters"][0]["total_max_nodes"] == 80
    assert delta["verdict"].startswith("This change raises cluster seed's max size from 40 to 80")
    assert "its subnets hold 48 nodes" in delta["verdict"] and "1 new error (EKSIP101)" in delta["verdict"]


def test_markdown_verdict_first_then_the_before_after_table(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = repo
    main(["infra", "--compare-to", base, "--format", "markdown", "--no-cache", "--fail-on", "never"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "<!-- eks-ip-lint -->"
    verdict = next(line for line in lines[1:] if line.startswith("**"))
    assert verdict.startswith("**This change raises cluster seed's max size from 40 to 80")
    assert "48 nodes" in verdict and "EKSIP101" in verdict
    assert "| max size (nodes) | 40 | 80 | +40 |" in out
    assert "| node ceiling, 1 pod per node | 48 | **48** | 0 |" in out  # bold: below max size 80
    assert "| `aws_subnet.private[0]` | 1,019 | 840 → 1,620 | 179 → -601 |" in out
    assert "**new** **EKSIP101** error" in out
    assert out.index("<details><summary>Full report") > out.index("**new** **EKSIP101**")


def test_an_unchanged_cluster_is_one_line(repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    main(["infra", "--compare-to", "HEAD", "--format", "markdown", "--no-cache", "--fail-on", "never"])
    out = capsys.readouterr().out
    assert "does not change the IP capacity or the findings of the 1 cluster checked" in out
    assert "- Cluster `seed` in `infra`: unchanged: max size 80, its subnets hold 48 nodes" in out
    assert "| max size (nodes) |" not in out
    _, doc = _json(capsys, "infra", "--compare-to", "HEAD")
    (c,) = doc["delta"]["clusters"]
    assert c["status"] == "unchanged"
    assert [f["rule_id"] for f in c["findings"]["unchanged"]] == ["EKSIP101"]


def test_working_tree_changes_and_the_checkout_is_untouched(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """An uncommitted edit is the "after" side; the ref's tree is read without touching the
    checkout: same status, same index, no worktree registered."""
    root, _ = repo
    _set_max(root, 20)  # 20 nodes: 7 x 60 = 420 IPs in private[0]
    status, index = _git(root, "status", "--porcelain"), (root / ".git" / "index").read_bytes()
    code, doc = _json(capsys, "infra", "--compare-to", "HEAD")
    (c,) = doc["delta"]["clusters"]
    assert c["total_max_nodes"] == {"before": 80, "after": 20}
    assert [f["rule_id"] for f in c["findings"]["fixed"]] == ["EKSIP101"]
    assert code == 0
    assert _git(root, "status", "--porcelain") == status
    assert (root / ".git" / "index").read_bytes() == index
    assert len(_git(root, "worktree", "list").splitlines()) == 1


def test_absolute_paths_match_findings_across_sides(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = repo
    _, doc = _json(capsys, str(root / "infra"), "--compare-to", "HEAD")
    (c,) = doc["delta"]["clusters"]
    assert c["status"] == "unchanged"
    assert c["findings"]["new"] == [] and c["findings"]["fixed"] == []
    assert c["findings"]["unchanged"][0]["file"] == str((root / "infra" / "main.tf").resolve())


def test_a_module_the_ref_does_not_have_is_added(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = repo
    shutil.copytree(root / "infra", root / "infra2")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "second cluster")
    _, doc = _json(capsys, "infra", "infra2", "--compare-to", "HEAD~1")
    status = {c["unit"]["path"]: c["status"] for c in doc["delta"]["clusters"]}
    assert status == {"infra": "unchanged", "infra2": "added"}
    assert doc["delta"]["verdict"].startswith(
        "This change adds cluster seed (max size 80; its subnets hold 48 nodes)"
    )


def test_a_ref_the_clone_lacks_is_a_usage_error_that_says_to_fetch(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["infra", "--compare-to", "origin/nowhere"]) == 2
    err = capsys.readouterr().err
    assert "this clone does not have origin/nowhere" in err and "git fetch origin origin/nowhere" in err
    assert "shallow" not in err


def test_in_a_shallow_clone_the_error_names_fetch_depth(
    repo: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, base = repo
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True, capture_output=True
    )
    monkeypatch.chdir(clone)
    assert main(["infra", "--compare-to", base]) == 2
    err = capsys.readouterr().err
    assert "this clone is shallow" in err and "fetch-depth: 0" in err and "git fetch origin BASE" in err


def test_formats_of_one_tree_refuse_the_option(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["infra", "--compare-to", "HEAD", "--format", "sarif"]) == 2
    assert "--compare-to works with --format text, json or markdown" in capsys.readouterr().err


def test_text_report_starts_with_the_verdict(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = repo
    assert main(["infra", "--compare-to", base, "--no-cache"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"eks-ip-lint: compared with {base} ({base[:12]})"
    assert out[1].startswith("This change raises cluster seed's max size from 40 to 80")
    assert out[3] == "cluster seed (infra): changed"
    assert any(line.split() == ["max", "size", "(nodes)", "40", "80", "+40"] for line in out)


def test_var_files_inside_the_repository_are_read_as_the_ref_has_them(
    repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """envs/prod.tfvars outside the module: max 30 at the ref, 60 now (30 nodes: 10 x 60 = 600 IPs
    per subnet; 60 nodes: 20 x 60 = 1,200 > 1,019)."""
    root, _ = repo
    (root / "envs").mkdir()
    (root / "envs" / "prod.tfvars").write_text("max_nodes = 30\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "prod vars")
    (root / "envs" / "prod.tfvars").write_text("max_nodes = 60\n")
    _, doc = _json(capsys, "infra", "--var-file", os.path.join("envs", "prod.tfvars"), "--compare-to", "HEAD")
    (c,) = doc["delta"]["clusters"]
    assert c["total_max_nodes"] == {"before": 30, "after": 60}
    s0 = next(s for s in c["subnets"] if s["address"] == "aws_subnet.private[0]")
    assert s0["demand_at_max_floor"] == {"before": 600, "after": 1200}
