"""A plain-text table: columns padded to their widest cell; numeric columns right-aligned."""

from __future__ import annotations

from collections.abc import Sequence


def _numeric(cell: str) -> bool:
    # "1,620+?": a known part and an unknown rest (a node group that could not be computed).
    return cell == "?" or cell.removesuffix("+?").replace(",", "").isdigit()


def render(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    cols = len(header)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(cols)]
    # A column is numeric when every data cell is a number (or "?"): right-align it, header too.
    right = [bool(rows) and all(_numeric(r[i]) for r in rows) for i in range(cols)]
    lines = []
    for r in [header, *rows]:
        cells = [c.rjust(widths[i]) if right[i] else c.ljust(widths[i]) for i, c in enumerate(r)]
        lines.append(indent + "  ".join(cells).rstrip())
    return lines
