"""`eks-ip-lint simulate`: the calculator's rows against hand-computed values.

m5.4xlarge: 8 ENIs x 30 IPv4 -> S = 29 slots per ENI; default max pods 8 x 29 + 2 = 234.
"""

from __future__ import annotations

import json

import pytest

from eks_ip_lint.cli import main


def sim(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["simulate", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_default_warm_eni_steps(capsys: pytest.CaptureFixture[str]) -> None:
    doc = sim(capsys, "m5.4xlarge", "--pods", "0..60")
    assert doc["limits"]["default_max_pods"] == 234
    # WARM_ENI_TARGET=1: p=0 -> 1 ENI (29 IPs, 30 subnet IPs); p=1..29 -> 2 ENIs (58, 60);
    # p=30..58 -> 3 ENIs (87, 90); p=59..60 -> 4 ENIs (116, 120).
    rows = [(r["pods_from"], r["pods_to"], r["enis"], r["pod_ips"], r["total_ips"]) for r in doc["rows"]]
    assert rows == [(0, 0, 1, 29, 30), (1, 29, 2, 58, 60), (30, 58, 3, 87, 90), (59, 60, 4, 116, 120)]


def test_warm_ip_targets(capsys: pytest.CaptureFixture[str]) -> None:
    doc = sim(
        capsys, "m5.4xlarge", "--env", "WARM_IP_TARGET=2", "--env", "MINIMUM_IP_TARGET=10", "--pods", "1"
    )
    # T = max(1 + 2, 10) = 10 IPs on the primary ENI, + 1 primary IP = 11.
    (row,) = doc["rows"]
    assert (row["enis"], row["pod_ips"], row["total_ips"]) == (1, 10, 11)


def test_prefix_delegation_rows(capsys: pytest.CaptureFixture[str]) -> None:
    doc = sim(
        capsys, "m5.large", "--env", "ENABLE_PREFIX_DELEGATION=true", "--pods", "17", "--max-pods", "110"
    )
    # WARM_PREFIX_TARGET=1 (chart default): P = ceil(17/16) + 1 = 3 prefixes = 48 IPs, 1 ENI -> 49.
    (row,) = doc["rows"]
    assert (row["mode"], row["prefixes"], row["pod_ips"], row["total_ips"]) == ("prefix", 3, 48, 49)


def test_text_output_names_limits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "t3.small", "--pods", "0..9"]) == 0
    out = capsys.readouterr().out
    assert "t3.small: 3 ENIs x 4 IPv4 addresses" in out
    assert "default max pods 11" in out
