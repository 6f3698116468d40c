"""Issue 18 item 7: what comes from the scanned files cannot drive the terminal, the Actions log or
the PR comment, and a file name that is not UTF-8 renders in every format.

The inputs are the issue's: an OSC 52 clipboard write, an erase-line and a bell in a cluster name
(HCL ``\\u`` escapes) and in a directory name, a right-to-left override, and ``@org/team``,
``#12`` and bare URLs in a suppression's reason (printed outside code spans in markdown). Each run
is the real command line in a subprocess, bounded (``bounded_run``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

import bounded_run
from testlib import SEED

RAW = ("\x1b", "\x07", "\u202e", "\x9b")
NAME = r"seed\u001b]52;c;SGVsbG8=\u0007\u001b[2K\u202e\u009b"
REASON = "ok per @acme/admins see #12 https://evil.example and www.evil.example"
DIR = "x\x1b[2K\u202e"


def _module(path: Path, *, suppress: bool = False) -> Path:
    shutil.copytree(SEED, path)
    main = path / "main.tf"
    text = main.read_text().replace("  name     = local.name\n", f'  name     = "{NAME}"\n', 1)
    if suppress:
        text = text.replace(
            'resource "aws_eks_node_group" "workers" {\n',
            f'resource "aws_eks_node_group" "workers" {{\n  # eks-ip-lint: ignore=EKSIP101 {REASON}\n',
            1,
        )
    main.write_text(text)
    return path


def lint(cwd: Path, *args: str) -> bounded_run.Bounded:
    env = {**os.environ, "EKS_IP_LINT_NO_CACHE": "1"}
    return bounded_run.ok(bounded_run.run(list(args), cwd=cwd, env=env))


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_controls_from_names_and_paths_are_escaped(tmp_path: Path, fmt: str) -> None:
    _module(tmp_path / DIR)
    result = lint(tmp_path, "--format", fmt, "--", DIR)
    assert result.returncode == 1
    for raw in RAW:
        assert raw not in result.stdout, (raw, result.stdout[:2000])
    assert "x\\x1b[2K\\u202e" in result.stdout  # the path, spelled out
    if fmt == "text":
        assert "seed\\x1b]52;c;SGVsbG8=\\x07\\x1b[2K\\u202e\\x9b" in result.stdout  # the cluster name


def test_markdown_links_no_mention_reference_or_url_from_the_input(tmp_path: Path) -> None:
    _module(tmp_path / "infra", suppress=True)
    result = lint(tmp_path, "--format", "markdown", "--", "infra")
    outside_code = re.sub(r"(`+).*?\1", "", result.stdout)
    assert "ok per @" in outside_code  # the reason is printed outside code spans...
    for live in ("@acme", "#12", "https://evil", "www.evil"):
        assert live not in outside_code, live  # ...but links nothing
    for raw in RAW:
        assert raw not in result.stdout


def _ff_module(tmp_path: Path) -> str:
    name = os.fsdecode(b"mod\xff")
    shutil.copytree(SEED, tmp_path / name)
    return name


def test_a_file_name_with_byte_ff_renders_in_json(tmp_path: Path) -> None:
    name = _ff_module(tmp_path)
    result = lint(tmp_path, "--format", "json", "--", name)
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert [u["path"] for u in doc["units"]] == [name]  # \udcff in JSON: the byte, recoverable


def test_a_file_name_with_byte_ff_renders_in_sarif(tmp_path: Path) -> None:
    name = _ff_module(tmp_path)
    result = lint(tmp_path, "--format", "sarif", "--", name)
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]
    }
    assert uris == {"mod%FF/main.tf"}  # RFC 3986: the byte itself, percent-encoded


def test_a_file_name_with_byte_ff_renders_in_markdown_and_text(tmp_path: Path) -> None:
    name = _ff_module(tmp_path)
    for fmt in ("markdown", "text", "github"):
        result = lint(tmp_path, "--format", fmt, "--", name)
        assert result.returncode == 1
        assert "mod\\xff" in result.stdout, (fmt, result.stdout[:500])
