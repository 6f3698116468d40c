"""A NodeClass's ``subnetSelectorTerms`` / ``podSubnetSelectorTerms`` as subnet_select criteria.

Karpenter turns each term into EC2 filters (karpenter-provider-aws
``pkg/providers/subnet/subnet.go:267-293``): a tag value ``*`` is a ``tag-key`` filter, any other
value a ``tag:<key>=<value>`` filter (wildcards allowed), an ``id`` a ``subnet-id`` filter. Tags of
one term are ANDed and terms are ORed, which is :func:`subnet_select.select`'s shape. No VPC
filter is added: a selector can match subnets of any VPC.
"""

from __future__ import annotations

from collections.abc import Sequence

from eks_ip_lint.facts import subnet_select
from eks_ip_lint.facts.model import SelectorTerm, SubnetFact
from eks_ip_lint.values import Unknown


def criteria(term: SelectorTerm) -> list[subnet_select.Criterion]:
    if term.id is not None:
        return [subnet_select.criterion("id", term.id)]
    return [
        subnet_select.criterion("tag-key", key) if value == "*" else subnet_select.tag(key, value)
        for key, value in term.tags
    ]


def select(terms: Sequence[SelectorTerm], subnets: Sequence[SubnetFact]) -> subnet_select.Selection:
    """The declared subnets the terms select (``matched``) and those they may (``possible``)."""
    return subnet_select.select(subnets, [criteria(t) for t in terms])


def describe(terms: Sequence[SelectorTerm]) -> str:
    """The terms as a reader writes them: ``tags karpenter.sh/discovery=demo or id subnet-1``."""
    parts = []
    for t in terms:
        if isinstance(t.id, Unknown):
            parts.append(f"id {t.id.key}")
        elif t.id is not None:
            parts.append(f"id {t.id}")
        else:
            parts.append("tags " + ", ".join(f"{k}={v}" for k, v in t.tags))
    return " or ".join(parts) if parts else "(no terms)"
