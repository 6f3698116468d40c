"""Maps whose keys are known only symbolically, and when ``for_each`` may iterate them.

``for_each = zipmap(local.azs, slice(module.vpc.private_subnets, 3, 6))`` (the Blueprints
ENIConfigs) has keys that are AZ names read from ``data.aws_availability_zones``: unknown to a tool
without provider credentials, but known to Terraform at plan time, and distinct. Such a map is a
:class:`SymbolicMap`: an :class:`Unknown` (every function, operator and reader that does not
know it sees an unknown map, so nothing downstream can mistake it for a known one) that also
carries its entries, so that ``for_each`` can expand one instance per entry with ``each.key`` the
symbolic key itself (``data.aws_availability_zones.available.names[0]``).

The rule (:func:`symbolic_keys_problem`), applied to maps and sets alike:

* every key is an Unknown **with a key** (a symbolic identity); a key without identity, or a mix of
  known strings and symbolic keys (``"us-west-2a"`` may be the same runtime value as
  ``names[0]``), leaves the collection plain unknown;
* the keys are **pairwise distinct**. Distinct symbolic identities are taken as distinct values,
  as ``toset()`` already does: the elements of one data-source list at different indexes (AZ
  names) and the attributes of different objects are different in every real configuration;
* every key comes from a **data source** (``data.x.y...``, also inside a module). Data sources are
  read during plan, so Terraform knows these keys; keys computed by a resource at apply (an ID)
  are refused by Terraform itself ("Invalid for_each argument"), and stay unknown here too.

Instances get addresses ``type.name[<symbolic key>]``, for example
``kubectl_manifest.eni_config[data.aws_availability_zones.available.names[0]]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eks_ip_lint.values import Cause, Unknown, Value

# data.TYPE.NAME..., possibly inside modules: module.x.data..., module.x["k"].data...
_DATA_ROOTED = re.compile(r"^(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*data\.")


@dataclass(frozen=True)
class SymbolicMap(Unknown):
    """An unknown map whose entries are known, each under a distinct symbolic key.

    ``for_each_ok`` is False for keys computed at apply (subnet IDs from ``zipmap(ids, cidrs)``):
    a for-expression, ``keys()`` and ``values()`` read such a map, but ``for_each`` refuses it, as
    Terraform does."""

    entries: tuple[tuple[Unknown, Value], ...] = field(default=(), compare=False, hash=False)
    for_each_ok: bool = field(default=True, compare=False, hash=False)


class Unordered(list[Value]):
    """A list whose elements are known but whose order is not: ``sort()``, ``keys()`` or a set
    over unknown values (the real order is the values' at apply). Membership is exact (a node
    group's ``subnet_ids``); an index into it is unknown (:func:`position_unknown`)."""


def position_unknown(items: list[Value], what: str) -> Unknown | None:
    """Why an element of ``items`` at a position cannot be known, or None when it can."""
    if not isinstance(items, Unordered):
        return None
    first = next((v for v in items if isinstance(v, Unknown)), None)
    if first is None:
        return None
    return Unknown(f"{what} of a list ordered by values known only later ({first.reason})", cause=first.cause)


# The last part of a symbolic identity that names one string: a resource's or data source's ID,
# ARN, name, CIDR or AZ, or an element of a list (the lists linked here hold IDs, AZ names, CIDRs).
_SINGLE = re.compile(
    r"(?:\.(?:id|arn|name|cidr_block|availability_zone|[A-Za-z0-9_]+_(?:id|arn|name))|\[[^\]]*\])$"
)


def is_single_value(value: Value) -> bool:
    """True for an unknown that stands for one string, never null or empty and never a list:
    ``aws_subnet.a[0].id``, ``module.vpc.aws_subnet.private[1].id``,
    ``data.aws_availability_zones.available.names[0]``. Such a value passes ``flatten()`` and
    ``compact()`` as an element, and two of them are the same value exactly when their keys are."""
    if not isinstance(value, Unknown) or value.key is None or value.key.startswith("var."):
        return False  # an unset variable (or a part of one) may be null, empty or a list
    return bool(_SINGLE.search(value.key))


def symbolic_keys_problem(keys: list[Value]) -> str | None:
    """Why these keys cannot index for_each instances; None when they can (see the module doc)."""
    if not keys:
        return "no keys"
    if not all(isinstance(k, Unknown) for k in keys):
        return "some keys are known and some unknown, so two of them may be the same value"
    identities = [k.key for k in keys if isinstance(k, Unknown)]
    if any(i is None for i in identities):
        return "keys are unknown"
    if len(set(identities)) != len(identities):
        return "two keys may be the same value"
    computed = [i for i in identities if i is not None and not _DATA_ROOTED.match(i)]
    if computed:
        return (
            f"key {computed[0]} is known only after apply, which Terraform itself refuses in "
            "for_each (Invalid for_each argument)"
        )
    return None


def keys_cause(keys: list[Value]) -> Cause:
    """What made these keys unknown: the cause of the first key known only after apply (the one
    Terraform refuses), else of the first unknown key."""
    unknown = [k for k in keys if isinstance(k, Unknown)]
    computed = [k for k in unknown if k.key is not None and not _DATA_ROOTED.match(k.key)]
    first = (computed or unknown)[:1]
    return first[0].cause if first else Cause.UNSUPPORTED


def symbolic_map(entries: list[tuple[Value, Value]], reason: str) -> Unknown:
    """A SymbolicMap of ``entries`` when their keys qualify, else a plain Unknown saying why not.

    Keys computed at apply (distinct single values, :func:`is_single_value`) give a map that
    for-expressions, ``keys()`` and ``values()`` read but ``for_each`` refuses."""
    keys = [k for k, _ in entries]
    problem = symbolic_keys_problem(keys)
    if problem is not None and problem.startswith("key ") and all(is_single_value(k) for k in keys):
        pairs = tuple((k, v) for k, v in entries if isinstance(k, Unknown))
        return SymbolicMap(f"{reason}: {problem}", entries=pairs, cause=keys_cause(keys), for_each_ok=False)
    if problem is not None:
        return Unknown(f"{reason}: {problem}", cause=keys_cause(keys))
    pairs = tuple((k, v) for k, v in entries if isinstance(k, Unknown))
    # Every key is read by a data source (the rule above): that is what keeps the map unknown here.
    return SymbolicMap(
        f"{reason} (keys known only at plan: {', '.join(str(k.key) for k, _ in pairs)})",
        entries=pairs,
        cause=Cause.DATA_SOURCE,
    )


def address_key(key: Unknown) -> str:
    """How a symbolic key is shown in an instance address."""
    return str(key.key)


# --- positions in a data source's list of unknown length (issue 13 item 8) ----------------------
#
# ``azs = data.aws_availability_zones.available.names`` unsliced is a list of distinct AZs whose
# length N is known only at plan. Terraform places ``element(azs, i)`` and ``azs[i % length(azs)]``
# in AZ i mod N. eks-ip-lint takes N to be at least the number of positions the module places in
# it (the AZ count is assumed from the subnets), so position i is ``names[i]``; the module records
# each such position (ModuleEvaluation.positions) and the facts say what was assumed.

_AZ_LIST = re.compile(
    r"^(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*data\.aws_availability_zones\.[^.]+\.(?:names|zone_ids)$"
)
_MODULO_LENGTH = re.compile(r"^(\d+) % length\((.+)\)$")


def is_az_list(value: object) -> bool:
    """An unsliced AZ list of a data source (unknown length): ``data.aws_availability_zones.x.names``."""
    return isinstance(value, Unknown) and value.key is not None and bool(_AZ_LIST.match(value.key))


def length_of(u: Unknown) -> Unknown:
    """``length(u)`` of an unknown collection: unknown, but ``i % length(u)`` still names a
    position in ``u`` (:func:`position_in`)."""
    key = f"length({u.key})" if u.key is not None else None
    return Unknown(f"length() of an unknown value: {u.reason}", key, u.span, cause=u.cause)


def modulo_length(i: int, n: Unknown) -> Unknown | None:
    """``i % length(x)`` with the length unknown: an Unknown standing for that position, or None."""
    if n.key is None or not n.key.startswith("length(") or i < 0:
        return None
    return Unknown(f"{i} modulo an unknown length ({n.reason})", f"{i} % {n.key}", n.span, cause=n.cause)


def position_in(seq: Unknown, index: Unknown) -> int | None:
    """The position ``index`` stands for in ``seq`` when it is ``i % length(seq)``: i (the list
    is taken to be longer than i), else None."""
    m = _MODULO_LENGTH.match(index.key or "")
    if m is None or m.group(2) != seq.key:
        return None
    return int(m.group(1))
