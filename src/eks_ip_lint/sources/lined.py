"""A parsed YAML/JSON document as plain Python data plus the line of every node.

CloudFormation templates and eksctl configs are both decoded into this one shape, so the facts
layer walks ordinary dicts and lists (typed, no parser classes) and asks for lines by path.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from eks_ip_lint.sources import fs

# Larger YAML/JSON files are not decoded: no CloudFormation template may exceed 1 MB (a CDK
# synth is well under this), no ClusterConfig comes close, and a pure-Python YAML parse of a
# 50 MB file would take minutes. Such a file is reported and skipped.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Deepest nesting of mappings/lists we decode; deeper input is reported, not a RecursionError.
MAX_DEPTH = 200
# Most nodes (mappings, lists, scalars) a decoded document may have once YAML aliases are expanded.
MAX_NODES = 1_000_000

# A document node: what json.loads would return.
Data = object
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class LinedDocument:
    path: str
    data: Data
    # 1-based line of the node at each path; nodes without a position (the items of a short-form
    # tag's list, for example) take their nearest ancestor's line.
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int:
        p: Path = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)


@dataclass(frozen=True)
class DecodeProblem:
    """The file is not readable as YAML/JSON; ``line`` is 1-based."""

    message: str
    line: int


def relabel(stored: object, path: str) -> LinedDocument | DecodeProblem | None:
    """A decode result stored in the content cache, as read from ``path`` (the cache key has no
    path); None when ``stored`` is not a decode result."""
    if isinstance(stored, DecodeProblem):
        return stored
    if isinstance(stored, LinedDocument):
        return stored if stored.path == path else dataclasses.replace(stored, path=path)
    return None


def read_document_bytes(path: str) -> bytes | DecodeProblem:
    """The bytes of a YAML/JSON document, or why it is skipped (unreadable, too large, binary)."""
    try:
        raw = fs.read(path, MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        return DecodeProblem(f"cannot read: {exc.strerror or exc}", 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        return DecodeProblem(f"file is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB; skipped", 1)
    wide = _wide_encoding(raw)
    if wide is not None:
        # UTF-16/32 (Windows editors and PowerShell write them): YAML and JSON allow them, and
        # CloudFormation reads them. Decoded here, so every reader sees UTF-8, lines unchanged.
        try:
            return raw.decode(wide).lstrip("\ufeff").encode("utf-8", "surrogatepass")
        except UnicodeDecodeError as exc:
            return DecodeProblem(f"not valid {wide.upper()} text (byte {exc.start}); skipped", 1)
    if b"\x00" in raw:
        return DecodeProblem("binary file (contains NUL bytes); skipped", 1)
    return raw


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-32 or UTF-16 by its byte-order mark, or, without one, by where the NUL bytes of
    ASCII text fall (the YAML 1.2 and JSON (RFC 4627) rule); None for anything else."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(raw) >= 4 and raw[0] and not raw[1] and raw[2] and not raw[3]:
        return "utf-16-le"
    if len(raw) >= 4 and not raw[0] and raw[1] and not raw[2] and raw[3]:
        return "utf-16-be"
    return None


def clamp_line(line: int, text: str) -> int:
    """``line`` moved into the file: parsers report an error at end of input on the line after
    the last one (or at line 0); a finding must point at a line the file has."""
    last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    return max(1, min(line, last))
