"""facts/subnet_select.py: EC2 DescribeSubnets filter semantics over declared subnets, decided
three ways (holds, fails, cannot tell)."""

from __future__ import annotations

from eks_ip_lint.facts.model import SubnetFact
from eks_ip_lint.facts.subnet_select import criterion, select, tag
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Cause, Unknown, Value

SPAN = SourceSpan("main.tf", 1)
VPC = Unknown("computed", "aws_vpc.main.id", cause=Cause.APPLY_TIME)


def _subnet(
    address: str, cidr: str | Unknown, az: str | Unknown, tags: dict[str, Value] | None
) -> SubnetFact:
    ref = Unknown("computed", f"{address}.id", cause=Cause.APPLY_TIME)
    return SubnetFact(address, (ref,), cidr, az, SPAN, VPC, tags)


A = _subnet("aws_subnet.a", "10.0.1.0/24", "us-east-1a", {"Name": "prod-private-a", "tier": "private"})
B = _subnet("aws_subnet.b", "10.0.2.0/24", "us-east-1b", {"Name": "prod-private-b", "tier": "private"})
C = _subnet("aws_subnet.c", "10.0.3.0/24", "us-east-1a", {"Name": "prod-public-a", "tier": "public"})
UNREAD = _subnet("AWS::EC2::Subnet D", "10.0.4.0/24", "us-east-1b", None)
ALL = (A, B, C)


def test_one_tag_and_an_az_select_one_subnet() -> None:
    chosen = select(ALL, [[tag("tier", "private"), criterion("az", "us-east-1b")]])
    assert chosen.single() is B


def test_values_of_one_criterion_are_alternatives_and_terms_too() -> None:
    assert select(ALL, [[criterion("cidr", ["10.0.1.0/24", "10.0.3.0/24"])]]).matched == (A, C)
    assert select(ALL, [[tag("tier", "public")], [criterion("cidr", "10.0.2.0/24")]]).matched == (B, C)


def test_wildcards_as_ec2_reads_them() -> None:
    assert select(ALL, [[tag("Name", "prod-private-*")]]).matched == (A, B)
    assert select(ALL, [[tag("Name", "prod-p?blic-a")]]).single() is C
    assert select(ALL, [[tag("Name", "*")]]).matched == ALL  # Karpenter's "any value"
    assert select(ALL, [[criterion("tag-key", "tier")]]).matched == ALL


def test_a_cidr_is_compared_as_a_network() -> None:
    assert select(ALL, [[criterion("cidr", "10.0.2.0/24")]]).single() is B
    assert select(ALL, [[criterion("cidr", "10.0.2.0/25")]]).matched == ()


def test_ids_symbolic_and_literal() -> None:
    ref = Unknown("computed", "aws_subnet.c.id", cause=Cause.APPLY_TIME)
    assert select(ALL, [[criterion("id", ref)]]).single() is C
    # A literal ID names a subnet whose ID is known; these are assigned at apply.
    chosen = select(ALL, [[criterion("id", "subnet-0abc")]])
    assert chosen.matched == () and chosen.possible == ()
    assert "none of the 3 declared subnet(s)" in chosen.why_not_single("data.aws_subnet.x", 3).reason


def test_the_vpc_by_symbolic_identity() -> None:
    assert select(ALL, [[criterion("vpc", VPC)]]).matched == ALL
    assert select(ALL, [[criterion("vpc", "vpc-0123")]]).possible == ALL  # the VPC's ID is not known


def test_what_cannot_be_told_is_possible_never_matched() -> None:
    unknown_cidr = _subnet("aws_subnet.u", Unknown("var", cause=Cause.VARIABLE_UNSET), "us-east-1a", {})
    chosen = select((A, unknown_cidr, UNREAD), [[criterion("cidr", "10.0.1.0/24")]])
    assert chosen.matched == (A,) and chosen.possible == (unknown_cidr,)
    assert chosen.single() is None
    why = chosen.why_not_single("data.aws_subnet.x", 3)
    assert "2 declared subnets may match (aws_subnet.a 10.0.1.0/24, aws_subnet.u)" in why.reason
    # Tags not read by the input's reader: cannot tell; a known map without the key: certainly not.
    chosen = select((A, UNREAD), [[tag("Owner", "team")]])
    assert chosen.matched == () and chosen.possible == (UNREAD,)


def test_an_unknown_filter_value_decides_nothing() -> None:
    unset = Unknown("var.tier has no value", cause=Cause.VARIABLE_UNSET)
    chosen = select(ALL, [[tag("tier", unset)]])
    assert not chosen.decided and chosen.unknown_criterion is unset
    assert chosen.why_not_single("data.aws_subnet.x", 3).cause is Cause.VARIABLE_UNSET
