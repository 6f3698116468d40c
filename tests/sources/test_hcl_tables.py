"""The shipped HCL parse tables (issue 18 item 8): the parser loaded from them is python-hcl2's
parser, tree for tree and position for position, on every Terraform fixture and example."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from eks_ip_lint.sources import hcl_tables

REPO = Path(__file__).resolve().parents[2]
FILES = sorted(
    p
    for pattern in (
        "tests/fixtures/**/*.tf",
        "tests/fixtures/**/*.tfvars",
        "examples/**/*.tf",
        "tests/fixtures/**/*.hcl",
    )
    for p in REPO.glob(pattern)
    if p.is_file()
)


def _shipped() -> dict[str, Any]:
    data = (resources.files("eks_ip_lint.sources") / "_data" / hcl_tables.DATA_FILE).read_bytes()
    document = json.loads(data)
    assert isinstance(document, dict)
    return document


def test_the_shipped_tables_match_the_installed_grammar() -> None:
    # If this fails after upgrading python-hcl2 or lark: python scripts/gen_hcl_tables.py
    assert _shipped()["stamp"] == hcl_tables.stamp()


def _positions(tree: Any) -> list[tuple[str, int, int, int, int]]:
    return [
        (t.data, t.meta.line, t.meta.column, t.meta.end_line, t.meta.end_column)
        for t in tree.iter_subtrees()
        if not t.meta.empty
    ]


@pytest.fixture(scope="module")
def parsers() -> tuple[Any, Any]:
    return hcl_tables.load(_shipped()), hcl_tables.build()


def test_loaded_and_built_parsers_agree_on_every_fixture(parsers: tuple[Any, Any]) -> None:
    loaded, built = parsers
    assert len(FILES) > 40
    for path in FILES:
        text = path.read_text(encoding="utf-8", errors="replace") + "\n"
        try:
            expected = built.parse(text)
        except Exception as exc:  # a fixture with a syntax error: the same error, same place
            with pytest.raises(type(exc)) as info:
                loaded.parse(text)
            assert str(info.value) == str(exc), path
            continue
        got = loaded.parse(text)
        assert got == expected, path
        assert _positions(got) == _positions(expected), path


def test_the_parser_writes_no_cache_file() -> None:
    """python-hcl2's own parser() pickles its tables into site-packages; ours has no cache."""
    parser = hcl_tables.parser()
    assert not parser.options.cache
    assert parser.options.propagate_positions
