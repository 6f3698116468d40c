"""The HCL syntax tree the rest of the project sees: small frozen records with line numbers.

`sources/hcl.py` builds it from python-hcl2's parse tree; nothing outside that module knows the
parser's shapes. Every node has ``line`` (1-based) so evaluation results and facts stay located.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

# --- expressions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lit:
    """A literal: number, bool, null, or a string without interpolation."""

    value: bool | int | float | str | None
    line: int


@dataclass(frozen=True)
class Template:
    """A string with ``${...}`` interpolations; parts are literal text or expressions."""

    parts: tuple[str | Expr, ...]
    line: int


@dataclass(frozen=True)
class Name:
    """A bare identifier: ``var``, ``local``, ``aws_subnet``, ``count``, a for-expression variable."""

    name: str
    line: int


@dataclass(frozen=True)
class GetAttr:
    obj: Expr
    name: str
    line: int


@dataclass(frozen=True)
class Index:
    obj: Expr
    key: Expr
    line: int


@dataclass(frozen=True)
class Splat:
    """``obj[*].a.b`` (full) or ``obj.*.a`` (attribute): ``ops`` apply to every element."""

    obj: Expr
    ops: tuple[SplatAttr | SplatIndex, ...]
    line: int


@dataclass(frozen=True)
class SplatAttr:
    name: str


@dataclass(frozen=True)
class SplatIndex:
    key: Expr


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    expand_last: bool  # f(list...)
    line: int


@dataclass(frozen=True)
class TupleExpr:
    items: tuple[Expr, ...]
    line: int


@dataclass(frozen=True)
class ObjectExpr:
    items: tuple[tuple[Expr, Expr], ...]
    line: int


@dataclass(frozen=True)
class Conditional:
    cond: Expr
    then: Expr
    other: Expr
    line: int


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Expr
    right: Expr
    line: int


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr
    line: int


@dataclass(frozen=True)
class ForExpr:
    """``[for k, v in coll : value if cond]`` or ``{for k, v in coll : key => value... if cond}``."""

    key_var: str | None
    value_var: str
    collection: Expr
    value: Expr
    key: Expr | None  # set for object for-expressions
    cond: Expr | None
    grouping: bool
    line: int


@dataclass(frozen=True)
class Unsupported:
    """Syntax the evaluator does not interpret (template directives, provider functions)."""

    what: str
    line: int


Expr: TypeAlias = (
    Lit
    | Template
    | Name
    | GetAttr
    | Index
    | Splat
    | Call
    | TupleExpr
    | ObjectExpr
    | Conditional
    | BinOp
    | Unary
    | ForExpr
    | Unsupported
)

# --- structure ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    name: str
    expr: Expr
    line: int


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    line: int
    end_line: int


@dataclass(frozen=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]


@dataclass(frozen=True)
class HclFile:
    path: str
    body: Body
