"""Every template under tests/fixtures/cloudformation/templates/ against its reviewed golden.

A template with a file of the same stem under parameters/ is run twice: with its defaults and
with those parameters (golden ``<stem>.params.json``). Regenerate with UPDATE_GOLDENS=1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_ip_lint.cloudformation.parameters import read_parameter_file
from eks_ip_lint.facts.cloudformation import load_cloudformation
from golden_facts import check_golden, snapshot

from testlib import FIXTURES

ROOT = FIXTURES / "cloudformation"
TEMPLATES = sorted(
    p.relative_to(ROOT / "templates")
    for p in (ROOT / "templates").rglob("*")
    if p.suffix in {".yaml", ".yml", ".json"}
)
CASES = [(t, None) for t in TEMPLATES] + [
    (t, ROOT / "parameters" / f"{t.stem}.json")
    for t in TEMPLATES
    if (ROOT / "parameters" / f"{t.stem}.json").exists()
]


@pytest.mark.parametrize(
    ("template", "params"), CASES, ids=lambda v: v.name if isinstance(v, Path) else "defaults"
)
def test_template_golden(template: Path, params: Path | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "templates")
    facts = load_cloudformation(str(template), read_parameter_file(str(params)) if params else None)
    assert facts is not None, f"{template} was not recognised as a template"
    name = str(template.with_suffix("")).replace("/", "__") + (".params" if params else "")
    # One analysis per branch of undecidable conditions; usually there is one.
    shot = snapshot(facts[0]) if len(facts) == 1 else {"branches": {f.branch: snapshot(f) for f in facts}}
    check_golden(shot, ROOT / "expected" / f"{name}.json")
