"""The rule pages, docs/rules/<ID>.md: one per rule, with the fixed sections, a header that matches
the rule's metadata, and examples that behave as the page says.

Each ```hcl block under "## Example" is written alone as ``main.tf`` in an empty directory and
linted. It must produce this rule's finding, and the ```text block right after it must be the
report's literal lines for this rule, with the directory stripped so paths read ``main.tf:LINE``.
Each ```hcl block under "## Use instead" must produce no finding of this rule. When an output
comparison fails, the assertion message holds the current lines, ready to paste into the page;
``UPDATE_DOC_OUTPUTS=1 python -m pytest tests/test_docs.py`` writes them into the pages instead
(review the diff: the prose around a block may need the same change).
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from eks_ip_lint.engine import LintRequest, LintResult, lint
from eks_ip_lint.report.text import render_text
from eks_ip_lint.rules import ALL_RULES, Rule

REPO = Path(__file__).resolve().parent.parent
RULES_DOCS = REPO / "docs" / "rules"
TEMPLATE = RULES_DOCS / "_template.md"

REQUIRED_SECTIONS = (
    "What it does",
    "Why is this bad?",
    "How it is computed",
    "Example",
    "Use instead",
    "Known limitations",
    "Suppressing",
    "References",
)
# What docs/rules/_template.md asks the author to replace; none of it may reach a rule page.
PLACEHOLDERS = ("TODO", "TBD", "FIXME", "…", "<ID>", "<name>", "<severity>", "<module>", "<since>")
HEADER_START = "<!-- header -->"
HEADER_END = "<!-- end header -->"
# A finding in the text report: "PATH:LINE: SEVERITY RULE message", then optionally "  fix: ...".
FINDING_LINE = re.compile(r"^(?P<path>.+?):\d+: (?:error|warning|info) (?P<rule>EKSIP\d{3}) ")
FIX_LINE_PREFIX = "  fix: "
MARKDOWN_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


@dataclass(frozen=True)
class Block:
    """A fenced code block of a page."""

    lang: str
    text: str
    line: int  # the opening fence's line, 1-based


@dataclass(frozen=True)
class Page:
    path: Path
    text: str
    headings: tuple[str, ...]  # the "## " headings, in order
    blocks: dict[str, tuple[Block, ...]]  # fenced blocks per "## " section ("" before the first)
    preamble: tuple[str, ...]  # the lines before the first "## " heading


@cache
def parse_page(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    headings: list[str] = []
    blocks: dict[str, list[Block]] = {}
    preamble: list[str] = []
    section = ""
    fence: tuple[str, int, list[str]] | None = None
    for no, line in enumerate(text.splitlines(), start=1):
        if fence is not None:
            if line.rstrip() == "```":
                lang, start, body = fence
                blocks.setdefault(section, []).append(Block(lang, "\n".join(body) + "\n", start))
                fence = None
            else:
                fence[2].append(line)
            continue
        if line.startswith("```"):
            fence = (line[3:].strip(), no, [])
        elif line.startswith("## "):
            section = line[3:].strip()
            headings.append(section)
        if not headings:
            preamble.append(line)
    assert fence is None, f"{path.name}: the code block opened on line {fence[1]} is never closed"
    return Page(path, text, tuple(headings), {k: tuple(v) for k, v in blocks.items()}, tuple(preamble))


def page_path(rule: Rule) -> Path:
    return RULES_DOCS / f"{rule.meta.id}.md"


def rule_source(rule: Rule) -> str:
    """The rule module's path from the repository root, e.g. src/eks_ip_lint/rules/eksip101_....py."""
    return "src/" + rule.check.__module__.replace(".", "/") + ".py"


def example_pairs(page: Page) -> list[tuple[Block, Block | None]]:
    """Each ```hcl block under Example with the block that follows it (its output, if ```text)."""
    blocks = page.blocks.get("Example", ())
    pairs: list[tuple[Block, Block | None]] = []
    for i, block in enumerate(blocks):
        if block.lang == "hcl":
            after = blocks[i + 1] if i + 1 < len(blocks) and blocks[i + 1].lang == "text" else None
            pairs.append((block, after))
    return pairs


def use_instead_blocks(page: Page) -> list[Block]:
    return [b for b in page.blocks.get("Use instead", ()) if b.lang == "hcl"]


def _example_cases() -> list[Any]:
    cases = []
    for rule in ALL_RULES:
        if page_path(rule).exists():
            for i, (hcl, output) in enumerate(example_pairs(parse_page(page_path(rule))), start=1):
                cases.append(pytest.param(rule, hcl, output, id=f"{rule.meta.id}-example-{i}"))
    return cases


def _use_instead_cases() -> list[Any]:
    cases = []
    for rule in ALL_RULES:
        if page_path(rule).exists():
            for i, hcl in enumerate(use_instead_blocks(parse_page(page_path(rule))), start=1):
                cases.append(pytest.param(rule, hcl, id=f"{rule.meta.id}-use-instead-{i}"))
    return cases


def lint_snippet(hcl: Block, directory: Path) -> LintResult:
    (directory / "main.tf").write_text(hcl.text, encoding="utf-8")
    return lint(LintRequest(paths=(str(directory),)))


def report_lines(result: LintResult, rule_id: str, directory: Path) -> list[str]:
    """The text report's lines for ``rule_id``'s findings, paths relative to ``directory``."""
    prefix = f"{directory}{os.sep}"
    lines: list[str] = []
    keep = False
    for line in render_text(result).splitlines():
        match = FINDING_LINE.match(line)
        if match:
            keep = match["rule"] == rule_id
        elif not line.startswith(FIX_LINE_PREFIX):
            keep = False
        if keep:
            lines.append(line.removeprefix(prefix))
    return lines


def _ids(rule: Rule) -> str:
    return rule.meta.id


# --- every rule has a page, and the page has the fixed shape ------------------------------------


@pytest.mark.parametrize("rule", ALL_RULES, ids=_ids)
def test_every_rule_has_a_page(rule: Rule) -> None:
    assert page_path(rule).is_file(), f"missing {page_path(rule).relative_to(REPO)}: copy {TEMPLATE.name}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=_ids)
def test_title_and_header_match_the_rule_metadata(rule: Rule) -> None:
    page = parse_page(page_path(rule))
    m = rule.meta
    assert page.preamble[0] == f"# {m.id} · {m.name}"
    assert HEADER_START in page.preamble and HEADER_END in page.preamble, "the header block is missing"
    header = page.preamble[page.preamble.index(HEADER_START) + 1 : page.preamble.index(HEADER_END)]
    assert f"Severity: {m.severity.value} · Since: v{m.since} · Inputs: {', '.join(m.inputs)}" in header
    source = rule_source(rule)
    assert f"Source: [{source}](../../{source})" in header
    sentence = [ln for ln in page.preamble[page.preamble.index(HEADER_END) + 1 :] if ln.strip()]
    assert sentence, "one sentence saying what is flagged must follow the header"


@pytest.mark.parametrize("rule", ALL_RULES, ids=_ids)
def test_page_has_exactly_the_required_sections(rule: Rule) -> None:
    assert parse_page(page_path(rule)).headings == REQUIRED_SECTIONS


@pytest.mark.parametrize("rule", ALL_RULES, ids=_ids)
def test_no_template_placeholder_is_left(rule: Rule) -> None:
    text = parse_page(page_path(rule)).text
    left = [p for p in PLACEHOLDERS if p in text]
    assert not left, f"template placeholders left in the page: {left}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=_ids)
def test_page_has_runnable_examples_and_the_model_link(rule: Rule) -> None:
    page = parse_page(page_path(rule))
    pairs = example_pairs(page)
    assert pairs, "## Example needs at least one ```hcl block"
    assert all(output is not None for _, output in pairs), "each Example ```hcl block needs a ```text output"
    assert use_instead_blocks(page), "## Use instead needs at least one ```hcl block"
    computed = page.text.split("## How it is computed", 1)[1].split("\n## ", 1)[0]
    assert "](../capacity-model.md" in computed, "How it is computed must link docs/capacity-model.md"


@pytest.mark.parametrize("rule", ALL_RULES, ids=_ids)
def test_relative_links_resolve(rule: Rule) -> None:
    page = parse_page(page_path(rule))
    broken = []
    for match in MARKDOWN_LINK.finditer(page.text):
        target = match["target"].split("#", 1)[0]
        if target and "://" not in target and not (page.path.parent / target).exists():
            broken.append(match["target"])
    assert not broken, f"links to missing files: {broken}"


def test_no_page_for_a_rule_that_does_not_exist() -> None:
    ids = {r.meta.id for r in ALL_RULES}
    stray = sorted(p.name for p in RULES_DOCS.glob("EKSIP*.md") if p.stem not in ids)
    assert not stray, f"pages without a rule: {stray}"


def test_template_has_the_required_sections() -> None:
    assert parse_page(TEMPLATE).headings == REQUIRED_SECTIONS


# --- the examples do what the page says ---------------------------------------------------------


@pytest.mark.parametrize(("rule", "hcl", "output"), _example_cases())
def test_example_triggers_the_rule(rule: Rule, hcl: Block, output: Block | None, tmp_path: Path) -> None:
    result = lint_snippet(hcl, tmp_path)
    found = [f.rule_id for f in result.findings]
    assert rule.meta.id in found, f"the Example on line {hcl.line} does not trigger the rule; found {found}"


@pytest.mark.parametrize(("rule", "hcl", "output"), _example_cases())
def test_example_output_is_the_tools_output(
    rule: Rule, hcl: Block, output: Block | None, tmp_path: Path
) -> None:
    assert output is not None
    actual = report_lines(lint_snippet(hcl, tmp_path), rule.meta.id, tmp_path)
    expected = output.text.splitlines()
    if os.environ.get("UPDATE_DOC_OUTPUTS") and expected != actual:
        path = page_path(rule)
        page = path.read_text(encoding="utf-8")
        assert page.count(output.text) == 1, f"cannot place the new output of line {output.line}"
        path.write_text(page.replace(output.text, "\n".join(actual) + "\n"), encoding="utf-8")
        parse_page.cache_clear()
        return
    assert expected == actual, (
        f"the ```text block on line {output.line} is not what eks-ip-lint prints today; it prints:\n"
        + "\n".join(actual)
    )


@pytest.mark.parametrize(("rule", "hcl"), _use_instead_cases())
def test_use_instead_does_not_trigger_the_rule(rule: Rule, hcl: Block, tmp_path: Path) -> None:
    result = lint_snippet(hcl, tmp_path)
    mine = [f.message for f in result.findings if f.rule_id == rule.meta.id]
    assert not mine, f"the Use instead block on line {hcl.line} still triggers the rule: {mine}"


# --- the generated index ------------------------------------------------------------------------


def _load_script(name: str) -> ModuleType:
    path = REPO / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_docs_test_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_index_is_what_the_generator_writes() -> None:
    expected = _load_script("gen_rule_index").render()
    index = RULES_DOCS / "index.md"
    assert index.is_file(), "docs/rules/index.md is missing: run python scripts/gen_rule_index.py"
    assert index.read_text(encoding="utf-8") == expected, (
        "docs/rules/index.md is out of date: run python scripts/gen_rule_index.py"
    )
