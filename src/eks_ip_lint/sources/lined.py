"""A parsed YAML/JSON document as plain Python data plus the line of every node.

CloudFormation templates and eksctl configs are both decoded into this one shape, so the facts
layer walks ordinary dicts and lists (typed, no parser classes) and asks for lines by path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
