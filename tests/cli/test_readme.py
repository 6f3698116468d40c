"""The README's sample output is what the tool prints today (so the front page cannot drift)."""

from __future__ import annotations

import re

import pytest

from eks_ip_lint.cli import main

from testlib import REPO


def test_what_it_says_block_is_the_real_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n\$ eks-ip-lint examples/seed-cluster\n(.*?)```\n", readme, re.S)
    assert block is not None, "README lost its sample output block"
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "100")  # the README shows a 100-column terminal
    assert main(["examples/seed-cluster"]) == 1
    assert capsys.readouterr().out == block.group(1), "refresh README.md's 'What it says' block"
