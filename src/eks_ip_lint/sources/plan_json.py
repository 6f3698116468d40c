"""Terraform plan JSON (``terraform show -json tfplan > tfplan.json``, format_version 1.x).

This module only reads the file: it decides whether a ``.json`` file is a plan and gives the parsed
document with a way to find lines. What the plan means is :mod:`eks_ip_lint.facts.plan`'s.

A file is a plan when its top level is an object with ``format_version`` and either
``planned_values`` or ``terraform_version`` (checkov uses ``terraform_version`` alone; requiring
``format_version`` too keeps CloudFormation templates and eksctl configs, which have neither, out).
A file that does not parse as JSON is a plan candidate only when its text names both keys, so a
broken plan gets an EKSIP000 with the line of the syntax error, and a broken template stays the
CloudFormation loader's.

Lines: JSON has no source positions worth keeping once parsed, so a resource's line is found by
scanning the text for its ``"address": "<address>"`` member (the first occurrence: in
``planned_values``, which Terraform writes before ``resource_changes``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from eks_ip_lint.sources import fs
from eks_ip_lint.sources.lined import DecodeProblem

SUPPORTED_MAJOR = "1"
# Plans of large configurations are big (every attribute of every resource, twice); above this a
# file is not read as a plan.
MAX_PLAN_BYTES = 64 * 1024 * 1024


@dataclass
class PlanDocument:
    path: str
    text: str
    data: dict[str, Any]
    _lines: dict[str, int] | None = field(default=None, repr=False)

    def line_of_address(self, address: str) -> int:
        """The line of ``"address": "<address>"`` in the file; 1 when it is not found."""
        if self._lines is None:
            self._lines = _address_lines(self.text)
        return self._lines.get(address, 1)


# A JSON string literal after an "address" key; its text is decoded with json.loads.
_ADDRESS_RE = re.compile(r'"address"\s*:\s*("(?:[^"\\]|\\.)*")')


def _address_lines(text: str) -> dict[str, int]:
    """Every address member's first line, in one pass over the text: searching the text once per
    address took 108 s on a 13 MB plan."""
    lines: dict[str, int] = {}
    line = 1
    last = 0
    for m in _ADDRESS_RE.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        try:
            address = json.loads(m.group(1))
        except ValueError:
            continue
        if isinstance(address, str):
            lines.setdefault(address, line)
    return lines


def looks_like_plan(data: object) -> bool:
    return (
        isinstance(data, dict)
        and "format_version" in data
        and ("planned_values" in data or "terraform_version" in data)
    )


def decode(path: str) -> PlanDocument | DecodeProblem | None:
    """The plan in ``path``; a DecodeProblem when it is a broken plan; None when it is no plan."""
    if not path.endswith(".json"):
        return None
    try:
        raw = fs.read(path, MAX_PLAN_BYTES + 1)
    except OSError:
        return None  # not ours to report: the document loaders say why the file is skipped
    if len(raw) > MAX_PLAN_BYTES or b"\x00" in raw:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    try:
        data = json.loads(text)
    except RecursionError:
        return DecodeProblem("plan JSON is nested too deeply to read", 1) if _named(text) else None
    except ValueError as exc:
        if not _named(text):
            return None
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else 1
        return DecodeProblem(f"not valid plan JSON: {exc}", line)
    if not looks_like_plan(data):
        return None
    version = data.get("format_version")
    if not isinstance(version, str) or version.split(".", 1)[0] != SUPPORTED_MAJOR:
        return DecodeProblem(
            f"plan JSON format_version {version!r} is not supported (eks-ip-lint reads 1.x, "
            "written by Terraform 1.0 and later)",
            _line_of_key(text, "format_version"),
        )
    return PlanDocument(path, text, data)


def _named(text: str) -> bool:
    return '"format_version"' in text and ('"planned_values"' in text or '"terraform_version"' in text)


def _line_of_key(text: str, key: str) -> int:
    i = text.find(json.dumps(key))
    return text.count("\n", 0, i) + 1 if i >= 0 else 1
