"""Pictures (issue 16 item 5) besides the HTML page: the Markdown report's mermaid chart and
``simulate --chart``'s step chart in the terminal."""

from __future__ import annotations

import re

import pytest

from eks_ip_lint.cli import main

from testlib import REPO


def test_markdown_has_a_mermaid_chart_of_subnet_use(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    main(["--no-cache", "examples/seed-cluster", "--format", "markdown"])
    out = capsys.readouterr().out
    block = re.search(r"```mermaid\n(.*?)```", out, re.S)
    assert block is not None
    chart = block.group(1).splitlines()
    assert chart[0] == "xychart-beta"
    # The seed (hand-worked in test_text_report): private[0] and [1] need 3,240 at the configured
    # density and 1,620 at the floor, private[2] 3,120 and 1,560, of 1,019 usable IPs each:
    # headroom 1,019 - 3,240 = -2,221 and 1,019 - 3,120 = -2,101.
    assert '    x-axis ["private[0] (-2,221)", "private[1] (-2,221)", "private[2] (-2,101)"]' in chart
    assert "    bar [3240, 3240, 3120]" in chart
    assert "    bar [1620, 1620, 1560]" in chart
    assert "    line [1019, 1019, 1019]" in chart
    assert '    y-axis "IPs" 0 --> 3240' in chart


def test_simulate_chart_draws_the_step_function(capsys: pytest.CaptureFixture[str]) -> None:
    # m5.large under the defaults (WARM_ENI_TARGET=1): 3 ENIs of 10 IPs, max pods 3 x 9 + 2 = 29,
    # so 27 IP-taking pods. 1 pod: the primary ENI and a warm one, 20 IPs; 27 pods fill the
    # primary and second ENIs (18 pod IPs) and need the third, 30 IPs (the same as
    # `eks-ip-lint simulate m5.large` prints row by row).
    assert main(["simulate", "m5.large", "--chart"]) == 0
    out = capsys.readouterr().out
    chart = out[out.index("IPs per node") :].splitlines()[1:]
    rows = [line for line in chart if "┤" in line]
    assert len(rows) == 12 and rows[0].lstrip().startswith("30 ┤")
    columns = [line.split("┤", 1)[1] for line in rows]
    height = [sum(1 for r in columns if i < len(r) and r[i] == "█") for i in range(len(columns[0]))]
    assert height[1] == 8  # 1 pod: 20 of 30 IPs = 8 of 12 rows
    assert height[-1] == 12  # 27 pods: 30 IPs, the top
    assert height == sorted(height)  # the warm pool only grows with pods
