"""CloudFormation decoding: the only module that imports cfn-lint.

cfn-lint's decoder reads YAML (with the short-form tags ``!Ref``, ``!Sub``...) and JSON exactly
as CloudFormation's own linter does, rejects what CloudFormation rejects (duplicate keys...), and
keeps a position on every mapping and scalar. We convert its node tree once into a
:class:`LinedDocument`, so a cfn-lint upgrade touches this file only.
"""

from __future__ import annotations

import logging

from eks_ip_lint.sources.lined import Data, DecodeProblem, LinedDocument, Path

# cfn-lint logs decode errors as well as returning them; we report them as findings instead.
logging.getLogger("cfnlint").addHandler(logging.NullHandler())
logging.getLogger("cfnlint").propagate = False


def decode(path: str) -> LinedDocument | DecodeProblem:
    # cfn-lint ships no type information; the decoded tree is read defensively below.
    from cfnlint.decode import decode as cfn_decode  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        template, matches = cfn_decode(path)
    except Exception as exc:  # cfn-lint's decoder is third-party code: never let it crash a run
        return DecodeProblem(f"cannot decode: {type(exc).__name__}: {exc}", 1)
    if matches:
        first = matches[0]
        message = str(getattr(first, "message", first))
        line = int(getattr(first, "linenumber", 1) or 1)
        return DecodeProblem(message, line)
    lines: dict[Path, int] = {}
    return LinedDocument(path, _plain(template, (), lines), lines)


def _plain(node: object, path: Path, lines: dict[Path, int]) -> Data:
    """Copy cfn-lint's node classes (dict/str subclasses) into plain values, recording lines."""
    mark = getattr(node, "start_mark", None)
    if mark is not None:
        lines[path] = int(mark.line) + 1
    if isinstance(node, dict):
        out: dict[str, Data] = {}
        for k, v in node.items():
            key = str(k)
            entry: Path = (*path, key)
            out[key] = _plain(v, entry, lines)
            key_mark = getattr(k, "start_mark", None)
            if key_mark is not None:
                # A key's line is where the entry starts; its value may start on the next line.
                lines[entry] = int(key_mark.line) + 1
        return out
    if isinstance(node, list):
        return [_plain(v, (*path, i), lines) for i, v in enumerate(node)]
    if isinstance(node, str):
        return str(node)
    return node
