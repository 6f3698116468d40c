"""The engine's one entry point, ``lint(request, policy, progress)``, as a library caller and the
host-linter plugins use it: the policy is applied there, not in the CLI; the unit-kind and
formatter registries are the extension points."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from eks_ip_lint import engine, kinds
from eks_ip_lint.config import Config, RuleConfig
from eks_ip_lint.engine import LintRequest, Policy, lint
from eks_ip_lint.facts.model import ClusterFact, Facts, NodeGroupFact, SubnetFact
from eks_ip_lint.findings import Severity
from eks_ip_lint.kinds.base import DocumentKind, Inputs
from eks_ip_lint.report import FORMATTERS, ReportContext
from eks_ip_lint.span import SourceSpan

from testlib import SEED


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SEED, tmp_path / "seed"))


def _ids(result: engine.LintResult) -> list[tuple[str, str, bool]]:
    return sorted((f.rule_id, f.severity.value, f.suppressed is not None) for f in result.findings)


def test_library_call_without_policy_reports_the_seed_exhaustion(seed: Path) -> None:
    # The seed: m5.4xlarge x 80 in three /22s; 60 IPs per node at 1 pod (2 ENIs x 30), 1,019 usable
    # per /22 -> 48 nodes fit (README): EKSIP101 at its default severity, error.
    result = lint(LintRequest(paths=(str(seed),), use_cache=False))
    assert ("EKSIP101", "error", False) in _ids(result)


def test_a_disabled_rule_does_not_run(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not filtered afterwards: the rule's check is never called (nor its fix re-analyses)."""
    from eks_ip_lint.rules import BY_ID

    called: list[str] = []
    real = BY_ID["EKSIP101"]

    def check(unit: object, ctx: object) -> list[object]:
        called.append("EKSIP101")
        return []

    from eks_ip_lint import rules

    spy = dataclasses.replace(real, check=check)  # type: ignore[arg-type]
    monkeypatch.setattr(rules, "ALL_RULES", tuple(spy if r is real else r for r in rules.ALL_RULES))
    from eks_ip_lint.rules import runner

    monkeypatch.setattr(runner, "ALL_RULES", rules.ALL_RULES)
    policy = Policy(rules={"EKSIP101": RuleConfig(enabled=False)})
    result = lint(LintRequest(paths=(str(seed),), use_cache=False), policy)
    assert called == []
    assert "EKSIP101" not in [f.rule_id for f in result.findings]
    lint(LintRequest(paths=(str(seed),), use_cache=False))
    assert called == ["EKSIP101"]


def test_severity_suppression_and_baseline_apply_to_library_calls(seed: Path) -> None:
    request = LintRequest(paths=(str(seed),), use_cache=False)
    lowered = lint(request, Policy(rules={"EKSIP101": RuleConfig(severity=Severity.WARNING)}))
    assert ("EKSIP101", "warning", False) in _ids(lowered)

    (finding,) = [f for f in lint(request).findings if f.rule_id == "EKSIP101"]
    from eks_ip_lint.baseline import finding_key

    baselined = lint(request, Policy(baseline=frozenset({finding_key(finding)})))
    (again,) = [f for f in baselined.findings if f.rule_id == "EKSIP101"]
    assert (again.suppressed, again.suppression_kind) == ("in baseline", "external")

    main = seed / "main.tf"
    text = main.read_text()
    anchor = 'resource "aws_eks_node_group" "workers" {\n'
    assert anchor in text
    main.write_text(text.replace(anchor, anchor + "  # eks-ip-lint: ignore=EKSIP101 raised next sprint\n"))
    (inline,) = [f for f in lint(request).findings if f.rule_id == "EKSIP101"]
    assert (inline.suppressed, inline.suppression_kind) == ("raised next sprint", "inSource")


def test_policy_from_config_takes_the_rule_settings() -> None:
    config = Config(
        rules={"EKSIP203": RuleConfig(enabled=False), "EKSIP102": RuleConfig(severity=Severity.ERROR)}
    )
    policy = Policy.from_config(config, [("EKSIP101", "main.tf", "", "")])
    assert policy.disabled == frozenset({"EKSIP203"})
    assert policy.baseline == frozenset({("EKSIP101", "main.tf", "", "")})


def test_use_cache_false_writes_no_cache(seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("EKS_IP_LINT_CACHE_DIR", str(cache))
    monkeypatch.delenv("EKS_IP_LINT_NO_CACHE", raising=False)
    lint(LintRequest(paths=(str(seed),), use_cache=False))
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))
    lint(LintRequest(paths=(str(seed),)))
    assert any(p.is_file() for p in cache.rglob("*"))


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def start(self, total: int) -> None:
        self.calls.append(("start", total))

    def step(self, label: str) -> None:
        self.calls.append(("step", label))

    def done(self) -> None:
        self.calls.append(("done", None))


def test_progress_is_reported_to_the_callers_sink(seed: Path) -> None:
    sink = _Recorder()
    lint(LintRequest(paths=(str(seed),), use_cache=False), progress=sink)
    assert sink.calls == [("start", 1), ("step", str(seed)), ("done", None)]


def test_a_new_document_kind_is_one_registry_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The extension point: a kind that reads ``*.ipplan`` files into facts is analysed, checked by
    the rules and reported like any other, with no change to the engine."""
    doc = tmp_path / "cluster.json"
    doc.write_text('{"ipplan": 1}\n')

    def read(path: str, inputs: Inputs) -> list[Facts] | None:
        if "ipplan" not in Path(path).read_text():
            return None
        span = SourceSpan(path, 1)
        facts = Facts(unit=path)
        facts.subnets.append(SubnetFact("s", ("s-id",), "10.0.0.0/24", "eu-west-1a", span))
        facts.clusters.append(ClusterFact("c", "c", ("c",), ("s-id",), "ipv4", span))
        facts.node_groups.append(
            NodeGroupFact(
                address="g",
                name="g",
                kind="managed",
                cluster_ref="c",
                instance_types=("m5.large",),
                min_size=1,
                max_size=20,
                desired_size=1,
                subnet_refs=("s-id",),
                span=span,
                max_size_span=span,
                instance_types_span=span,
                subnets_span=span,
            )
        )
        return [facts]

    kind = DocumentKind(name="ipplan", read=read)
    monkeypatch.setattr(engine, "DOCUMENT_KINDS", (kind, *kinds.DOCUMENT_KINDS))
    result = lint(LintRequest(paths=(str(doc),), use_cache=False))
    (unit,) = result.units
    assert unit.kind == "ipplan"
    # m5.large: 3 ENIs x 10 IPv4; 1 pod -> 2 ENIs attached (WARM_ENI_TARGET=1) -> 20 IPs per node;
    # a /24 holds 256 - 5 = 251 usable; 20 nodes x 20 = 400 > 251 -> EKSIP101; 251 // 20 = 12 fit.
    (f101,) = [f for f in result.findings if f.rule_id == "EKSIP101"]
    assert "needs 400; these subnets hold only 12 nodes" in f101.message


def test_every_format_renders_through_the_registry(seed: Path) -> None:
    result = lint(LintRequest(paths=(str(seed),), use_cache=False))
    context = ReportContext(fail_on="error", pods_per_node=None)
    assert sorted(FORMATTERS) == ["github", "gitlab", "html", "json", "junit", "markdown", "sarif", "text"]
    rendered = {name: f.render(result, context) for name, f in FORMATTERS.items()}
    assert json.loads(rendered["json"])["summary"]["error"] >= 1
    assert json.loads(rendered["sarif"])["version"] == "2.1.0"
    assert "EKSIP101" in rendered["text"] and "EKSIP101" in rendered["markdown"]
    assert rendered["github"].startswith("::error ")
    assert json.loads(rendered["gitlab"])[0]["check_name"] == "EKSIP101"
    assert "<failure" in rendered["junit"]


def test_request_is_frozen() -> None:
    request = LintRequest(paths=("x",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.use_cache = False  # type: ignore[misc]
