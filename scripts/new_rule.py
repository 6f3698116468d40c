"""Start a new rule: its module, its tests and its docs page, then the rule index.

    python scripts/new_rule.py EKSIP205 warm-pool-too-small --severity warning \\
        --summary "One sentence, shown by --list-rules and in SARIF."

A rule is one module (``src/eks_ip_lint/rules/eksip205_warm_pool_too_small.py``: the registry
finds it by its name), its tests (``tests/rules/test_eksip205_warm_pool_too_small.py``) and its
page (``docs/rules/EKSIP205.md``, from ``docs/rules/_template.md``). What this writes is a start,
not a rule: the check raises NotImplementedError, the tests fail and the page keeps the template's
TODOs, so the suite stays red (tests/test_docs.py refuses placeholders) until each is written.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every rule over the capacity model sees every input kind (rules/_base.py ALL_INPUTS, kept equal
# by tests/test_new_rule_script.py; this script runs without importing the package).
ALL_INPUTS = ("Terraform", "Terragrunt", "Terraform plan", "CloudFormation", "eksctl")
ID = re.compile(r"EKSIP\d{3}")
NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

MODULE = '''"""{id}: {summary}"""

from __future__ import annotations

from collections.abc import Iterator

from eks_ip_lint.capacity.analysis import UnitCapacity
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.rules._base import Rule, RuleContext, RuleMeta

META = RuleMeta(
    id="{id}",
    name="{name}",
    severity=Severity.{severity_member},
    summary={summary_literal},
    since="{since}",
    inputs=({inputs}),
)


def check(unit: UnitCapacity, ctx: RuleContext) -> Iterator[Finding]:
    """A predicate over the capacity model and a message; the numbers come from the model
    (eks_ip_lint.capacity), never computed here."""
    raise NotImplementedError("{id}: write the predicate over the capacity model")
    yield  # a generator, like every check


RULE = Rule(META, check)
'''

TESTS = '''"""{id} {name}: fires at the edge and not one step before it, with the numbers worked out
by hand beside each expectation."""

from __future__ import annotations

import pytest


def test_fires() -> None:
    pytest.fail("{id}: write the firing case, its expected numbers worked out in a comment")


def test_does_not_fire_at_the_edge() -> None:
    pytest.fail("{id}: write the case one step short of firing")
'''


def module_name(rule_id: str, name: str) -> str:
    return f"{rule_id.lower()}_{name.replace('-', '_')}"


def write(
    root: Path, rule_id: str, name: str, *, severity: str, summary: str, inputs: list[str]
) -> list[Path]:
    sys.path.insert(0, str(root / "src"))
    from eks_ip_lint import __version__  # noqa: PLC0415 -- the checkout's own version

    module = module_name(rule_id, name)
    targets = {
        root / "src" / "eks_ip_lint" / "rules" / f"{module}.py": MODULE.format(
            id=rule_id,
            name=name,
            severity_member=severity.upper(),
            summary=summary,
            summary_literal=json.dumps(summary, ensure_ascii=False),  # a JSON string is a Python literal
            since=__version__,
            inputs="".join(f'"{i}", ' for i in inputs).rstrip(" "),
        ),
        root / "tests" / "rules" / f"test_{module}.py": TESTS.format(id=rule_id, name=name),
        root / "docs" / "rules" / f"{rule_id}.md": (root / "docs" / "rules" / "_template.md")
        .read_text(encoding="utf-8")
        .replace("<ID>", rule_id)
        .replace("<name>", name)
        .replace("<severity>", severity)
        .replace("<since>", __version__)
        .replace("<module>", module)
        .replace("<inputs>", ", ".join(inputs)),
    }
    existing = [p for p in targets if p.exists()]
    if existing:
        raise SystemExit(f"new_rule: already exists: {', '.join(str(p) for p in existing)}")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(targets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "id", help="EKSIPnnn: 0xx input, 1xx subnet capacity, 2xx CNI configuration, 3xx node"
    )
    parser.add_argument("name", help="kebab-case, names the flagged pattern")
    parser.add_argument("--severity", choices=("error", "warning", "info"), required=True)
    parser.add_argument("--summary", required=True, help="one sentence")
    parser.add_argument(
        "--inputs",
        default=", ".join(ALL_INPUTS),
        help="comma-separated, the inputs the rule's findings can come from (default: every input, "
        f"as for a rule over the capacity model: {', '.join(ALL_INPUTS)})",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not ID.fullmatch(args.id):
        parser.error(f"{args.id!r} is not EKSIPnnn")
    if not NAME.fullmatch(args.name):
        parser.error(f"{args.name!r} is not kebab-case")
    inputs = [i.strip() for i in args.inputs.split(",") if i.strip()]
    for path in write(
        args.root, args.id, args.name, severity=args.severity, summary=args.summary, inputs=inputs
    ):
        print(f"wrote {path.relative_to(args.root)}")
    index = args.root / "scripts" / "gen_rule_index.py"
    if index.exists():
        # The index of the tree just written to, whichever eks-ip-lint is installed.
        path = os.pathsep.join(filter(None, [str(args.root / "src"), os.environ.get("PYTHONPATH")]))
        subprocess.run(
            [sys.executable, str(index)], check=True, cwd=args.root, env={**os.environ, "PYTHONPATH": path}
        )
        print("wrote docs/rules/index.md")
    checkov_rules = args.root / "scripts" / "gen_checkov_rules.py"
    # The checkov checks' fallback rule list, when the tree has the checks.
    if checkov_rules.exists() and (args.root / "rules" / "checkov").is_dir():
        subprocess.run([sys.executable, str(checkov_rules)], check=True, cwd=args.root)
        print("wrote rules/checkov/eksip_rules.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
