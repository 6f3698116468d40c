"""CloudFormation decoding: the only module that imports cfn-lint.

cfn-lint's decoder reads YAML (with the short-form tags ``!Ref``, ``!Sub``...) and JSON exactly
as CloudFormation's own linter does, rejects what CloudFormation rejects (duplicate keys...), and
keeps a position on every mapping and scalar. We convert its node tree once into a
:class:`LinedDocument`, so a cfn-lint upgrade touches this file only.
"""

from __future__ import annotations

from eks_ip_lint.sources import parse_cache
from eks_ip_lint.sources.lined import (
    MAX_DEPTH,
    MAX_NODES,
    Data,
    DecodeProblem,
    LinedDocument,
    Path,
    clamp_line,
    read_document_bytes,
    relabel,
)


def decode(path: str) -> LinedDocument | DecodeProblem:
    raw = read_document_bytes(path)  # size, NUL bytes and read errors are checked before parsing
    if isinstance(raw, DecodeProblem):
        return raw
    # Through the content cache: a warm run never imports cfn-lint (half a second).
    return parse_cache.cached_decode(
        "cfn-decode", raw, lambda: _decode(path, raw), lambda v: relabel(v, path)
    )


def _decode(path: str, raw: bytes) -> LinedDocument | DecodeProblem:
    # Imported here, as is logging: a warm run never decodes, and logging alone is 2-3 ms.
    import logging  # noqa: PLC0415

    # cfn-lint ships no type information; the decoded tree is read defensively below.
    from cfnlint.decode import decode_str  # type: ignore[import-untyped]  # noqa: PLC0415

    # cfn-lint logs decode errors as well as returning them; we report them as findings instead.
    cfnlint_log = logging.getLogger("cfnlint")
    if not cfnlint_log.handlers:
        cfnlint_log.addHandler(logging.NullHandler())
        cfnlint_log.propagate = False

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return DecodeProblem(f"not UTF-8 text (byte {exc.start})", raw[: exc.start].count(b"\n") + 1)
    try:
        template, matches = decode_str(text)
    except RecursionError:
        return DecodeProblem(f"nested too deeply to decode (more than {MAX_DEPTH} levels)", 1)
    except Exception as exc:  # cfn-lint's decoder is third-party code: never let it crash a run
        return DecodeProblem(f"cannot decode: {type(exc).__name__}: {exc}", 1)
    if matches:
        first = matches[0]
        message = str(getattr(first, "message", first))
        line = int(getattr(first, "linenumber", 1) or 1)
        return DecodeProblem(message, clamp_line(line, text))
    lines: dict[Path, int] = {}
    try:
        return LinedDocument(path, _Copier(lines).plain(template, ()), lines)
    except _TooLarge as exc:
        return DecodeProblem(str(exc), exc.line)


class _TooLarge(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _Copier:
    """Copy cfn-lint's node classes (dict/str subclasses) into plain values, recording lines.

    YAML aliases are shared objects in cfn-lint's tree and are copied once per use, so a node
    budget stops a "billion laughs" template, and a depth bound an alias that contains itself."""

    def __init__(self, lines: dict[Path, int]) -> None:
        self.lines = lines
        self.budget = MAX_NODES

    def plain(self, node: object, path: Path) -> Data:
        mark = getattr(node, "start_mark", None)
        line = int(mark.line) + 1 if mark is not None else self.lines.get(path[:-1], 1)
        self.budget -= 1
        if self.budget < 0:
            raise _TooLarge(f"the document expands to more than {MAX_NODES:,} nodes (YAML aliases?)", line)
        if len(path) > MAX_DEPTH:
            raise _TooLarge(f"nested deeper than {MAX_DEPTH} levels", line)
        if mark is not None:
            self.lines[path] = line
        if isinstance(node, dict):
            out: dict[str, Data] = {}
            for k, v in node.items():
                key = str(k)
                entry: Path = (*path, key)
                out[key] = self.plain(v, entry)
                key_mark = getattr(k, "start_mark", None)
                if key_mark is not None:
                    # A key's line is where the entry starts; its value may start on the next line.
                    self.lines[entry] = int(key_mark.line) + 1
            return out
        if isinstance(node, list):
            return [self.plain(v, (*path, i)) for i, v in enumerate(node)]
        if isinstance(node, str):
            return str(node)
        return node
