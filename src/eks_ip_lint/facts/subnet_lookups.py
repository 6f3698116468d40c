"""``data "aws_subnet"`` and ``data "aws_subnets"`` resolved against the subnets the scan declares.

A node group often names its subnets through a data source (``subnet_ids =
data.aws_subnets.private.ids``, ``[data.aws_subnet.a.id]``) that selects subnets by filters: tags,
CIDR, AZ, ID, VPC. When those subnets are declared in the scanned tree (in this root module or
another one: ``network/`` and ``eks/`` split), the filters select them with EC2's semantics
(facts/subnet_select.py):

* ``data "aws_subnet"``: exactly one declared subnet certainly matches and no other may: the
  lookup is that subnet, and a node group's ``data.aws_subnet.x.id`` gets its CIDR and AZ.
* ``data "aws_subnets"``: the matching subnets are certain (none is only possible) and there is
  at least one: ``data.aws_subnets.x.ids`` is the list of them.
* Otherwise the lookup stays unknown; an EKSIP002 names the candidates (or says none matched).

A lookup with a criterion that refers to an object of its own root module (``vpc_id =
aws_vpc.main.id``, ``values = [module.vpc.vpc_id]``) selects among that module's subnets only:
symbolic identities are local to a root module. Literal criteria (tags, CIDRs, AZs, IDs) select
among the subnets of every root module of the run, so two environments declaring the same tags
make the lookup ambiguous, as it is (which account and region it reads is not in the code).

A subnet of another root module is added to this unit's facts as a copy named after its unit, so
its demand is counted here too; a subnet of the same unit gains the lookup's references.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from eks_ip_lint.facts.model import (
    Facts,
    SubnetCriterion,
    SubnetFact,
    SubnetLookupFact,
    Unresolved,
    same_ref,
)
from eks_ip_lint.facts.subnet_select import criterion, select, tag
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value

# EC2 DescribeSubnets filter names (both spellings EC2 accepts) -> the selector's attribute.
_FILTERS = {
    "cidr-block": "cidr",
    "cidrBlock": "cidr",
    "cidr": "cidr",
    "availability-zone": "az",
    "availabilityZone": "az",
    "availability-zone-id": "az",
    "availabilityZoneId": "az",
    "subnet-id": "id",
    "subnetId": "id",
    "vpc-id": "vpc",
    "vpcId": "vpc",
    "tag-key": "tag-key",
}
# data "aws_subnet" arguments -> the selector's attribute (tags and filter are read apart).
_ARGUMENTS = {
    "id": "id",
    "cidr_block": "cidr",
    "availability_zone": "az",
    "availability_zone_id": "az",
    "vpc_id": "vpc",
}
# Arguments that change nothing about which subnet is meant.
_IGNORED = {"timeouts", "provider", "depends_on", "count", "for_each", "lifecycle", "region"}


def lookup_of(inst: ResourceInstance) -> SubnetLookupFact:
    """The lookup a ``data "aws_subnet"``/``"aws_subnets"`` instance makes."""
    plural = inst.type == "aws_subnets"
    criteria: list[SubnetCriterion] = []
    unread = ""
    for name, value in inst.values.items():
        if name in _IGNORED or value is None:
            continue
        if name == "tags":
            if isinstance(value, dict):
                criteria.extend(tag(k, v) for k, v in value.items())
            else:
                criteria.append(criterion("tag", value))  # unknown map: decides nothing
        elif name == "filter":
            for block in value if isinstance(value, list) else [value]:
                found = _filter(block)
                if isinstance(found, str):
                    unread = unread or found
                else:
                    criteria.append(found)
        elif not plural and name in _ARGUMENTS:
            criteria.append(criterion(_ARGUMENTS[name], value))  # type: ignore[arg-type]
        else:
            unread = unread or f"argument {name}"
    attr = "ids" if plural else "id"
    return SubnetLookupFact(
        address=inst.address,
        refs=(Unknown("read by a data source", f"{inst.address}.{attr}", cause=Cause.DATA_SOURCE),),
        criteria=tuple(criteria),
        plural=plural,
        span=inst.span,
        unread=unread,
    )


def _filter(block: Value) -> SubnetCriterion | str:
    if not isinstance(block, dict):
        return "a filter block"
    name, values = block.get("name"), block.get("values")
    if not isinstance(name, str):
        return "a filter whose name is not known"
    if name.startswith("tag:"):
        return criterion("tag", values, name[4:])
    if name not in _FILTERS:
        return f"filter {name}"
    return criterion(_FILTERS[name], values)  # type: ignore[arg-type]


def resolve(units: Sequence[Facts]) -> dict[int, Facts]:
    """Every unit's subnet lookups resolved against the subnets of all units; returns the units
    it changes, by index, as new Facts."""
    everything = [(j, s) for j, u in enumerate(units) for s in u.subnets]
    if not everything:
        return {}  # nothing to select from: the data source's own EKSIP002 says enough
    out: dict[int, Facts] = {}
    for i, facts in enumerate(units):
        if facts.subnet_lookups:
            changed = _resolve_unit(i, facts, units, everything)
            if changed is not None:
                out[i] = changed
    return out


def _resolve_unit(
    i: int, facts: Facts, units: Sequence[Facts], everything: list[tuple[int, SubnetFact]]
) -> Facts | None:
    subnets = list(facts.subnets)
    unresolved = list(facts.unresolved)
    lists: dict[str, tuple[Value, ...]] = {}  # key of data.aws_subnets.x.ids -> the subnets' refs
    copies: dict[tuple[int, str], int] = {}  # (unit, address) of another unit's subnet -> index
    changed = False
    for lookup in facts.subnet_lookups:
        if not _used(lookup, facts):
            continue
        chosen, why = _choose(lookup, everything, i)
        if why is not None:
            unresolved.append(_note(lookup, why))
            changed = True
            continue
        refs: list[Value] = []
        for j, s in chosen:
            if j == i:
                k = next(n for n, own in enumerate(subnets) if own.address == s.address)
            elif (j, s.address) in copies:
                k = copies[j, s.address]
            else:
                own_ref = Unknown(
                    "declared in another root module",
                    f"{units[j].unit}:{s.address}.id",
                    cause=Cause.APPLY_TIME,
                )
                # Named by where its root module is from this one's: aws_subnet.a (../network).
                where = os.path.relpath(units[j].unit, units[i].unit)
                subnets.append(replace(s, address=f"{s.address} ({where})", refs=(own_ref,)))
                k = copies[j, s.address] = len(subnets) - 1
            if lookup.plural:
                refs.append(subnets[k].refs[0])
            else:
                subnets[k] = replace(subnets[k], refs=(*subnets[k].refs, *lookup.refs))
        if lookup.plural:
            key = lookup.refs[0].key if isinstance(lookup.refs[0], Unknown) else None
            if key is not None:
                lists[key] = tuple(refs)
        changed = True
    if not changed:
        return None
    return replace(
        facts,
        subnets=subnets,
        unresolved=unresolved,
        node_groups=[replace(g, subnet_refs=_expand(g.subnet_refs, lists)) for g in facts.node_groups],
        clusters=[replace(c, subnet_refs=_expand(c.subnet_refs, lists)) for c in facts.clusters],
    )


def _choose(
    lookup: SubnetLookupFact, everything: list[tuple[int, SubnetFact]], unit: int
) -> tuple[list[tuple[int, SubnetFact]], Unknown | None]:
    what = f"the subnet{'s' if lookup.plural else ''} {lookup.address} selects"
    if lookup.unread:
        return [], Unknown(f"{what}: its {lookup.unread} is not read by eks-ip-lint", cause=Cause.DATA_SOURCE)
    if any(isinstance(v, Unknown) and v.key is not None for c in lookup.criteria for v in c.values):
        # A criterion names an object of this root module by reference (vpc_id = aws_vpc.main.id):
        # symbolic identities are the module's own, so only its own subnets can be meant.
        everything = [(j, s) for j, s in everything if j == unit]
    selection = select([s for _, s in everything], [lookup.criteria])
    where = {id(s): j for j, s in everything}
    if lookup.plural and selection.decided and selection.matched:
        return [(where[id(s)], s) for s in selection.matched], None
    one = selection.single()
    if not lookup.plural and one is not None:
        return [(where[id(one)], one)], None
    return [], selection.why_not_single(what, len(everything))


def _used(lookup: SubnetLookupFact, facts: Facts) -> bool:
    """Whether a node group or cluster names its subnets through this lookup."""
    for refs in [*(g.subnet_refs for g in facts.node_groups), *(c.subnet_refs for c in facts.clusters)]:
        items = (refs,) if isinstance(refs, Unknown) else refs
        if any(same_ref(r, own) for r in items for own in lookup.refs):
            return True
    return False


def _expand(
    refs: tuple[Value, ...] | Unknown, lists: dict[str, tuple[Value, ...]]
) -> tuple[Value, ...] | Unknown:
    if isinstance(refs, Unknown):
        return lists.get(refs.key, refs) if refs.key is not None else refs
    return refs


def _note(lookup: SubnetLookupFact, why: Unknown) -> Unresolved:
    return Unresolved(
        f"the subnets of {lookup.address}",
        why.reason,
        lookup.span,
        lookup.address,
        cause=why.cause,
    )
