"""Select declared subnets by tags, IDs, CIDR, AZ or VPC, the way EC2's DescribeSubnets filters do.

Shared by every reader that names subnets by what they are rather than by reference: Terraform's
``data "aws_subnet"`` / ``data "aws_subnets"`` (filters and arguments, facts/subnet_lookups.py)
and Karpenter's ``EC2NodeClass.spec.subnetSelectorTerms`` (``tags``, ``id``): build the criteria
with :func:`criterion` / :func:`tag` and call :func:`select`.

Semantics are EC2's: within one criterion the values are alternatives (OR), the criteria of one
term must all hold (AND), and the terms of a selector are alternatives (OR, as Karpenter's
``subnetSelectorTerms``). String values may use EC2's wildcards ``*`` and ``?``; a tag value of
``"*"`` therefore matches any value of a present key (Karpenter's "any value").

Declared subnets are often partly unknown (a CIDR from a variable without a value, a symbolic
AZ, an ID assigned at apply), so each criterion is decided three ways: certainly holds, certainly
fails, cannot tell. A subnet is **matched** when every criterion of a term certainly holds, and
**possible** when none certainly fails but one cannot be told. A caller resolves a selection only
when nothing is possible: a guess among candidates is never made.

* IDs: a literal ``subnet-...`` matches a subnet whose ID is known (a plan's existing subnet);
  a symbolic ID (``aws_subnet.a.id``) matches the subnet it denotes. A declared subnet whose ID
  is assigned at apply is not the subnet a literal ID written beforehand names.
* Tags: a subnet whose tags the reader does not read (``tags is None``) or whose tags are unknown
  cannot be told apart; a known tag map without the key certainly fails. Tags a provider adds on
  its own (``default_tags``) are not seen.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from eks_ip_lint.facts.model import SubnetAttribute, SubnetCriterion, SubnetFact
from eks_ip_lint.values import Cause, Unknown, Value

# The criterion type lives with the facts (a lookup fact holds criteria); named here for callers.
Criterion = SubnetCriterion
Attribute = SubnetAttribute
_Equal = Callable[[str, str], bool]


class Decision(enum.Enum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


def criterion(attribute: Attribute, values: Value, key: str = "") -> Criterion:
    """A criterion from one value or a list of them (a filter's ``values``)."""
    if isinstance(values, list):
        return Criterion(attribute, tuple(values), key)
    return Criterion(attribute, (values,), key)


def tag(key: str, value: Value) -> Criterion:
    """``tags = { key = value }``: the subnet's tag ``key`` equals ``value`` (wildcards allowed)."""
    return Criterion("tag", (value,), key)


@dataclass(frozen=True)
class Selection:
    matched: tuple[SubnetFact, ...]
    possible: tuple[SubnetFact, ...]
    # The first unknown value among the criteria themselves (a filter value from an unset
    # variable): nothing can be told then, and its cause says why.
    unknown_criterion: Unknown | None = None

    @property
    def decided(self) -> bool:
        """True when the matched subnets are exactly the ones the selector selects."""
        return not self.possible and self.unknown_criterion is None

    def single(self) -> SubnetFact | None:
        """The one subnet selected, when exactly one certainly is and no other may be."""
        return self.matched[0] if self.decided and len(self.matched) == 1 else None

    def why_not_single(self, what: str, total: int) -> Unknown:
        """Why ``what`` cannot be told one declared subnet, naming the candidates."""
        if self.unknown_criterion is not None:
            u = self.unknown_criterion
            return Unknown(f"{what}: a filter value is unknown ({u.reason})", cause=u.cause)
        candidates = [*self.matched, *self.possible]
        if not candidates:
            return Unknown(
                f"{what}: none of the {total} declared subnet(s) of the scan matches",
                cause=Cause.NOT_DECLARED,
            )
        return Unknown(
            f"{what}: {len(candidates)} declared subnets may match ({_names(candidates)})",
            cause=Cause.DATA_SOURCE,
        )


def _names(subnets: Sequence[SubnetFact]) -> str:
    shown = [f"{s.address} {s.cidr}" if isinstance(s.cidr, str) else s.address for s in subnets[:5]]
    more = f" and {len(subnets) - 5} more" if len(subnets) > 5 else ""
    return ", ".join(shown) + more


def select(subnets: Sequence[SubnetFact], terms: Sequence[Sequence[Criterion]]) -> Selection:
    """The subnets some term selects (see the module docstring). A term without criteria
    selects every subnet, as a filter-less DescribeSubnets does."""
    for term in terms:
        for c in term:
            for v in c.values:
                if isinstance(v, Unknown) and v.key is None:
                    return Selection((), (), v)
    matched: list[SubnetFact] = []
    possible: list[SubnetFact] = []
    for s in subnets:
        best = Decision.NO
        for term in terms:
            d = _term(s, term)
            if d is Decision.YES:
                best = d
                break
            if d is Decision.MAYBE:
                best = d
        if best is Decision.YES:
            matched.append(s)
        elif best is Decision.MAYBE:
            possible.append(s)
    return Selection(tuple(matched), tuple(possible))


def _term(s: SubnetFact, term: Sequence[Criterion]) -> Decision:
    out = Decision.YES
    for c in term:
        d = _criterion(s, c)
        if d is Decision.NO:
            return d
        if d is Decision.MAYBE:
            out = d
    return out


def _criterion(s: SubnetFact, c: Criterion) -> Decision:
    if c.attribute == "cidr":
        return _any(s.cidr, c.values, _cidr_equal)
    if c.attribute == "az":
        return _any(s.az, c.values, _glob_equal)
    if c.attribute == "vpc":
        return _any(s.vpc_ref, c.values, _glob_equal)
    if c.attribute == "id":
        return _id(s, c.values)
    tags = s.tags
    if tags is None or isinstance(tags, Unknown):
        return Decision.MAYBE
    if c.attribute == "tag-key":
        keys = list(tags)
        return _fold(_any(k, c.values, _glob_equal) for k in keys)
    if c.key not in tags:
        return Decision.NO
    return _any(tags[c.key], c.values, _glob_equal)


def _fold(decisions: Iterable[Decision]) -> Decision:
    """Any of several: YES if one is, else MAYBE if one may be, else NO."""
    out = Decision.NO
    for d in decisions:
        if d is Decision.YES:
            return d
        if d is Decision.MAYBE:
            out = Decision.MAYBE
    return out


def _any(have: Value, wanted: Sequence[Value], equal: _Equal) -> Decision:
    return _fold(_one(have, w, equal) for w in wanted)


def _one(have: Value, want: Value, equal: _Equal) -> Decision:
    if isinstance(have, Unknown) or isinstance(want, Unknown):
        if (
            isinstance(have, Unknown)
            and isinstance(want, Unknown)
            and have.key is not None
            and have.key == want.key
        ):
            return Decision.YES
        return Decision.MAYBE
    if not isinstance(have, str) or not isinstance(want, str):
        return Decision.YES if have == want and have is not None else Decision.NO
    return Decision.YES if equal(have, want) else Decision.NO


def _id(s: SubnetFact, wanted: Sequence[Value]) -> Decision:
    for w in wanted:
        for r in s.refs:
            if isinstance(w, Unknown) and isinstance(r, Unknown) and w.key is not None and w.key == r.key:
                return Decision.YES
            if isinstance(w, str) and isinstance(r, str) and _glob_equal(r, w):
                return Decision.YES
    if any(isinstance(w, Unknown) and not _SUBNET_ID.search(w.key or "") for w in wanted):
        # A symbolic ID of something else (module.x.subnet_id): it may be this subnet's. The ID of
        # another aws_subnet resource is another subnet's.
        return Decision.MAYBE
    return Decision.NO


_SUBNET_ID = re.compile(r'(?:^|\.)aws_subnet\.[A-Za-z0-9_-]+(?:\[(?:"[^"]*"|[^\]]*)\])?\.id$')


_WILDCARD = re.compile(r"[*?]")


def _glob_equal(have: str, want: str) -> bool:
    """EC2 filter value matching: ``*`` any run of characters, ``?`` one character."""
    if not _WILDCARD.search(want):
        return have == want
    pattern = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in want)
    return re.fullmatch(pattern, have, re.DOTALL) is not None


def _cidr_equal(have: str, want: str) -> bool:
    try:
        return ipaddress.ip_network(have, strict=False) == ipaddress.ip_network(want, strict=False)
    except ValueError:
        return _glob_equal(have, want)


def tags_of(value: Value) -> Mapping[str, Value] | Unknown | None:
    """A resource's ``tags`` argument as a subnet's tags: a map, an Unknown, or {} when not set."""
    if value is None:
        return {}
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        return value
    return Unknown(f"tags is not a map: {value!r}", cause=Cause.INVALID)
