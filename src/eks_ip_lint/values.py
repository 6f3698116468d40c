"""Values of the configuration language, and Unknown: "cannot tell statically" as a value.

A configuration value is what Terraform (or CloudFormation) would compute: None (null), bool, int,
float, str, list (Terraform tuple/list/set), dict (object/map), or :class:`Unknown`.

Unknown is never a guess. It says why the value cannot be known before apply, and may carry a
``key``: a symbolic identity. Two Unknowns with the same key stand for the same runtime value (for
example ``aws_subnet.private[0].id``), which lets the facts layer link a node group's
``subnet_ids`` to the subnet resources without knowing the real IDs, and keeps
``data.aws_availability_zones.available.names[0]`` and ``[1]`` distinct AZs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from eks_ip_lint.span import SourceSpan


@dataclass(frozen=True)
class Unknown:
    reason: str
    key: str | None = None
    span: SourceSpan | None = None

    def __str__(self) -> str:
        return f"<unknown: {self.key or self.reason}>"


Value: TypeAlias = bool | int | float | str | list["Value"] | dict[str, "Value"] | Unknown | None


def is_known(value: Value) -> bool:
    """True when the value and everything inside it is known."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    return True


def first_unknown(value: Value) -> Unknown | None:
    """The first Unknown found inside ``value`` (depth first), or None when it is fully known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        for v in value:
            u = first_unknown(v)
            if u is not None:
                return u
    elif isinstance(value, dict):
        for v in value.values():
            u = first_unknown(v)
            if u is not None:
                return u
    return None
