"""A plain-text table: columns padded to their widest cell; numeric columns right-aligned.

Given a width, the table fits it: optional columns are left out, first named first, then each
row's first cell (its name) goes on a line of its own above its numbers. Cells are plain text; colour is applied
to whole lines by the caller, after the layout, so widths are counted in characters.
"""

from __future__ import annotations

from collections.abc import Sequence

GAP = "  "


def _numeric(cell: str) -> bool:
    # "1,620+?": a known part and an unknown rest (a node group that could not be computed).
    c = cell.removesuffix("+?").replace(",", "").replace("%", "").lstrip("-+")
    return cell == "?" or c.isdigit()


def _lay(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str) -> list[str]:
    cols = len(header)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(cols)]
    # A column is numeric when every data cell is a number (or "?"): right-align it, header too.
    right = [bool(rows) and all(_numeric(r[i]) for r in rows) for i in range(cols)]
    lines = []
    for r in [header, *rows]:
        cells = [c.rjust(widths[i]) if right[i] else c.ljust(widths[i]) for i, c in enumerate(r)]
        lines.append(indent + GAP.join(cells).rstrip())
    return lines


def render(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    indent: str = "  ",
    width: int | None = None,
    optional: Sequence[int] = (),
) -> list[str]:
    """The table's lines; with ``width``, fitted to it by leaving out the ``optional`` columns
    (indexes, the first given is the first left out), then by putting names on lines of their own."""
    keep = list(range(len(header)))
    lines = _lay(header, rows, indent)
    drop = list(optional)
    while width is not None and max(map(len, lines)) > width and drop:
        keep.remove(drop.pop(0))
        lines = _lay([header[i] for i in keep], [[r[i] for i in keep] for r in rows], indent)
    if width is not None and max(map(len, lines)) > width:
        # Still too wide: each row's name on a line of its own, its numbers on the next, so no
        # name is cut (two cut names could read the same).
        rest = _lay([header[i] for i in keep[1:]], [[r[i] for i in keep[1:]] for r in rows], indent + "    ")
        lines = [indent + header[keep[0]], rest[0]]
        for r, numbers in zip(rows, rest[1:], strict=True):
            lines += [indent + r[keep[0]], numbers]
    return lines
