"""Locals that refer to themselves, directly or through other locals: Terraform refuses the
module ("Self-referencing local value", "Cycle: local.a, local.b") before evaluating anything.

Terraform builds its graph from the references written in each expression, whether or not a
branch is taken, so this check reads the expressions, not their values: ``a = true ? 1 :
local.a`` is refused too. Each cycle is reported once, at the line of its first local in
declaration order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import hcl_ast as ast


def local_references(expr: object) -> Iterator[str]:
    """Names ``x`` of every ``local.x`` written in ``expr``."""
    if isinstance(expr, ast.GetAttr) and isinstance(expr.obj, ast.Name) and expr.obj.name == "local":
        yield expr.name
        return
    if isinstance(expr, tuple):
        for item in expr:
            yield from local_references(item)
    elif dataclasses.is_dataclass(expr) and not isinstance(expr, type):
        for f in dataclasses.fields(expr):
            yield from local_references(getattr(expr, f.name))


def local_cycles(locals_: dict[str, tuple[str, ast.Attribute]]) -> list[InputError]:
    """One error per cycle among ``locals_`` (name -> (path, attribute))."""
    edges = {
        name: [r for r in dict.fromkeys(local_references(attr.expr)) if r in locals_]
        for name, (_, attr) in locals_.items()
    }
    order = {name: i for i, name in enumerate(locals_)}
    errors: list[InputError] = []
    reported: set[frozenset[str]] = set()
    for start in locals_:
        cycle = _cycle_through(start, edges)
        if cycle is None or frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        first = min(cycle, key=order.__getitem__)
        path, attr = locals_[first]
        if len(cycle) == 1:
            message = f"local.{first} refers to itself (Terraform: Self-referencing local value)"
        else:
            i = cycle.index(first)
            ring = cycle[i:] + cycle[:i] + [first]
            message = f"locals refer to each other in a cycle: {' -> '.join(f'local.{n}' for n in ring)}"
        errors.append(InputError(message, path, attr.line, skipped=False))
    return errors


def _cycle_through(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    """The locals of a cycle from ``start`` back to itself (depth first), or None."""
    stack: list[tuple[str, Iterator[str]]] = [(start, iter(edges[start]))]
    path = [start]
    seen = {start}
    while stack:
        _, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            path.pop()
            continue
        if child == start:
            return list(path)
        if child not in seen:
            seen.add(child)
            stack.append((child, iter(edges[child])))
            path.append(child)
    return None
